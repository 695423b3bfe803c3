"""Retention's refused steps (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import MeldpuntError, NotAllowed

__all__ = ["DestructionError", "NotAllowed", "RetentionError"]


class RetentionError(MeldpuntError):
    """A refused step; ``messages`` are Dutch and meant for the user. Nothing was written."""


class DestructionError(MeldpuntError):
    """A destruction list that cannot be carried out now; ``messages`` are Dutch."""
