"""The one base class of every refused service call (issue 15): a leaf module, imports nothing of
the project. Each app defines its own errors in its ``errors.py`` as subclasses of these.

``messages`` are Dutch and meant for the user; ``field_errors`` (optional) maps a form or API field
to its Dutch messages. Raising one means nothing was written (P8). The API turns them into
problem+json in one place (``meldpunt.api.problems``), the pages in one place
(``meldpunt.web.forms.add_service_errors``)."""


class MeldpuntError(Exception):
    """A refused step; the API answers 400 unless a subclass says otherwise."""

    def __init__(self, *messages: str, field_errors: dict[str, list[str]] | None = None):
        self.field_errors = {name: list(texts) for name, texts in (field_errors or {}).items()}
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(self.messages or [t for texts in self.field_errors.values() for t in texts]))


class InvalidInput(MeldpuntError):
    """The input is wrong (API 400, with ``invalidParams`` from ``field_errors``)."""


class NotAllowed(MeldpuntError):
    """The user may not do this (API 403)."""


class NotFound(MeldpuntError):
    """The object does not exist or the user may not see it (API 404)."""


class Conflict(MeldpuntError):
    """The state changed under the user; the step no longer fits (API 409)."""


class InvalidIdentifier(InvalidInput, ValueError):
    """A value that is not a valid identifier of its kind (BSN, KvK, BAG…); the message is Dutch.
    Still a ValueError: parsers are used where any bad value is caught as one."""
