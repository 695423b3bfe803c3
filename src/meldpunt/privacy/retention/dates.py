"""The destruction date of a record, and recomputing it whenever an input changes.

One pure function (:func:`destruction_date`) turns the inputs into a date:

    destroy_after = brondatum + term of the result class

- brondatum ('afgehandeld', Open Zaak's default afleidingswijze): for a signal the date it reached
  its end state of the protocol, for a casus the date it was closed;
- a result class that is kept permanently, or has no term, gives no date;
- an active legal hold without an end gives no date; one with an end moves the date to at least
  the day after it.

A signal in the state 'casus' belongs to its casus' dossier and follows the casus' date.

Closed inzageverzoeken get a date the same way (privacy/inzage/retention.py): closed_at + term.

The models of signals and casussen, the sources of their dates (brondatum and result class: intake
and cases know which field holds them) and inzage's own recomputation come from the registry the
apps fill (registry.py): this module does not import them.

The recompute functions are called from every event that changes an input (protocol transitions,
casus saves, result class and rule edits, legal holds) and by the daily job as a safety net; they
write only rows whose date actually changes, in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from meldpunt.core.dates import add_months

from . import registry, terms
from .models import AppliesTo, LegalHold, ResultClass, Valuation

CHUNK = 2000
CASUS_STATE = "casus"


@dataclass(frozen=True)
class Hold:
    """An active legal hold as an input: ``until`` None means 'until lifted'."""

    until: date | None


def destruction_date(brondatum: date | None, term_months: int | None, valuation: str = Valuation.VERNIETIGEN,
                     holds: Iterable[Hold] = ()) -> date | None:
    """The date after which a record may be destroyed, or None when it may not (yet)."""
    if brondatum is None or term_months is None or valuation != Valuation.VERNIETIGEN:
        return None
    result = add_months(brondatum, term_months)
    for hold in holds:
        if hold.until is None:
            return None
        result = max(result, hold.until + timedelta(days=1))
    return result


def local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def active_holds_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gte=today))


def _holds(field: str, ids: list[int], today: date | None = None) -> dict[int, list[Hold]]:
    found: dict[int, list[Hold]] = defaultdict(list)
    rows = LegalHold.objects.filter(active_holds_q(today), **{f"{field}__in": ids}).values_list(field, "until")
    for record_id, until in rows:
        found[record_id].append(Hold(until))
    return found


def _write(model, changes: dict[int, date | None]) -> int:
    """Bulk update. After a term change the new dates cluster (the same few brondata): one UPDATE
    per distinct date. A first computation spreads over many dates: batched CASE updates."""
    by_date: dict[date | None, list[int]] = defaultdict(list)
    for pk, value in changes.items():
        by_date[value].append(pk)
    if len(by_date) * 10 <= len(changes):
        for value, ids in by_date.items():
            for start in range(0, len(ids), CHUNK):
                model.objects.filter(pk__in=ids[start:start + CHUNK]).update(destroy_after=value)
    else:
        # from_db leaves every other field deferred: no default (such as the record's gemeente) is
        # computed per row for an object that only carries its new date.
        rows = [model.from_db(None, ["id", "destroy_after"], [pk, value]) for pk, value in changes.items()]
        model.objects.bulk_update(rows, ["destroy_after"], batch_size=500)
    return len(changes)


def signal_rules(gemeente=None) -> dict[str, ResultClass]:
    """End state -> result class, with the terms of ``gemeente`` (the installation's default without
    one; ADR 0030 §7, terms.py)."""
    return terms.load().signal_rules(gemeente)


def _casus_dates_for_signals(signal_ids: list[int]) -> dict[int, date | None]:
    """A signal in a casus follows its casus; with several, the latest (None if any is open)."""
    CasusSignal = registry.model(registry.CASUS_SIGNAL)
    result: dict[int, date | None] = {}
    links = list(CasusSignal.objects.filter(signal_id__in=signal_ids).values_list("signal_id", "casus_id"))
    # A casus is open while it has no brondatum (cases registers what that is).
    cases = {source.pk: source for source in registry.sources(registry.CASUS, sorted({c for _, c in links}))}
    for signal_id, casus_id in links:
        if signal_id in result and result[signal_id] is None:
            continue
        casus = cases.get(casus_id)
        if casus is None or casus.brondatum is None or casus.current is None:
            result[signal_id] = None
        else:
            current = result.get(signal_id)
            result[signal_id] = casus.current if current is None else max(current, casus.current)
    return result


def _new_date(source: registry.Source, holds: dict[int, list[Hold]]) -> date | None:
    return destruction_date(source.brondatum, source.term_months, source.valuation or Valuation.VERNIETIGEN,
                            holds.get(source.pk, ()))


def recompute_signals(signals_qs, today: date | None = None) -> int:
    """Recompute the date of every signal in ``signals_qs``; returns how many changed. ``today``:
    the day whose holds count (a peildatum; default the real today)."""
    ids = list(signals_qs.order_by().values_list("pk", flat=True))
    return sum(len(_recompute_signal_ids(ids[start:start + CHUNK], today)[1])
               for start in range(0, len(ids), CHUNK))


def _recompute_signal_ids(chunk: list[int], today: date | None = None) -> tuple[dict, dict]:
    """Recompute the dates of the signals ``chunk`` (ids; one that does not exist is left out) and
    write the changed ones: (every signal's date now, the changed ones)."""
    Signal = registry.model(registry.SIGNAL)
    rows = registry.sources(registry.SIGNAL, chunk)
    holds = _holds("signal", chunk, today)
    in_casus = [source.pk for source in rows if source.follows_casus]
    casus_dates = _casus_dates_for_signals(in_casus) if in_casus else {}
    changes = {}
    for source in rows:
        if source.follows_casus:
            new = casus_dates.get(source.pk)
            if new is not None and holds.get(source.pk):
                new = destruction_date(new, 0, holds=holds[source.pk])
        else:
            new = _new_date(source, holds)
        if new != source.current:
            changes[source.pk] = new
    _write(Signal, changes)
    return {source.pk: changes.get(source.pk, source.current) for source in rows}, changes


def recompute_cases(cases_qs, today: date | None = None) -> int:
    """Recompute the date of every casus in ``cases_qs``, then of the signals in them."""
    Casus, CasusSignal = registry.model(registry.CASUS), registry.model(registry.CASUS_SIGNAL)
    changed = 0
    ids = list(cases_qs.order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        holds = _holds("casus", chunk, today)
        changes = {}
        for source in registry.sources(registry.CASUS, chunk):
            new = _new_date(source, holds)
            if new != source.current:
                changes[source.pk] = new
        changed += _write(Casus, changes)
    Signal = registry.model(registry.SIGNAL)
    recompute_signals(Signal.objects.filter(pk__in=CasusSignal.objects.filter(casus_id__in=ids).values("signal_id")),
                      today)
    return changed


def recompute_result_class(result_class: ResultClass) -> int:
    """After a term or valuation change: every casus and signal of this class — of its gemeente when
    the row is a gemeente's own (ADR 0030 §7), of every gemeente when it is the default."""
    Casus, Signal = registry.model(registry.CASUS), registry.model(registry.SIGNAL)
    if result_class.applies_to == AppliesTo.INZAGE:
        # Inzage registers its own recomputation (privacy/inzage/retention.py).
        return sum(recompute() for recompute in registry.recomputers(AppliesTo.INZAGE))
    found = terms.load()
    cases, signals = Casus.objects.filter(result_class__code=result_class.code), Signal.objects.all()
    if result_class.gemeente_id:
        cases, signals = cases.filter(gemeente_id=result_class.gemeente_id), signals.filter(
            gemeente_id=result_class.gemeente_id)
        states = found.states_of(result_class.gemeente_id, result_class.code)
    else:
        states = sorted({state for gemeente in [None, *found.gemeenten_with_own_rules()]
                         for state in found.states_of(gemeente, result_class.code)})
    changed = recompute_cases(cases)
    if states:
        changed += recompute_signals(signals.filter(state__in=states))
    return changed


def recompute_all(today: date | None = None) -> int:
    """The daily safety net, and what follows an expired legal hold (as of ``today``)."""
    Casus, Signal = registry.model(registry.CASUS), registry.model(registry.SIGNAL)
    changed = recompute_cases(Casus.objects.all(), today)
    found = terms.load()
    end_states = sorted({*(state for _gemeente, state in found.rules), CASUS_STATE})
    changed += recompute_signals(Signal.objects.filter(Q(state__in=end_states) | Q(destroy_after__isnull=False)),
                                 today)
    # Every other registered recomputation (inzageverzoeken, privacy/inzage/retention.py).
    changed += sum(recompute() for recompute in registry.recomputers())
    return changed


def recompute_signal(signal) -> None:
    # By its id (no query for the ids), and its date from the recomputation (none to read it back).
    dates, _changed = _recompute_signal_ids([signal.pk])
    signal.destroy_after = dates.get(signal.pk)


def recompute_hold_target(hold: LegalHold) -> None:
    Casus, Signal = registry.model(registry.CASUS), registry.model(registry.SIGNAL)
    if hold.signal_id:
        recompute_signals(Signal.objects.filter(pk=hold.signal_id))
    if hold.casus_id:
        recompute_cases(Casus.objects.filter(pk=hold.casus_id))
