"""Inzage's refused changes (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import MeldpuntError


class InzageError(MeldpuntError):
    """A refused change; ``messages`` are Dutch and meant for the user. Nothing was written."""
