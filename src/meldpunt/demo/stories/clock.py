"""Time in the demo: generated signals are moved into the last twelve months before today, and
every step a story takes is dated back to the day it 'happened'.

The services always write ``timezone.now()``. Rather than give every service a clock argument
for the demo's sake, the demo builder (and only the demo builder) moves what a step wrote
afterwards: the timestamps of the rows that step created or changed (wegingen, history, forwards,
source requests, casus rows) and the signal's status date and step deadline. The processing log
is hash-chained and keeps the real time of the run: it records when the demo was built.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from meldpunt.cases.models import (
    AgendaItem,
    Casus,
    CasusSignal,
    CasusStateChange,
    Intervention,
    InterventionUpdate,
    Meeting,
    Participant,
    ReleaseRequest,
)
from meldpunt.core.workdays import add_working_days
from meldpunt.demo.generator.sizes import REFERENCE_DATE
from meldpunt.intake.models import Signal
from meldpunt.protocol.models import Forward, StateChange, StepNorm, Weging
from meldpunt.protocol.research.models import DetailRequest, HitResult, SourceRequest

# Every timestamp a step may write, per model. Planned moments (a meeting's start, an
# intervention's deadline) are not on the list: they stay where the story put them.
WRITTEN = [
    (Weging, "decided_at"), (StateChange, "at"), (Forward, "sent_at"),
    (SourceRequest, "requested_at"), (SourceRequest, "decided_at"), (HitResult, "answered_at"),
    (DetailRequest, "requested_at"), (DetailRequest, "decided_at"), (DetailRequest, "supplied_at"),
    (Casus, "opened_at"), (Casus, "state_since"), (Casus, "closed_at"), (CasusSignal, "linked_at"),
    (CasusStateChange, "at"), (Meeting, "created_at"), (Participant, "invited_at"),
    (AgendaItem, "minutes_at"), (ReleaseRequest, "requested_at"), (ReleaseRequest, "decided_at"),
    (Intervention, "created_at"), (Intervention, "started_at"), (Intervention, "finished_at"),
    (InterventionUpdate, "at"),
]
# Steps 1 and 2 write only these: the bulk walk dates just them (a quarter of the queries).
INTAKE_ROWS = WRITTEN[:3]
SPAN_DAYS = 365  # the generator spreads signals over two years; the demo shows one


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days_ago(today: date, days: float, hour: int = 10) -> datetime:
    return moment(today - timedelta(days=int(days)), hour)


def rebase_generated_signals(today: date) -> None:
    """Spread the generated signals (dated up to the generator's fixed reference date, two years
    back) over the twelve months before ``today``, keeping their order; the kenmerk follows the
    new year, as for a signal made in the app."""
    end = moment(today, 8)
    ref = moment(REFERENCE_DATE, 8)
    norm = StepNorm.objects.filter(state="ontvangen").values_list("working_days", flat=True).first() or 5
    signals = list(Signal.objects.filter(state="ontvangen", history__transition="ontvangen")
                   .only("id", "received_at", "reference"))
    for signal in signals:
        age = (ref - signal.received_at) * (SPAN_DAYS / 730)
        signal.received_at = end - age
        signal.state_since = signal.received_at
        signal.deadline = add_working_days(timezone.localdate(signal.received_at), norm)
        prefix, _year, number = signal.reference.rsplit("-", 2)  # the gemeente's prefix and number stay
        signal.reference = f"{prefix}-{timezone.localtime(signal.received_at).year}-{number}"
    Signal.objects.bulk_update(signals, ["received_at", "state_since", "deadline", "reference"], batch_size=2000)
    _history_at_received(signals)


def _history_at_received(signals) -> None:
    by_id = {s.id: s.received_at for s in signals}
    rows = list(StateChange.objects.filter(transition="ontvangen", signal_id__in=by_id))
    for row in rows:
        row.at = by_id[row.signal_id]
    StateChange.objects.bulk_update(rows, ["at"], batch_size=2000)


@contextmanager
def on(when: datetime, rows=WRITTEN):
    """Date what the enclosed step writes at ``when`` (see the module docstring)."""
    started = timezone.now()  # no slack: rows written just before this step (a data rule's signal) stay put
    yield
    for model, field in rows:
        model.objects.filter(**{f"{field}__gte": started}).update(**{field: when})
    norms = dict(StepNorm.objects.values_list("state", "working_days"))
    moved = list(Signal.objects.filter(state_since__gte=started).only("id", "state", "state_since", "received_at"))
    for signal in moved:
        signal.state_since = when
        if signal.received_at >= started:
            signal.received_at = when
        norm = norms.get(signal.state)
        signal.deadline = add_working_days(timezone.localdate(when), norm) if norm else None
    Signal.objects.bulk_update(moved, ["state_since", "received_at", "deadline"])
