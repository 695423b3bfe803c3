"""Retention of casusoverleg minutes (Selectielijst 2020: 19.1.9 intern ambtelijk overleg 1 year,
19.1.11 overleg met derden 5 years; cases.meetings gives each agenda item its class when the
minutes are recorded).

- Daily: the minutes and decisions of an agenda item whose meeting date + term has passed are
  cleared; a note "Verslag vernietigd op <datum> (selectielijst 19.1.9)" takes their place, so the
  casus shows that there were minutes and when they went. The casus itself follows its own class.
  Not while the casus is held or asked about in an open inzageverzoek (blocks.py). Logged per
  data subject of the casus.
- On destruction of casussen: a casusoverleg whose whole agenda consists of destroyed casussen
  would outlive them with its title, date, place and participants (its agenda items cascade, the
  meeting does not): it goes too (a destroy hook that runs before the purge, while the agenda
  still shows which meetings those are).

Both are registered with retention in CasesConfig.ready (a daily task and a destroy hook):
retention does not import this app (issue 15).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from meldpunt.privacy import log
from meldpunt.privacy.retention import blocks, dates, destroy_hooks, purge, registry, terms
from meldpunt.privacy.retention.models import Valuation

from .items import casus_subjects
from .models import AgendaItem, Meeting

TASK = "casusoverleg_verslagen"

NOTE_PREFIX = "Verslag vernietigd op "


def note(day: date, selectielijst_item: str) -> str:
    return f"{NOTE_PREFIX}{day:%d-%m-%Y} (selectielijst {selectielijst_item or 'lokale regel'})."


def due_minutes(today: date | None = None) -> list[int]:
    """Ids of the agenda items whose minutes may go today, by the term of the overleg's gemeente."""
    today = today or timezone.localdate()
    found = terms.load()
    rows = (AgendaItem.objects.filter(minutes_result_class__isnull=False)
            .exclude(minutes__startswith=NOTE_PREFIX)
            .values_list("pk", "casus_id", "meeting__starts_at", "meeting__gemeente_id", "minutes_result_class__code"))
    blocked = blocks.blocked_cases(today=today)
    due = []
    for pk, casus_id, starts_at, gemeente, code in rows:
        result = found.result_class(gemeente, code)
        if result is None or result.valuation != Valuation.VERNIETIGEN or result.term_months is None:
            continue
        destroy_after = dates.destruction_date(dates.local_date(starts_at), result.term_months)
        if destroy_after is not None and destroy_after <= today and casus_id not in blocked:
            due.append(pk)
    return due


@transaction.atomic
def destroy_due_minutes(today: date | None = None) -> int:
    """Clear the minutes and decisions whose term has passed; returns how many agenda items."""
    today = today or timezone.localdate()
    due = due_minutes(today)
    found = terms.load()
    for item in AgendaItem.objects.filter(pk__in=due).select_related("casus", "meeting", "minutes_result_class"):
        result_class = found.result_class(item.meeting.gemeente_id, item.minutes_result_class.code)
        item.minutes = note(today, result_class.selectielijst_item)
        item.decisions = ""
        item.save(update_fields=["minutes", "decisions"])
        log.record("verslag_vernietigen", "vernietigen", casus_subjects(item.casus), obj=item.casus,
                   basis=f"{result_class.name} ({result_class.selectielijst_item}, {result_class.term_label})")
    return len(due)


def forget_meetings(destroyed: destroy_hooks.Destroyed) -> None:
    """Delete every casusoverleg whose agenda holds only casussen that are being destroyed."""
    if not destroyed.casus_ids:
        return
    touched = AgendaItem.objects.filter(casus_id__in=destroyed.casus_ids).values("meeting_id")
    others = AgendaItem.objects.filter(meeting_id=OuterRef("pk")).exclude(casus_id__in=destroyed.casus_ids)
    ids = list(Meeting.objects.filter(pk__in=touched).exclude(Exists(others)).values_list("pk", flat=True))
    if ids:
        purge.purge(Meeting, ids)


def daily(dry_run: bool, today: date | None = None) -> str:
    """The daily run's part for minutes (registered with retention; jobs.py)."""
    if dry_run:
        return f"Overlegverslagen die zouden worden vernietigd: {len(due_minutes(today))}."
    return f"Overlegverslagen vernietigd: {destroy_due_minutes(today)}."


def register() -> None:
    destroy_hooks.register(forget_meetings, before_purge=True)
    registry.register_daily_task(TASK, daily)
