"""Write the processing log (P2): one line per data subject per action (Logboek Dataverwerkingen).

Services call :func:`record` inside their transaction, so a write and its log line commit or
roll back together. Reads call it from selectors after the access check. Each call is one action:
it gets a span of its own under the current span (the request's, or one opened with
``trace.span()``), and each data subject a child span under the action. The lines go into the hash
chain (chain.py): numbered under a lock on the chain head, so record() waits for a concurrent
writer's commit.

A write that fails rolls its lines back with it; :func:`failures_recorded` (around every request,
in trace.TraceMiddleware) writes them again afterwards, in a transaction of their own, with status
``error``: the attempt stays on record.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meldpunt.tenancy.defaults import GemeenteRequired, only_tenant
from meldpunt.tenancy.keys import code_of, ring_for
from meldpunt.tenancy.ownership import gemeente_code_of

from . import chain, trace
from .models import LogStatus, ProcessingActivity, ProcessingLogEntry, SubjectType, activity_uri
from .register import subject_type_at

FORMAT_VERSION = 4


@dataclass(frozen=True)
class DataSubject:
    """Whom a line is about. ``identifier`` never reaches the log in clear text."""

    type: str  # SubjectType
    identifier: str


@dataclass(frozen=True)
class PseudonymousSubject:
    """A subject known only by its pseudonym (e.g. lines of the log itself, read by the FG)."""

    type: str
    pseudonym: str


def activity_at(code: str, moment=None, gemeente_code: str = "") -> ProcessingActivity:
    """The register version valid at ``moment`` (now): the latest with ``valid_from`` not after it,
    in ``gemeente_code``'s own register when it changed this activity, else in the shared template.
    Read every time, never cached per process: a new version applies at once in every worker."""
    return activities_at(code, moment or timezone.now(), [gemeente_code])[gemeente_code]


def activities_at(code: str, moment, gemeente_codes) -> dict[str, ProcessingActivity]:
    """:func:`activity_at` for several gemeenten, in one query."""
    wanted = set(gemeente_codes)
    found = list(ProcessingActivity.objects.filter(code=code, gemeente_code__in=wanted | {""})
                 .order_by("-valid_from", "-version"))
    chosen = {}
    for gemeente_code in wanted:
        versions = ([a for a in found if a.gemeente_code == gemeente_code]
                    or [a for a in found if a.gemeente_code == ""])
        activity = next((a for a in versions if a.valid_from <= moment), None) or (
            min(versions, key=lambda a: a.version) if versions else None)
        if activity is None:
            raise LookupError(f"Verwerkingsactiviteit {code!r} staat niet in het register.")
        chosen[gemeente_code] = activity
    return chosen


@cache
def resource() -> tuple[str, str]:
    """The OpenTelemetry resource on every line: this system's name and version."""
    try:
        version = metadata.version("meldpunt")
    except metadata.PackageNotFoundError:
        version = settings.MELDPUNT_API_VERSION
    return settings.MELDPUNT_LDV_RESOURCE_NAME[:60], version[:40]


def status_of(failure: BaseException | None) -> str:
    """The span status of an outcome: a refused question (4xx) is unset, not an error. An error
    class says so with ``span_status`` (registries.errors)."""
    if failure is None:
        return LogStatus.OK
    return getattr(failure, "span_status", LogStatus.ERROR)


def _pseudonym(subject, ring) -> str:
    if isinstance(subject, PseudonymousSubject):
        return subject.pseudonym
    return ring.pseudonymise(subject.type, subject.identifier)


class ControllerUnknown(GemeenteRequired):
    """A log line must name its controller: the gemeente was neither given nor found on ``obj``."""


def controller_code(gemeente=None, obj=None) -> str:
    """The CBS code of the gemeente a line is written for (ADR 0030 §6): the one given, else the
    owner of ``obj`` (tenancy.ownership.OWNER_PATHS), else — while the installation serves one
    gemeente — that one. With several gemeenten and neither known, the call fails loudly."""
    if gemeente is not None:
        return code_of(gemeente)
    if obj is not None:
        code = gemeente_code_of(obj)
        if code:
            return code
    try:
        return only_tenant().code
    except GemeenteRequired as error:
        raise ControllerUnknown("Een regel in het verwerkingslog moet zeggen voor welke gemeente de verwerking is: "
                                f"geef gemeente= mee of een gegeven van één gemeente (obj=). {error}") from None


def _primary_role(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    roles = user.ordered_roles()
    return roles[0].value if roles else ""


# Lines written in the current request or job, so a rolled-back write can be recorded as failed.
_written: ContextVar[list | None] = ContextVar("meldpunt_log_written", default=None)


@dataclass(frozen=True)
class ControllerPart:
    """One gemeente's part of :func:`record_each`: its subjects, the record processed, the basis."""

    gemeente: object  # a Tenant or its CBS code
    subjects: list
    obj: object = None
    basis: str = ""
    data: str | None = None


def record(action: str, activity: str, subjects: Iterable[DataSubject | PseudonymousSubject], *, user=None,
           obj=None, basis: str = "", status: str = LogStatus.OK, started_at=None, data: str | None = None,
           role: str | None = None, gemeente=None) -> int:
    """Log ``action`` once per distinct subject; returns the number of lines written.

    ``user`` is who processed (or for whom the system processed); ``role`` the role they acted in,
    by default their first role. ``data`` names which data were processed (NEN 7513); by default
    the activity's categories — pass exactly what was processed when that is less. ``gemeente``
    (a Tenant or its code) is the controller; by default the gemeente of ``obj``. The line goes
    into that gemeente's chain and its subjects are pseudonymised with that gemeente's key.
    """
    subjects = _named(subjects)
    if not subjects:
        return 0
    code = controller_code(gemeente, obj)
    now = timezone.now()
    rows = _rows(action, activity_at(activity, now, code), code, subjects, now=now, user=user, obj=obj,
                 basis=basis, status=status, started_at=started_at, data=data, role=role)
    chain.append(ProcessingLogEntry, rows, chain.chain_for(ProcessingLogEntry, code))
    return _remember(rows)


def record_each(action: str, activity: str, parts: Iterable[ControllerPart], *, user=None,
                status: str = LogStatus.OK, role: str | None = None) -> int:
    """:func:`record` once per part, each in its own gemeente's chain with its own key, written
    together: one register read, the heads locked in one query, one insert. Returns the lines written."""
    now = timezone.now()
    parts = [(controller_code(part.gemeente, part.obj), part, _named(part.subjects)) for part in parts]
    parts = [(code, part, subjects) for code, part, subjects in parts if subjects]
    if not parts:
        return 0
    registers = activities_at(activity, now, {code for code, _, _ in parts})
    kinds: dict = {}
    by_chain: dict[str, list[ProcessingLogEntry]] = {}
    for code, part, subjects in parts:
        rows = _rows(action, registers[code], code, subjects, now=now, user=user, obj=part.obj, basis=part.basis,
                     status=status, data=part.data, role=role, kinds=kinds)
        by_chain.setdefault(chain.chain_for(ProcessingLogEntry, code), []).extend(rows)
    chain.append_each(ProcessingLogEntry, by_chain)
    return sum(_remember(rows) for rows in by_chain.values())


def _named(subjects) -> list:
    return [s for s in subjects if (s.pseudonym if isinstance(s, PseudonymousSubject) else s.identifier)]


def _remember(rows: list[ProcessingLogEntry]) -> int:
    written = _written.get()
    if written is not None:
        written.extend(rows)
    return len(rows)


def _rows(action: str, register: ProcessingActivity, code: str, subjects, *, now, user, obj, basis, status,
          data, role, started_at=None, kinds: dict | None = None) -> list[ProcessingLogEntry]:
    """The unsaved lines of one action of one controller: a span for the action, one per subject."""
    context = trace.current()
    ring = ring_for(code)
    unique = {(s.type, _pseudonym(s, ring)) for s in subjects}
    if context.action:  # inside trace.span(): that span is this action's
        action_span, action_parent = context.span_id, context.parent_span_id
        started_at = started_at or context.started_at
    else:
        action_span, action_parent = trace.new_span_id(), context.span_id
    name, version = resource()
    # Each kind's register version at this moment (read every time, like the activity).
    kinds = {} if kinds is None else kinds
    for kind in {kind for kind, _ in unique} - set(kinds):
        kinds[kind] = subject_type_at(kind, now)
    activity = register.code
    return [
        ProcessingLogEntry(
            format_version=FORMAT_VERSION, trace_id=context.trace_id, span_id=trace.new_span_id(),
            parent_span_id=action_span, action_parent_span_id=action_parent,
            foreign_trace_id=context.foreign_trace_id, foreign_span_id=context.foreign_span_id,
            foreign_processor=context.foreign_processor,
            action=action[:80], started_at=started_at or now, ended_at=now, status=status,
            activity_code=activity, activity_version=register.version,
            # The gemeente's own register entry: its address, the version it ran under.
            activity_uri=activity_uri(activity, register.version, code)[:200],
            resource_name=name, resource_version=version,
            subject_type=kind, subject_pseudonym=pseudonym, subject_type_version=kinds[kind].version,
            subject_type_uri=kinds[kind].uri[:200],
            data_categories=(register.data_categories if data is None else data)[:300],
            user_id=getattr(user, "pk", None), role=(_primary_role(user) if role is None else role)[:32],
            object_type=obj._meta.model_name[:40] if obj is not None else "",
            object_id=str(obj.pk)[:40] if obj is not None else "", basis=basis[:300], gemeente_code=code,
        )
        for kind, pseudonym in sorted(unique)
    ]


def _failure_copy(line: ProcessingLogEntry, reason: str) -> ProcessingLogEntry:
    fields = {f.attname: getattr(line, f.attname) for f in ProcessingLogEntry._meta.concrete_fields
              if not f.primary_key and f.attname not in ("seq", "prev_hash", "hash")}
    fields.update(status=LogStatus.ERROR, ended_at=timezone.now(),
                  basis=f"mislukt, teruggedraaid ({reason}); {line.basis}"[:300])
    return ProcessingLogEntry(**fields)


def record_rolled_back(lines: list[ProcessingLogEntry], reason: str) -> int:
    """Write again, as failures, the lines of ``lines`` a rollback took away; returns how many."""
    if not lines:
        return 0
    spans = [line.span_id for line in lines]
    kept: set[str] = set()
    for start in range(0, len(spans), 5000):  # within every database's limit of query parameters
        kept.update(ProcessingLogEntry.objects.filter(span_id__in=spans[start:start + 5000])
                    .values_list("span_id", flat=True))
    lost = [_failure_copy(line, reason) for line in lines if line.span_id not in kept]
    by_chain: dict[str, list[ProcessingLogEntry]] = {}
    for line in lost:
        by_chain.setdefault(chain.chain_for(ProcessingLogEntry, line.gemeente_code), []).append(line)
    if lost:
        with transaction.atomic():
            for name, part in by_chain.items():
                chain.append(ProcessingLogEntry, part, name)
    return len(lost)


class FailureWatch:
    """What failures_recorded watches: the lines written, and whether the work failed."""

    def __init__(self):
        self.lines: list[ProcessingLogEntry] = []
        self.failed = False


@contextmanager
def failures_recorded(reason: str = "de wijziging is niet doorgevoerd door een fout", *,
                      step_failed: str | None = None):
    """Around a request or job: when it fails (an exception, or the caller sets ``failed``, e.g. for
    a 500), lines that its rolled-back writes took with them are written again afterwards, with
    status error, in a transaction of their own: the rollback does not erase the attempt. A refusal
    of bad input is no failure: it changes nothing and leaves no line (P8).

    With ``step_failed`` (a job: no person whose input was refused) the lines are checked also when
    the whole succeeds: a step whose write failed and that the job caught and went on from is
    recorded, with that reason."""
    watch = FailureWatch()
    outer = _written.get()
    token = _written.set(watch.lines)
    try:
        yield watch
    except Exception:
        watch.failed = True
        raise
    finally:
        _written.reset(token)
        if watch.failed:
            record_rolled_back(watch.lines, reason)
        elif step_failed is not None:
            record_rolled_back(watch.lines, step_failed)
        if not watch.failed and outer is not None:
            # A job inside a request (a task run in-process): if the request fails later, its
            # rollback may take these lines too.
            outer.extend(watch.lines)


__all__ = ["DataSubject", "PseudonymousSubject", "SubjectType", "LogStatus", "record",
           "failures_recorded", "status_of", "activity_at"]
