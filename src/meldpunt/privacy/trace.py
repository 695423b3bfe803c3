"""W3C Trace Context for the processing log: accept ``traceparent``, start a span per request,
and send it back so a caller can tie its own log lines to ours."""

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    parent_span_id: str = ""

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-01"


_current: ContextVar[TraceContext | None] = ContextVar("meldpunt_trace", default=None)


def new_context(traceparent: str | None = None) -> TraceContext:
    match = _TRACEPARENT.match((traceparent or "").strip().lower())
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        return TraceContext(match.group(1), secrets.token_hex(8), match.group(2))
    return TraceContext(secrets.token_hex(16), secrets.token_hex(8))


def current() -> TraceContext:
    """The context of this request or job; a job outside a request gets a trace of its own."""
    context = _current.get()
    if context is None:
        context = new_context()
        _current.set(context)
    return context


class TraceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = new_context(request.headers.get("traceparent"))
        token = _current.set(context)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["traceparent"] = context.traceparent
        return response
