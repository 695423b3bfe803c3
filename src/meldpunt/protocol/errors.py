"""The protocol's refused steps (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import Conflict, MeldpuntError, NotAllowed

__all__ = ["NotAllowed", "ProtocolError", "WrongState"]


class ProtocolError(MeldpuntError):
    """A refused step; ``messages`` are Dutch and meant for the user. Nothing was written."""


class WrongState(ProtocolError, Conflict):
    """The signal's current status does not allow this step (the API answers 409)."""
