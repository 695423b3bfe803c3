"""W3C Trace Context for the processing log: accept ``traceparent``, start a span per request,
and send it back so a caller can tie its own log lines to ours.

Following the Logboek Dataverwerkingen, each request starts a trace of our own; the caller's
trace and span from an incoming ``traceparent`` are kept as ``foreign_operation`` (the foreign_*
fields) and go back in the response's ``traceparent`` as ours. The current request is kept too,
for the device fields of the security log (BIO 12.4.1), never for the processing log.
"""

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, replace

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    parent_span_id: str = ""
    foreign_trace_id: str = ""
    foreign_span_id: str = ""

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-01"


_current: ContextVar[TraceContext | None] = ContextVar("meldpunt_trace", default=None)
_request: ContextVar = ContextVar("meldpunt_request", default=None)


def new_context(traceparent: str | None = None) -> TraceContext:
    context = TraceContext(secrets.token_hex(16), secrets.token_hex(8))
    match = _TRACEPARENT.match((traceparent or "").strip().lower())
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        return replace(context, foreign_trace_id=match.group(1), foreign_span_id=match.group(2))
    return context


def current() -> TraceContext:
    """The context of this request or job; a job outside a request gets a trace of its own."""
    context = _current.get()
    if context is None:
        context = new_context()
        _current.set(context)
    return context


def current_request():
    """The request being handled in this thread, or None (a command or a job)."""
    return _request.get()


class TraceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = new_context(request.headers.get("traceparent"))
        token, request_token = _current.set(context), _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
            _request.reset(request_token)
        response["traceparent"] = context.traceparent
        return response
