"""Errors of the background jobs (meldpunt.jobs)."""

from meldpunt.core.errors import MeldpuntError


class JobFailed(MeldpuntError):
    """A job that did not fully succeed, with a Dutch message for the page; tried again."""
