"""Reads of protocol data. Callers have already passed the signal through
``intake.selectors.signal_for`` (policy + log); these only shape what belongs to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects

from meldpunt.intake.models import SubjectChange

from .models import Criteria, Destination, Forward, StateChange, Weging
from .transitions import SIGNAL_STATE_LABELS
from .wegingen import DECISIONS

# A signal's wegingen as the timeline shows them (who decided, which criteria).
_WEGINGEN = Weging.objects.select_related("decided_by", "criteria")


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # "status", "weging", "doorzending", "aanvulling", "betrokkene"
    title: str
    detail: str
    who: str
    obj: object


def _who(user, role: str) -> str:
    if user is None:
        return "systeem"
    name = user.get_full_name() or user.get_username()
    return f"{name} ({role})" if role else name


def read_wegingen_once(signal) -> None:
    """Read the signal's wegingen once for a page that shows them in the timeline and pre-fills a
    weging form from them (step 1, 2: ``known_for_wegingen``). Only for a request that does not
    record a weging before it shows them: the list is not read again."""
    prefetch_related_objects([signal], Prefetch("wegingen", queryset=_WEGINGEN))


def _wegingen(signal) -> list[Weging]:
    """The signal's wegingen, those read by ``read_wegingen_once`` when they were."""
    prefetched = getattr(signal, "_prefetched_objects_cache", {}).get("wegingen")
    return list(prefetched) if prefetched is not None else list(_WEGINGEN.filter(signal=signal))


def timeline(signal) -> list[TimelineEvent]:
    events = []
    for change in StateChange.objects.filter(signal=signal).select_related("by"):
        title = f"Status: {SIGNAL_STATE_LABELS.get(change.target, change.target)}"
        events.append(TimelineEvent(change.at, "status", title, change.note, _who(change.by, change.role), change))
    for weging in _wegingen(signal):
        decision = DECISIONS.get(weging.type, {}).get(weging.decision, weging.decision)
        title = f"{weging.get_type_display()} — {decision}"
        events.append(TimelineEvent(weging.decided_at, "weging", title, weging.reasoning,
                                    _who(weging.decided_by, weging.role), weging))
    for sent in Forward.objects.filter(signal=signal).select_related("destination", "sent_by"):
        events.append(TimelineEvent(sent.sent_at, "doorzending", f"Doorgezonden naar {sent.destination.name}",
                                    f"Grondslag: {sent.legal_basis}", _who(sent.sent_by, ""), sent))
    # A reporter's additions (intake.additions): each is a signal of its own, named by kenmerk.
    if signal.supplements_id:
        events.append(TimelineEvent(signal.received_at, "aanvulling", "Aanvulling op een eerdere melding",
                                    f"De melder vult hiermee signaal {signal.supplements.reference} aan.",
                                    "melder", signal.supplements))
    for addition in signal.additions.all():
        events.append(TimelineEvent(addition.received_at, "aanvulling", "Aanvulling van de melder ontvangen",
                                    f"Binnengekomen als signaal {addition.reference}.", "melder", addition))
    # Subjects added, corrected or removed after intake (intake.subject_changes), with the reason.
    for change in SubjectChange.objects.filter(signal=signal).select_related("by"):
        detail = f"Reden: {change.reason}"
        if change.fields_changed:
            detail = f"Gewijzigd: {change.fields_changed}.\n{detail}"
        events.append(TimelineEvent(change.at, "betrokkene", f"{change.get_kind_display()}: {change.subject_label}",
                                    detail, _who(change.by, change.role), change))
    order = {"weging": 0, "doorzending": 1, "aanvulling": 1, "betrokkene": 1, "status": 2}
    return sorted(events, key=lambda e: (e.at, order[e.kind]))


def current_criteria(kind: str = "W3") -> Criteria | None:
    return Criteria.objects.filter(kind=kind).order_by("-version").first()


def destinations():
    return Destination.objects.filter(active=True).order_by("kind", "name")


def forward_of(signal, forward_id: int) -> Forward | None:
    return Forward.objects.filter(signal=signal, pk=forward_id).select_related("destination", "sent_by").first()


def casus_of(signal):
    """The casus a signal belongs to (step 4), or None. The caller has read the signal already.
    Through the reverse relation cases adds to the signal: the protocol does not import cases."""
    link = signal.casus_links.select_related("casus").first()
    return link.casus if link else None


# The fields of a weging a form can start from, in the forms' names.
WEGING_FIELDS = ("decision", "reasoning", "purpose", "legal_basis", "necessity", "proportionality", "subsidiarity")


def known_for_weging(signal, weging_type: str) -> dict:
    """What a weging form can be pre-filled with, from what the signal already has: a weging of this
    type recorded but not used by a step yet (through the API, or written before its step was
    refused) gives all its fields; otherwise the purpose of the signal's latest weging (the same
    processing, written by this team for this signal). Empty: the form's defaults (register)."""
    return known_for_wegingen(signal, (weging_type,))[weging_type]


def known_for_wegingen(signal, weging_types) -> dict[str, dict]:
    """``known_for_weging`` for several types (step 1 asks W1, W2A and W2B) from one read of the
    signal's wegingen, newest first, instead of two queries per type."""
    newest_first = sorted(_wegingen(signal), key=lambda w: (w.decided_at, w.pk), reverse=True)
    latest = next((w for w in newest_first if w.purpose != ""), None)
    answers = {}
    for weging_type in weging_types:
        pending = next((w for w in newest_first if w.type == weging_type and w.used_by_id is None), None)
        if pending is None:
            answers[weging_type] = {"purpose": latest.purpose} if latest else {}
            continue
        known = {name: getattr(pending, name) for name in WEGING_FIELDS if getattr(pending, name)}
        if pending.checklist:
            known["checklist"] = pending.checklist
        answers[weging_type] = known
    return answers
