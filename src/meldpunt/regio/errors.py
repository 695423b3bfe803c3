"""The errors of the regio app (ADR 0030 §8): Dutch, and nothing changed."""

from meldpunt.core.errors import MeldpuntError, NotAllowed


class RegioError(MeldpuntError):
    """A regional question or decision that cannot be taken as asked."""


class RateLimited(RegioError):
    """The regio allows no more questions to this gemeente today."""


class NotYours(NotAllowed):
    """A regional request of another gemeente, or a role this user does not hold there."""
