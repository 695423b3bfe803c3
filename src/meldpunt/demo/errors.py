"""Errors of setting an installation up (meldpunt.demo)."""

from meldpunt.core.errors import MeldpuntError


class GemeenteSetupError(MeldpuntError):
    """The gemeente cannot be set (unknown code, or data of a gemeente is already there); Dutch message."""
