"""Registry connectors: one interface, a local implementation (extracts) and later HTTP ones."""

from .base import (
    ConnectorError,
    FieldNotAllowed,
    NoHit,
    RegistryConnector,
    Subject,
    SubjectKind,
    UnsupportedSubject,
)
from .local import LOCAL_CONNECTORS, local_connector

__all__ = [
    "LOCAL_CONNECTORS",
    "ConnectorError",
    "FieldNotAllowed",
    "NoHit",
    "RegistryConnector",
    "Subject",
    "SubjectKind",
    "UnsupportedSubject",
    "local_connector",
]
