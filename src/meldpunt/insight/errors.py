"""The ondermijningsbeeld's refusals (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import MeldpuntError


class SnapshotFileError(MeldpuntError):
    """The file of a snapshot is missing or does not match its recorded checksum; the message is Dutch."""
