"""Write the processing log (P2): one line per data subject per action.

Services call :func:`record` inside their transaction, so a write and its log line commit or
roll back together. Reads call it from selectors after the access check. The lines go into the
hash chain (chain.py): numbered under a lock on the chain head, so record() waits for a
concurrent writer's commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from meldpunt.core.keys import pseudonymise

from . import chain, trace
from .models import LogStatus, ProcessingActivity, ProcessingLogEntry, SubjectType


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


_versions: dict[str, tuple[int, str]] = {}


def _activity(code: str) -> tuple[int, str]:
    """Version and data categories of a register entry (cached: the register changes rarely)."""
    if code not in _versions:
        activity = ProcessingActivity.objects.filter(code=code).order_by("-version").first()
        if activity is None:
            raise LookupError(f"Verwerkingsactiviteit {code!r} staat niet in het register.")
        _versions[code] = (activity.version, activity.data_categories)
    return _versions[code]


def _pseudonym(subject) -> str:
    if isinstance(subject, PseudonymousSubject):
        return subject.pseudonym
    return pseudonymise(subject.type, subject.identifier)


def _primary_role(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    roles = user.ordered_roles()
    return roles[0].value if roles else ""


def record(action: str, activity: str, subjects: Iterable[DataSubject | PseudonymousSubject], *, user=None,
           obj=None, basis: str = "", status: str = LogStatus.OK, started_at=None, data: str | None = None,
           role: str | None = None) -> int:
    """Log ``action`` once per distinct subject; returns the number of lines written.

    ``user`` is who processed (or for whom the system processed); ``role`` the role they acted in,
    by default their first role. ``data`` names which data were processed (NEN 7513); by default
    the activity's categories — pass exactly what was processed when that is less.
    """
    context = trace.current()
    now = timezone.now()
    unique = {(s.type, _pseudonym(s)) for s in subjects
              if (s.pseudonym if isinstance(s, PseudonymousSubject) else s.identifier)}
    if not unique:
        return 0
    version, categories = _activity(activity)
    rows = [
        ProcessingLogEntry(
            trace_id=context.trace_id, span_id=context.span_id, parent_span_id=context.parent_span_id,
            foreign_trace_id=context.foreign_trace_id, foreign_span_id=context.foreign_span_id,
            action=action[:80], started_at=started_at or now, ended_at=now, status=status,
            activity_code=activity, activity_version=version,
            subject_type=kind, subject_pseudonym=pseudonym,
            data_categories=(categories if data is None else data)[:300],
            user_id=getattr(user, "pk", None), role=(_primary_role(user) if role is None else role)[:32],
            object_type=obj._meta.model_name[:40] if obj is not None else "",
            object_id=str(obj.pk)[:40] if obj is not None else "", basis=basis[:300],
        )
        for kind, pseudonym in sorted(unique)
    ]
    chain.append(ProcessingLogEntry, rows)
    return len(rows)


def forget_cache() -> None:
    """After a change of the register."""
    _versions.clear()


__all__ = ["DataSubject", "PseudonymousSubject", "SubjectType", "LogStatus", "record", "forget_cache"]
