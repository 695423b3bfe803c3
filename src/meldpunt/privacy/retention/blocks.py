"""What keeps a record from destruction even when its date has passed (P4), with the reason shown
on the destruction list item. Asked both when a list is composed (the watchlist and the list leave
the record out) and again when it is executed, inside its transaction (a hold or a request can
arrive during the bedenktijd).

- a legal hold on the record itself ("bewaarplicht");
- for a casus: a legal hold on one of its signals, which would otherwise go with the casus'
  dossier ("bewaarplicht op signaal");
- an open inzageverzoek that found the record, or (for a casus) one of its signals: the AVG does
  not allow destroying data while a request about them is being answered ("open inzageverzoek").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import dates, registry
from .models import LegalHold

HOLD = "bewaarplicht"
HOLD_ON_SIGNAL = "bewaarplicht op signaal"
OPEN_REQUEST = "open inzageverzoek"


def _held(field: str, today: date | None) -> set[int]:
    # Few records are held: fetch them all and intersect in Python, so a list of 100,000
    # records does not become a query with 100,000 parameters.
    return set(LegalHold.objects.filter(dates.active_holds_q(today), **{f"{field}__isnull": False})
               .values_list(field, flat=True))


def _within(found: dict[int, str], ids: Iterable[int] | None) -> dict[int, str]:
    if ids is None:
        return found
    wanted = set(ids)
    return {pk: reason for pk, reason in found.items() if pk in wanted}


def requested_signals() -> set[int]:
    """Ids of signals found by an inzageverzoek that is not closed yet (inzage registers them)."""
    return registry.requested(registry.SIGNAL)


def requested_cases() -> set[int]:
    """Ids of casussen found by an inzageverzoek that is not closed yet (inzage registers them)."""
    return registry.requested(registry.CASUS)


def blocked_signals(ids: Iterable[int] | None = None, today: date | None = None) -> dict[int, str]:
    """Signal id → reason, for the signals among ``ids`` (all when None) that may not go."""
    found = dict.fromkeys(requested_signals(), OPEN_REQUEST)
    found.update(dict.fromkeys(_held("signal_id", today), HOLD))
    return _within(found, ids)


def blocked_cases(ids: Iterable[int] | None = None, today: date | None = None) -> dict[int, str]:
    """Casus id → reason, for the casussen among ``ids`` (all when None) that may not go."""
    CasusSignal = registry.model(registry.CASUS_SIGNAL)

    def cases_of(signal_ids: set[int]) -> set[int]:
        return set(CasusSignal.objects.filter(signal_id__in=signal_ids).values_list("casus_id", flat=True))

    requested = requested_signals()
    found = dict.fromkeys(cases_of(requested) if requested else (), OPEN_REQUEST)
    found.update(dict.fromkeys(requested_cases(), OPEN_REQUEST))
    held_signals = _held("signal_id", today)
    found.update(dict.fromkeys(cases_of(held_signals) if held_signals else (), HOLD_ON_SIGNAL))
    found.update(dict.fromkeys(_held("casus_id", today), HOLD))
    return _within(found, ids)
