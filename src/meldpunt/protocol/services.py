"""Every write of the protocol: wegingen, transitions, forwards. One transaction each; the
signal row is locked so two people cannot move the same signal at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.core.errors import MeldpuntError
from meldpunt.core.transactions import require_atomic
from meldpunt.core.workdays import add_working_days
from meldpunt.intake import subjects
from meldpunt.intake.models import Signal
from meldpunt.privacy import log, trace
from meldpunt.privacy.retention import dates as retention_dates

from . import hooks, sealing, wegingen
from .checklist import clean_checklist
from .errors import NotAllowed, ProtocolError, WrongState  # noqa: F401 (re-exported)
from .models import Criteria, Destination, Forward, StateChange, StepNorm, Weging
from .transitions import (
    SIGNAL_STATE_LABELS,
    SIGNAL_TRANSITIONS,
    SignalState,
    Transition,
    from_state,
    signal_transition,
)


@dataclass
class WegingInput:
    type: str
    decision: str
    reasoning: str
    purpose: str = ""
    legal_basis: str = ""
    checklist: dict = field(default_factory=dict)
    criteria_version: int | None = None
    necessity: str = ""
    proportionality: str = ""
    subsidiarity: str = ""
    art9_data: bool = False
    art10_data: bool = False
    special_data_basis: str = ""


def _role_for(user, allowed) -> str:
    for role in user.ordered_roles():
        if role in allowed:
            return role.value
    return ""


def lock_signal(signal: Signal) -> Signal:
    """The signal's row, locked until the caller's transaction ends (two people cannot move it at once)."""
    return Signal.objects.select_for_update().get(pk=signal.pk)


def _deadline(state: str, since):
    norm = StepNorm.objects.filter(state=state).values_list("working_days", flat=True).first()
    return add_working_days(timezone.localdate(since), norm) if norm else None


def start_history(signal: Signal, user=None) -> None:
    """The first history row of a new signal, and its first deadline. Runs only inside the
    transaction that creates the signal (asserted)."""
    require_atomic()
    signal.state = SignalState.ONTVANGEN
    signal.state_since = signal.received_at
    signal.deadline = _deadline(signal.state, signal.received_at)
    signal.save(update_fields=["state", "state_since", "deadline"])
    StateChange.objects.create(signal=signal, transition="ontvangen", source="", target=signal.state,
                               at=signal.received_at, by=user if user and user.is_authenticated else None,
                               role=_role_for(user, set(user.roles)) if user and user.is_authenticated else "")


def check_reader(user, signal: Signal) -> None:
    """Refuse (NotAllowed) a user who may not read ``signal``; research and other steps use it too."""
    if not policy.may_read_signal(user, signal):
        raise NotAllowed("U hebt geen toegang tot dit signaal.")


# The short names this module has always used for the two public helpers above.
_lock = lock_signal
_check_reader = check_reader


def _build_weging(user, signal: Signal, data: WegingInput) -> Weging:
    allowed = policy.weging_roles(data.type)
    if allowed is None:
        raise ProtocolError(f"Weging {data.type} kan hier niet worden vastgelegd.")
    role = _role_for(user, allowed)
    if not policy.may_take_weging(user, data.type, signal):
        raise NotAllowed(f"Uw rol mag weging {data.type} niet vastleggen.")
    try:
        checklist = clean_checklist(data.checklist) if data.type == "W1" else {}
    except ValueError as error:
        raise ProtocolError(str(error)) from None
    criteria = None
    if data.type == "W3":
        criteria_qs = Criteria.objects.filter(kind="W3")
        if data.criteria_version is not None:
            criteria_qs = criteria_qs.filter(version=data.criteria_version)
        criteria = criteria_qs.order_by("-version").first()
    weging = Weging(
        signal=signal, gemeente_id=signal.gemeente_id, type=data.type, decision=data.decision,
        reasoning=(data.reasoning or "").strip(),
        purpose=(data.purpose or "").strip()[:300], legal_basis=(data.legal_basis or "").strip()[:300],
        checklist=checklist, criteria=criteria, necessity=data.necessity.strip(),
        proportionality=data.proportionality.strip(), subsidiarity=data.subsidiarity.strip(),
        art9_data=data.art9_data, art10_data=data.art10_data,
        special_data_basis=data.special_data_basis.strip()[:300],
        decided_by=user, role=role, decided_at=timezone.now(), trace_id=trace.current().trace_id,
    )
    problems = wegingen.missing(weging)
    if problems:
        raise ProtocolError(*problems)
    return weging


def _asked_now(signal: Signal) -> set[str]:
    """The weging types a step from the signal's current status asks for."""
    return {t for step in from_state(signal.state) if not step.system_only for t in (*step.wegingen,
                                                                                     *step.any_negative)}


@transaction.atomic
def record_weging(user, signal: Signal, data: WegingInput) -> Weging:
    """Record one weging (it is used by the next transition that needs its type). Only a type that
    a step from the current status asks for: a W1 sent after step 1 (a second browser, a replay)
    would otherwise lie around unused or be read as the weging of a step it never weighed (P3)."""
    _check_reader(user, signal)
    return _record_weging_locked(user, _lock(signal), data)


def _record_weging_locked(user, signal: Signal, data: WegingInput, mentions=None) -> Weging:
    """record_weging after its reader check, on the signal's locked row (``mentions``: its subjects,
    when the caller read them under the same lock)."""
    if policy.may_take_weging(user, data.type, signal) and data.type not in _asked_now(signal):
        label = SIGNAL_STATE_LABELS.get(signal.state, signal.state)
        raise WrongState(f"Weging {data.type} hoort niet bij de status '{label}' van dit signaal; is de stap al "
                         "gezet?")
    weging = _build_weging(user, signal, data)
    weging.save()
    log.record(f"weging_{data.type}", "signaal_beoordelen", subjects.of_signal(signal, mentions), user=user, obj=signal,
               basis=weging.legal_basis)
    return weging


def _pending_by_type(signal: Signal) -> dict[str, Weging]:
    """The newest weging of each type not used by a step yet, in one query (a step asks two to four types)."""
    newest: dict[str, Weging] = {}
    for weging in Weging.objects.filter(signal=signal, used_by__isnull=True).order_by("-decided_at", "-id"):
        newest.setdefault(weging.type, weging)
    return newest


def _has_field(signal: Signal, name: str) -> bool:
    if name == "location":
        return bool(signal.buurt_id or signal.address_id)
    return bool(getattr(signal, f"{name}_id", None) or getattr(signal, name, None))


FIELD_LABELS = {"phenomenon": "fenomeen", "location": "buurt of adres"}


def blockers(user, signal: Signal, transition: Transition) -> list[str]:
    """Why ``transition`` cannot be taken now whatever its form says: the table, the role, the
    signal's fields and, for W4, the open source requests. The page of a step shows these instead
    of its submit button (the wegingen and the doorzending are what its form records). Also for a
    ``service_only`` row: reading why it cannot be taken takes nothing."""
    try:
        _step_for(user, signal, transition.code, service=transition.service_only)
    except MeldpuntError as refused:
        return refused.messages
    problems: list[str] = []
    for name in transition.required_fields:
        if not _has_field(signal, name):
            problems.append(f"Het signaal heeft nog geen {FIELD_LABELS.get(name, 'verplicht gegeven')}.")
    # E.g. W4 weighs the hits: research registers that every source request must be decided (PC1)
    # and answered first (hooks.py; research builds on this module, so it registers with it).
    problems.extend(p for p in hooks.guard_problems(transition.code, signal) if p not in problems)
    return problems


def check(user, signal: Signal, transition: Transition) -> tuple[list[str], list[Weging]]:
    """Why ``transition`` cannot be taken now (empty list: it can), and the wegingen it would use.
    Reading takes nothing, so a ``service_only`` row is checked like any other (taking it stays
    with its own service: ``transition`` refuses it)."""
    try:
        _step_for(user, signal, transition.code, service=transition.service_only)
    except MeldpuntError as refused:
        return refused.messages, []
    problems: list[str] = []
    used: list[Weging] = []
    pending = _pending_by_type(signal) if transition.wegingen or transition.any_negative else {}
    for weging_type in transition.wegingen:
        weging = pending.get(weging_type)
        if weging is None:
            problems.append(f"Leg eerst weging {weging_type} vast.")
            continue
        problems.extend(wegingen.missing(weging))
        used.append(weging)
    for weging_type, decisions in transition.decisions:
        weging = next((w for w in used if w.type == weging_type), None)
        if weging is not None and weging.decision not in decisions:
            problems.append(f"Het besluit bij {weging_type} past niet bij deze stap.")
    if transition.any_negative:
        negatives = [w for t in transition.any_negative if (w := pending.get(t)) and wegingen.is_negative(w)]
        if not negatives:
            problems.append("Niet in behandeling nemen vraagt een 'nee' bij weging 1, 2A of 2B.")
        used.extend(w for w in negatives if w not in used)
    # A signal made outside the services may lack state_since: then any forward since receipt counts.
    since = signal.state_since or signal.received_at
    if transition.needs_forward and not signal.forwards.filter(sent_at__gte=since).exists():
        problems.append("Leg eerst de doorzending vast: bestemming, grondslag en wat er wordt verzonden.")
    problems.extend(p for p in blockers(user, signal, transition) if p not in problems)
    return problems, used


def available(user, signal: Signal) -> list[Transition]:
    return [t for t in SIGNAL_TRANSITIONS if t.source == signal.state and not t.service_only
            and policy.may_take_transition(user, t, signal)]


def _apply(signal: Signal, transition: Transition, used: list[Weging], user, role: str, note: str) -> StateChange:
    now = timezone.now()
    change = StateChange.objects.create(signal=signal, transition=transition.code, source=signal.state,
                                        target=transition.target, at=now, by=user, role=role, note=note.strip())
    Weging.objects.filter(pk__in=[w.pk for w in used]).update(used_by=change)
    signal.state = transition.target
    signal.state_since = now
    signal.deadline = _deadline(transition.target, now)
    fields = ["state", "state_since", "deadline"]
    if role == Role.TEAMLID and signal.assigned_to_id is None:
        # The team member who decided stays involved (P1): they can still open the signal,
        # e.g. a sealed 'geen actie' one, after it left the team's queue.
        signal.assigned_to = user
        fields.append("assigned_to")
    if transition.target == SignalState.GEEN_ACTIE:
        # CCV step 2: kept encrypted for one year (the result class's term), then destroyed.
        sealing.seal(signal)
        fields += ["sealed", "description", "location_text", "occurred_text"]
    signal.save(update_fields=fields)
    # Every state change is an input of the destruction date (P4, retention/dates.py).
    retention_dates.recompute_signal(signal)
    return change


def _step_for(user, signal: Signal, code: str, *, service: bool = False) -> Transition:
    """The table row for ``code``, refused early when the status or the role cannot take it.
    A ``service_only`` row is taken only by its own service (``service=True``)."""
    step = signal_transition(code)
    if step is None:
        raise ProtocolError("Deze stap bestaat niet.")
    if step.system_only:
        raise ProtocolError("Deze stap zet alleen het systeem (bewaartermijnen).")
    if step.service_only and not service:
        raise ProtocolError("Deze stap gaat alleen via het koppelen aan een casus.")
    if not policy.may_take_transition(user, step, signal):
        raise NotAllowed("Uw rol mag deze stap niet zetten.")
    if step.source != signal.state:
        label = SIGNAL_STATE_LABELS.get(signal.state, signal.state)
        raise WrongState(f"Deze stap kan niet vanuit de status '{label}'.")
    return step


@transaction.atomic
def transition(user, signal: Signal, code: str, note: str = "") -> StateChange:
    """Take transition ``code`` if the table, the role, the wegingen and the fields allow it."""
    _check_reader(user, signal)
    return _transition_locked(user, _lock(signal), code, note)


def _transition_locked(user, signal: Signal, code: str, note: str, mentions=None) -> StateChange:
    """transition after its reader check, on the signal's locked row (``mentions``: its subjects,
    when the caller read them under the same lock)."""
    step = _step_for(user, signal, code)
    log_subjects = subjects.of_signal(signal, mentions)
    problems, used = check(user, signal, step)
    if problems:
        raise ProtocolError(*problems)
    change = _apply(signal, step, used, user, _role_for(user, step.roles), note)
    log.record(f"overgang_{code}", "signaal_beoordelen", log_subjects, user=user, obj=signal,
               basis="; ".join(w.legal_basis for w in used))
    # E.g. step 4 starts here: cases registers that W4 'casus' opens a casus in the same transaction.
    hooks.run_effects(step.code, user, signal, change, used)
    return change


# Only after W1–W3 (P3): a signal joins a casus from source research, with W4 on the casus as its weging.
JOIN_CASUS = "casus_koppelen"
LINKABLE_STATES = frozenset({signal_transition(JOIN_CASUS).source})


def join_casus(user, signal: Signal, note: str = "") -> StateChange:
    """Move a signal into an existing casus. Only the cases service calls this, inside its own
    transaction (asserted), after it recorded the link weging on the casus (design §3: linking is a
    transition with its weging)."""
    require_atomic()
    signal = _lock(signal)
    if signal.is_sealed or signal.state not in LINKABLE_STATES:
        raise WrongState("Alleen een signaal in bronnenonderzoek (na wegingen 1 tot en met 3) kan bij een casus "
                         "komen.")
    step = _step_for(user, signal, JOIN_CASUS, service=True)  # the table row, like every transition
    # The W4 on the casus weighs the hits, like hits_casus does: research registers that guard (hooks.py).
    problems = hooks.guard_problems(JOIN_CASUS, signal)
    if problems:
        raise ProtocolError(*problems)
    return _apply(signal, step, [], user, _role_for(user, step.roles), note)


@transaction.atomic
def decide(user, signal: Signal, wegingen_in: list[WegingInput], code: str, note: str = "") -> StateChange:
    """Record the wegingen of a step and take its transition at once (all or nothing).

    The reader check and the row lock are done once for the whole step: while this transaction
    holds the lock nobody moves the signal, so asking again before every weging and before the
    transition gave the same answer at the cost of 8 queries (issue 17)."""
    _check_reader(user, signal)
    locked = _lock(signal)
    _step_for(user, locked, code)
    # Whom the step's log lines are about, read once under the lock (nothing in the step changes
    # them before the transition has taken its own list): every line still names every subject.
    mentions = list(locked.subjects.all())
    for data in wegingen_in:
        _record_weging_locked(user, locked, data, mentions)
    return _transition_locked(user, locked, code, note, mentions)


FORWARD_ITEMS = {
    "fenomeen": "Fenomeen",
    "omschrijving": "Omschrijving van het signaal",
    "locatie": "Locatie (adres of buurt)",
    "waarneming": "Datum of moment van de waarneming",
    "betrokkenen": "Betrokkenen (namen, nummers, kentekens)",
}


def _forward_content(signal: Signal, items: list[str]) -> dict:
    content: dict = {"kenmerk": signal.reference}
    if "fenomeen" in items:
        content["fenomeen"] = signal.phenomenon.name
    if "omschrijving" in items:
        content["omschrijving"] = signal.description
    if "locatie" in items:
        content["locatie"] = {"adres": str(signal.address) if signal.address_id else "",
                              "buurt": signal.buurt.naam if signal.buurt_id else "",
                              "toelichting": signal.location_text}
    if "waarneming" in items:
        content["waarneming"] = {"datum": signal.occurred_on.isoformat() if signal.occurred_on else "",
                                 "toelichting": signal.occurred_text}
    if "betrokkenen" in items:
        content["betrokkenen"] = [
            {"soort": s.get_kind_display(), "rol": s.role, "naam": s.name,
             "geboortedatum": s.birth_date.isoformat() if s.birth_date else "", "bsn": s.bsn,
             "kvkNummer": s.kvk_nummer, "adres": str(s.address) if s.address_id else s.address_text,
             "kenteken": s.kenteken, "geboortejaar": s.birth_year or "", "leeftijd": s.age_range_text,
             "signalement": s.description}
            for s in signal.subjects.select_related("address")
        ]
    return content


@transaction.atomic
def forward(user, signal: Signal, destination: Destination, legal_basis: str, items: list[str],
            note: str = "") -> Forward:
    """Record a doorzending: exactly which items leave, to whom, on which basis. The content sent
    is kept as it was at that moment, so the letter can be reprinted and the FG can check it."""
    _check_reader(user, signal)
    signal = _lock(signal)
    if not policy.may_forward(user, signal):
        raise NotAllowed("Uw rol mag geen signalen doorzenden.")
    problems = []
    if signal.is_sealed or signal.state not in (SignalState.ONTVANGEN, SignalState.ZWAARTE,
                                                SignalState.BRONNENONDERZOEK):
        problems.append("Een signaal in deze status kan niet meer worden doorgezonden.")
    if not destination.active:
        problems.append("Deze bestemming is niet meer actief.")
    unknown = set(items) - set(FORWARD_ITEMS)
    if unknown:
        problems.append(f"Onbekende onderdelen: {', '.join(sorted(unknown))}.")
    if not items:
        problems.append("Kies wat er wordt doorgezonden.")
    if not (legal_basis or "").strip():
        problems.append("Vul de grondslag voor de doorzending in.")
    if problems:
        raise ProtocolError(*problems)
    ordered = [key for key in FORWARD_ITEMS if key in items]
    sent = Forward.objects.create(signal=signal, destination=destination, legal_basis=legal_basis.strip()[:300],
                                  items=ordered, content=_forward_content(signal, ordered), note=note.strip(),
                                  sent_at=timezone.now(), sent_by=user)
    shared = subjects.of_signal(signal) if "betrokkenen" in ordered or "locatie" in ordered else []
    if not shared:
        shared = [log.DataSubject("intern", f"signaal:{signal.pk}")]
    log.record("doorzenden", "doorzenden", shared, user=user, obj=signal,
               basis=f"{destination.name}: {sent.legal_basis}")
    return sent


@dataclass
class ForwardInput:
    """A doorzending that goes with a step (W3 or W4 'afdeling'/'RIEC'): where, on which basis, what."""

    destination: Destination
    legal_basis: str
    items: list[str]
    note: str = ""


@transaction.atomic
def decide_with_forward(user, signal: Signal, wegingen_in: list[WegingInput], code: str,
                        sent: ForwardInput | None = None, note: str = "") -> StateChange:
    """A step that sends the signal on: the doorzending, the wegingen and the transition in one
    transaction, all or nothing (P8). Without ``sent`` this is ``decide``; a step that needs a
    doorzending then uses one recorded earlier in this status, or is refused."""
    _check_reader(user, signal)
    step = _step_for(user, _lock(signal), code)
    if sent is not None:
        if not step.needs_forward:
            raise ProtocolError("Bij deze uitkomst hoort geen doorzending.")
        forward(user, signal, sent.destination, sent.legal_basis, sent.items, sent.note)
    return decide(user, signal, wegingen_in, code, note)


def reveal_sealed(user, signal: Signal, reason: str) -> dict:
    """Open a sealed 'geen actie' signal: an authorised role and a stated reason, both logged."""
    return sealing.reveal(user, signal, reason)
