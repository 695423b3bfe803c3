"""The casus' refused steps (subclasses of meldpunt.core.errors)."""

from meldpunt.protocol.errors import ProtocolError


class CaseError(ProtocolError):
    """A refused casus step; ``messages`` are Dutch. Nothing was written."""
