"""Write the processing log (P2): one line per data subject per action.

Services call :func:`record` inside their transaction, so a write and its log line commit or
roll back together. Reads call it from selectors after the access check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from meldpunt.core.keys import pseudonymise

from . import trace
from .models import LogStatus, ProcessingActivity, ProcessingLogEntry, SubjectType


@dataclass(frozen=True)
class DataSubject:
    """Whom a line is about. ``identifier`` never reaches the log in clear text."""

    type: str  # SubjectType
    identifier: str


_versions: dict[str, int] = {}


def _activity_version(code: str) -> int:
    """The current version of a register entry (cached: the register changes rarely)."""
    if code not in _versions:
        activity = ProcessingActivity.objects.filter(code=code).order_by("-version").first()
        if activity is None:
            raise LookupError(f"Verwerkingsactiviteit {code!r} staat niet in het register.")
        _versions[code] = activity.version
    return _versions[code]


def _primary_role(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    roles = user.ordered_roles()
    return roles[0].value if roles else ""


def record(action: str, activity: str, subjects: Iterable[DataSubject], *, user=None, obj=None,
           basis: str = "", status: str = LogStatus.OK, started_at=None) -> int:
    """Log ``action`` once per distinct subject; returns the number of lines written."""
    context = trace.current()
    now = timezone.now()
    unique = {(s.type, s.identifier) for s in subjects if s.identifier}
    if not unique:
        return 0
    version = _activity_version(activity)
    rows = [
        ProcessingLogEntry(
            trace_id=context.trace_id, span_id=context.span_id, parent_span_id=context.parent_span_id,
            action=action, started_at=started_at or now, ended_at=now, status=status,
            activity_code=activity, activity_version=version,
            subject_type=kind, subject_pseudonym=pseudonymise(kind, identifier),
            user_id=getattr(user, "pk", None), role=_primary_role(user),
            object_type=obj._meta.model_name if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "", basis=basis[:300],
        )
        for kind, identifier in sorted(unique)
    ]
    ProcessingLogEntry.objects.bulk_create(rows)
    return len(rows)


def forget_cache() -> None:
    """After a change of the register."""
    _versions.clear()


__all__ = ["DataSubject", "SubjectType", "LogStatus", "record", "forget_cache"]
