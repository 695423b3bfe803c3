"""Registry connectors: one interface, a local implementation (extracts) and HTTP ones
(Haal Centraal BRP/BAG, KvK). ``connector(source)`` picks the implementation from settings."""

from django.conf import settings

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


def connector(source: str) -> RegistryConnector:
    """The connector for ``source`` as configured in ``MELDPUNT_REGISTRIES`` (default: local)."""
    config = getattr(settings, "MELDPUNT_REGISTRIES", {}).get(source) or {}
    if config.get("implementation", "local") == "http":
        # The HTTP connector and its client load only for a source configured for it.
        from .http import http_connector

        return http_connector(source, config, timeout=settings.MELDPUNT_HC_TIMEOUT_SECONDS,
                              retries=settings.MELDPUNT_HC_RETRIES)
    return local_connector(source)


__all__ = [
    "LOCAL_CONNECTORS",
    "ConnectorError",
    "FieldNotAllowed",
    "NoHit",
    "RegistryConnector",
    "Subject",
    "SubjectKind",
    "UnsupportedSubject",
    "connector",
    "local_connector",
]
