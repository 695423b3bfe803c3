"""W3C Trace Context for the processing log (Logboek Dataverwerkingen 1.0.0): accept ``traceparent``,
start a span per request and per action, send it on every outgoing call and back in the response.

Each request starts a span. From an unknown caller its ``traceparent`` is only remembered as the
foreign operation (``dpl.core.foreign_operation.*``): we start a trace of our own, because an
arbitrary caller must not be able to write lines into a trace it chose. A trusted caller (a partner
authenticated with its token, later another installation) is adopted: its trace id becomes ours and
its span the parent of our request span (:func:`adopt`), and the foreign operation names it too.
Inside a request, :func:`span` opens a child span for one action (for example a registry call), so
an outgoing ``traceparent`` names the span that made the call. The current request is kept too,
for the device fields of the security log (BIO 12.4.1), never for the processing log.
"""

from __future__ import annotations

import re
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime

from django.utils import timezone

# W3C Trace Context level 1, §3.2: version-traceid-parentid-flags, lowercase hex. Version ff is
# invalid; a later version may append fields after a dash, which a level-1 reader ignores (§3.2.4).
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    parent_span_id: str = ""
    foreign_trace_id: str = ""
    foreign_span_id: str = ""
    # Who the foreign operation belongs to (a partner's name or URI); empty for an unknown caller.
    foreign_processor: str = ""
    sampled: bool = True
    # True inside trace.span(action=True): log.record uses this span as the action's span.
    action: bool = False
    started_at: datetime | None = None

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{'01' if self.sampled else '00'}"

    def child(self, *, action: bool = False) -> TraceContext:
        """A new span under this one, in the same trace, starting now."""
        return replace(self, span_id=new_span_id(), parent_span_id=self.span_id, action=action,
                       started_at=timezone.now())


def new_span_id() -> str:
    return secrets.token_hex(8)


def parse_traceparent(value: str | None) -> tuple[str, str, bool] | None:
    """(trace id, parent span id, sampled) of a valid header, else None (W3C §3.2 and §3.3)."""
    match = _TRACEPARENT.match((value or "").strip())
    if match is None:
        return None
    version, trace_id, span_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if set(trace_id) == {"0"} or set(span_id) == {"0"}:
        return None
    return trace_id, span_id, bool(int(flags, 16) & 1)


_current: ContextVar[TraceContext | None] = ContextVar("meldpunt_trace", default=None)
_request: ContextVar = ContextVar("meldpunt_request", default=None)


def new_context(traceparent: str | None = None) -> TraceContext:
    """A trace of our own; a valid incoming ``traceparent`` is kept as the foreign operation."""
    context = TraceContext(secrets.token_hex(16), new_span_id(), started_at=timezone.now())
    parsed = parse_traceparent(traceparent)
    if parsed:
        return replace(context, foreign_trace_id=parsed[0], foreign_span_id=parsed[1])
    return context


def current() -> TraceContext:
    """The context of this request or job; a job outside a request gets a trace of its own."""
    context = _current.get()
    if context is None:
        context = new_context()
        _current.set(context)
    return context


def adopt(processor: str) -> TraceContext:
    """Continue the caller's trace: for a caller we trust (an authenticated partner). Without an
    incoming ``traceparent`` only the processor is noted. Returns the new current context."""
    context = current()
    if context.foreign_trace_id:
        context = replace(context, trace_id=context.foreign_trace_id, parent_span_id=context.foreign_span_id,
                          foreign_processor=processor[:200])
    else:
        context = replace(context, foreign_processor=processor[:200])
    _current.set(context)
    return context


@contextmanager
def span(*, action: bool = True):
    """A child span of the current one for the duration of the block. With ``action`` (the default)
    it is the span of one action: calls to registries inside carry it as their parent, and the
    lines log.record writes inside are its children (and start when it started)."""
    child = current().child(action=action)
    token = _current.set(child)
    try:
        yield child
    finally:
        _current.reset(token)


@contextmanager
def job_span(name: str, *, traceparent: str | None = None):
    """A span for one management command or background job (a Celery task); usable as a decorator.

    What a request gets from TraceMiddleware, a job gets here: a span of its own (a trace of its own;
    inside a request or another job a child span of it; with the ``traceparent`` its producer sent
    along, a child of the producer's span in the producer's trace: our own system, so adopted), and
    when the job ends in an exception, the log lines its rolled-back writes took with them are
    written again with status error, in a transaction of their own, before the exception goes on;
    so are those of a step that failed and that the job caught and went on from.
    """
    from . import log  # log imports this module

    outer = _current.get()
    parsed = parse_traceparent(traceparent)
    if parsed:
        context = TraceContext(parsed[0], new_span_id(), parent_span_id=parsed[1], sampled=parsed[2],
                               started_at=timezone.now())
    elif outer is not None:
        context = outer.child(action=False)
    else:
        context = new_context()
    token = _current.set(context)
    try:
        with log.failures_recorded(f"de taak '{name}' is afgebroken door een fout",
                                   step_failed=f"een stap van de taak '{name}' is mislukt") as watch:
            yield watch
    finally:
        _current.reset(token)


def outgoing_headers() -> dict[str, str]:
    """The headers for a call to another system: our current span as the caller's parent."""
    return {"traceparent": current().traceparent}


def current_request():
    """The request being handled in this thread, or None (a command or a job)."""
    return _request.get()


class TraceMiddleware:
    """A span per request; when the request fails (500), lines its writes rolled back come back as
    failure lines (log.failures_recorded); the response names our span in ``traceparent``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import log  # log imports this module

        context = new_context(request.headers.get("traceparent"))
        token, request_token = _current.set(context), _request.set(request)
        try:
            with log.failures_recorded() as watch:
                response = self.get_response(request)
                # Django turns an exception in a view into a 500 answer before it gets here.
                watch.failed = response.status_code >= 500
            context = current()
        finally:
            _current.reset(token)
            _request.reset(request_token)
        response["traceparent"] = context.traceparent
        return response


@contextmanager
def foreign(processor: str, trace_id: str):
    """A span whose lines name another controller's operation as the foreign one: e.g. gemeente B
    answering a regional question of gemeente A in the same installation (ADR 0030 §8.6). The lines
    stay in a trace of this side's own; ``trace_id`` and ``processor`` name A's operation."""
    child = current().child(action=True)
    token = _current.set(replace(child, foreign_trace_id=trace_id[:32], foreign_span_id="",
                                 foreign_processor=processor[:200]))
    try:
        yield
    finally:
        _current.reset(token)
