"""The ondermijningsbeeld's refusals (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import MeldpuntError


class SnapshotFileError(MeldpuntError):
    """The file of a snapshot is missing or does not match its recorded checksum; the message is Dutch."""


class DisclosureError(MeldpuntError):
    """A snapshot would give a suppressed count away (P6, the audit of ADR 0026); nothing is written.
    The message is Dutch."""
