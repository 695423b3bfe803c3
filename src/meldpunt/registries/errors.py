"""The registries' refusals (subclasses of meldpunt.core.errors)."""

from meldpunt.core.errors import MeldpuntError, NotAllowed

__all__ = ["ConnectorError", "DetailsNeeded", "FieldNotAllowed", "InvalidAnswer", "LinkingError", "NoHit",
           "NotAllowed", "RegistryRefused", "RegistryUnavailable", "SourceResearchNeeded", "UnsupportedSubject"]


class LinkingError(MeldpuntError):
    """A judgement that cannot be recorded; the message is user-facing Dutch. Nothing changed."""


class SourceResearchNeeded(LinkingError):
    """No approved privacy check 1 for the registry of this mention that covers it (design §3):
    candidates may not be shown nor judged yet."""


class DetailsNeeded(SourceResearchNeeded):
    """A PC1 allows hit/no-hit only: judging a record needs its identity, opened only by an approved
    details request for the mention (design §3, step 3)."""


class ConnectorError(MeldpuntError):
    """A registry could not answer; the message is user-facing Dutch."""


class UnsupportedSubject(ConnectorError):
    # The question was refused or found nothing: no error (Logboek Dataverwerkingen span status).
    span_status = "unset"


class FieldNotAllowed(ConnectorError):
    # The question was refused or found nothing: no error (Logboek Dataverwerkingen span status).
    span_status = "unset"


class NoHit(ConnectorError):
    # The question was refused or found nothing: no error (Logboek Dataverwerkingen span status).
    span_status = "unset"


class RegistryUnavailable(ConnectorError):
    """No answer after every attempt (timeout, no connection, 5xx)."""


class RegistryRefused(ConnectorError):
    """The registry refused the question (4xx); asking again does not help."""

    # HTTP 4xx leaves the span status unset (OpenTelemetry semantics the standard follows).
    span_status = "unset"


class InvalidAnswer(ConnectorError):
    """The answer does not match the registry's OpenAPI document."""
