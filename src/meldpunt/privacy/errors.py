"""Errors of the privacy core (one house for errors, ADR 0022): each message is Dutch and nothing changed."""

from meldpunt.core.errors import InvalidInput, MeldpuntError


class RegisterError(MeldpuntError):
    """A register change that cannot be made; the message is Dutch. Nothing changed."""


class QueryError(InvalidInput):
    """A question the Logboek read API does not answer (HTTP 400); the message is Dutch."""
