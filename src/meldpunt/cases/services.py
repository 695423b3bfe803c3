"""Every write of a casus itself: opening it from a W4 'casus', linking further signals (each with
a weging), the lead and team, the lifecycle on ``CASUS_TRANSITIONS`` and closing with a result
class. One transaction each; the casus row is locked; every write is logged (P2).

The casusoverleg, releases and interventions have their own modules (``meetings``,
``releases``, ``interventions``) and use the helpers here.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.core.transactions import require_atomic
from meldpunt.intake import subjects as intake_subjects
from meldpunt.privacy import log, trace
from meldpunt.privacy.retention.models import AppliesTo
from meldpunt.protocol import services as protocol_services
from meldpunt.protocol import wegingen
from meldpunt.protocol.errors import NotAllowed, ProtocolError, WrongState
from meldpunt.protocol.models import Weging
from meldpunt.protocol.services import WegingInput
from meldpunt.protocol.transitions import CASUS_TRANSITIONS, CasusState, Transition

from .errors import CaseError  # noqa: F401 (re-exported)
from .items import casus_subjects
from .models import Casus, CasusSignal, CasusStateChange, InterventionStatus, ReleaseKind, ReleaseState

__all__ = ["CaseError", "NotAllowed", "WrongState", "ProtocolError"]

CASUS_STATE_LABELS = {
    CasusState.VOORBEREIDING: "Voorbereiding",
    CasusState.CASUSOVERLEG: "Casusoverleg",
    CasusState.PVA_VASTGESTELD: "Plan van aanpak vastgesteld",
    CasusState.UITVOERING: "Uitvoering",
    CasusState.MONITORING: "Monitoring",
    CasusState.AFGESLOTEN: "Afgesloten",
    CasusState.VERNIETIGD: "Vernietigd",
}
_BY_CODE = {t.code: t for t in CASUS_TRANSITIONS}


def role_for(user, allowed) -> str:
    return next((r.value for r in user.ordered_roles() if r in allowed), "")


def lock(casus: Casus) -> Casus:
    """The casus row, locked until the caller's transaction ends (asserted: outside one the lock
    would be let go at once)."""
    require_atomic()
    return Casus.objects.select_for_update().get(pk=casus.pk)


def check_manager(user, casus: Casus) -> None:
    """Only a regisseur involved in the casus (lead, team, or unassigned) may change it."""
    if not policy.may_manage_casus(user, casus.gemeente_id):
        raise NotAllowed("Alleen de regisseur kan deze casus wijzigen.")
    if not policy.cases_visible_to(user, Casus.objects.filter(pk=casus.pk)).exists():
        raise NotAllowed("U bent niet betrokken bij deze casus.")


def new_reference(now) -> str:
    prefix = f"CA-{now:%Y}-"
    last = (Casus.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


REFERENCE_ATTEMPTS = 5


def create_casus(now, **fields) -> Casus:
    """A new casus with the next free reference. Two W4 decisions at once can both compute the
    same max + 1: the loser's insert fails on the unique reference, is rolled back to its
    savepoint and tries the next number (reading the winner's committed row)."""
    for _ in range(REFERENCE_ATTEMPTS - 1):
        try:
            with transaction.atomic():
                return Casus.objects.create(reference=new_reference(now), **fields)
        except IntegrityError:
            continue  # another casus took this number first
    with transaction.atomic():
        return Casus.objects.create(reference=new_reference(now), **fields)


def casus_weging(user, casus: Casus, data: WegingInput) -> Weging:
    """A complete weging that belongs to the casus (P3), or a refusal."""
    allowed = policy.weging_roles(data.type, on_casus=True)
    if allowed is None:
        raise CaseError(f"Weging {data.type} hoort niet bij een casus.")
    role = role_for(user, allowed)
    if not policy.may_take_weging(user, data.type, casus):
        raise NotAllowed(f"Uw rol mag weging {data.type} niet vastleggen.")
    weging = Weging(
        casus=casus, gemeente_id=casus.gemeente_id, type=data.type, decision=data.decision,
        reasoning=(data.reasoning or "").strip(),
        purpose=(data.purpose or "").strip()[:300], legal_basis=(data.legal_basis or "").strip()[:300],
        necessity=(data.necessity or "").strip(), proportionality=(data.proportionality or "").strip(),
        subsidiarity=(data.subsidiarity or "").strip(), art9_data=data.art9_data, art10_data=data.art10_data,
        special_data_basis=(data.special_data_basis or "").strip()[:300],
        decided_by=user, role=role, decided_at=timezone.now(), trace_id=trace.current().trace_id)
    problems = wegingen.missing(weging)
    if problems:
        raise CaseError(*problems)
    weging.save()
    return weging


def _history(casus: Casus, code: str, source: str, target: str, user, role: str, note: str = "",
             weging: Weging | None = None) -> CasusStateChange:
    now = timezone.now()
    change = CasusStateChange.objects.create(casus=casus, transition=code, source=source, target=target, at=now,
                                             by=user, role=role, note=(note or "").strip(), weging=weging)
    casus.state, casus.state_since = target, now
    casus.save(update_fields=["state", "state_since"])
    return change


# ------------------------------------------------------------------------------ opening, links


def open_from_signal(user, signal, change, used: list[Weging]) -> Casus:
    """Called by the protocol in the transaction of W4 'casus' (hits_casus): a new casus with the
    signal as its first, the regisseur who decided as lead (a team member joins the team). Runs only
    inside that transaction (asserted)."""
    require_atomic()
    now = change.at
    w4 = next((w for w in used if w.type == "W4"), None)
    area = signal.buurt.naam if signal.buurt_id else ""
    title = f"{signal.phenomenon.name}{f' – {area}' if area else ''}"
    # The casus is of its first signal's gemeente; every further signal must be of it too.
    casus = create_casus(now, gemeente_id=signal.gemeente_id, title=title[:200], opened_at=now,
                         lead=user if policy.may_lead_casus(user, signal.gemeente_id) else None)
    if policy.may_join_team(user, signal.gemeente_id) and not policy.may_lead_casus(user, signal.gemeente_id):
        casus.team.add(user)
    CasusSignal.objects.create(casus=casus, signal=signal, linked_at=now, linked_by=user, weging=w4)
    _history(casus, "casus_starten", "", CasusState.VOORBEREIDING, user, role_for(user, policy.TEAM_ROLES),
             note=f"Gestart uit signaal {signal.reference}")
    log.record("casus_starten", "casus", intake_subjects.of_signal(signal), user=user, obj=casus,
               basis=w4.legal_basis if w4 else "")
    return casus


@transaction.atomic
def link_signal(user, casus: Casus, signal, data: WegingInput, note: str = "") -> CasusSignal:
    """Link a further signal with its own W4 (decision 'casus') on the casus; the signal moves to
    the step 'casus' (design §3: linking is a transition with its weging)."""
    check_manager(user, casus)
    casus = lock(casus)
    if casus.state in (CasusState.AFGESLOTEN, CasusState.VERNIETIGD):
        raise WrongState("Aan een afgesloten casus kunt u geen signalen koppelen.")
    if not policy.may_read_signal(user, signal):
        raise NotAllowed("U hebt geen toegang tot dit signaal.")
    if CasusSignal.objects.filter(signal=signal).exists():
        raise CaseError(f"Signaal {signal.reference} hoort al bij een casus.")
    if signal.gemeente_id != casus.gemeente_id:
        raise CaseError(f"Signaal {signal.reference} is van {signal.gemeente.naam} en casus {casus.reference} van "
                        f"{casus.gemeente.naam}: een casus bevat alleen signalen van de eigen gemeente.")
    if data.type != "W4" or data.decision != "casus":
        raise CaseError("Koppelen vraagt weging 4 met het besluit 'Casus starten'.")
    weging = casus_weging(user, casus, data)
    protocol_services.join_casus(user, signal, note or f"Gekoppeld aan casus {casus.reference}")
    link = CasusSignal.objects.create(casus=casus, signal=signal, linked_at=timezone.now(), linked_by=user,
                                      weging=weging)
    log.record("signaal_koppelen", "casus", intake_subjects.of_signal(signal), user=user, obj=casus,
               basis=weging.legal_basis)
    return link


@transaction.atomic
def take_lead(user, casus: Casus) -> Casus:
    """A regisseur takes the lead of a casus that has none (opened by a team member)."""
    check_manager(user, casus)
    casus = lock(casus)
    if casus.lead_id and casus.lead_id != user.pk:
        raise CaseError("Deze casus heeft al een regisseur.")
    casus.lead = user
    casus.save(update_fields=["lead"])
    log.record("regie_nemen", "casus", [log.DataSubject("intern", f"casus:{casus.pk}")], user=user, obj=casus)
    return casus


@transaction.atomic
def set_team(user, casus: Casus, members) -> Casus:
    check_manager(user, casus)
    casus = lock(casus)
    members = list(members)
    wrong = [m for m in members if not policy.may_join_team(m, casus.gemeente_id)]
    if wrong:
        raise CaseError("Alleen leden van het ondermijningsteam en regisseurs kunnen in het casusteam.")
    casus.team.set(members)
    log.record("team_wijzigen", "casus", [log.DataSubject("intern", f"casus:{casus.pk}")], user=user, obj=casus)
    return casus


# ------------------------------------------------------------------------------- lifecycle


def step(code: str) -> Transition | None:
    return _BY_CODE.get(code)


def _pending_w4(casus: Casus) -> Weging | None:
    return (Weging.objects.filter(casus=casus, type="W4", casus_step__isnull=True, casus_links__isnull=True)
            .order_by("-decided_at", "-id").first())


def _requirements(casus: Casus, transition: Transition) -> list[str]:
    """What the table asks of this step, checked against the casus (P3)."""
    problems = []
    if "PC2A" in transition.wegingen:
        items = list(casus.agenda_items.select_related("meeting").prefetch_related("meeting__participants"))
        if not items:
            problems.append("Zet de casus eerst op de agenda van een casusoverleg.")
        for item in items:
            participants = list(item.meeting.participants.all())
            if not participants:
                problems.append(f"Nodig eerst deelnemers uit voor {item.meeting.title}.")
            decided = set(casus.release_requests.filter(kind=ReleaseKind.PC2A, agenda_item=item)
                          .exclude(state=ReleaseState.AANGEVRAAGD).values_list("participant_id", flat=True))
            missing = [p for p in participants if p.pk not in decided]
            if missing:
                names = ", ".join(p.organisation for p in missing)
                problems.append(f"Privacytoets 2A is nog niet voor elke deelnemer besloten ({names}).")
    if "minutes" in transition.required_fields and not casus.agenda_items.exclude(minutes="").exists():
        problems.append("Leg eerst het verslag van het casusoverleg vast.")
    if "PC2B" in transition.wegingen:
        open_ones = list(casus.interventions.filter(status__in=[InterventionStatus.GEPLAND,
                                                                  InterventionStatus.IN_UITVOERING]))
        if not open_ones:
            problems.append("Het plan van aanpak heeft nog geen interventies.")
        released = set(casus.release_requests.filter(kind=ReleaseKind.PC2B, state=ReleaseState.VRIJGEGEVEN)
                       .values_list("intervention_id", flat=True))
        if any(i.pk not in released for i in open_ones):
            problems.append("Privacytoets 2B ontbreekt nog voor een of meer interventies.")
    if "result_class" in transition.required_fields:
        if casus.result_class_id is None:
            problems.append(NO_RESULT_CLASS)
        if casus.interventions.filter(status__in=[InterventionStatus.GEPLAND, InterventionStatus.IN_UITVOERING]
                                      ).exists():
            problems.append("Rond eerst alle interventies af of stop ze.")
    if "W4" in transition.wegingen and _pending_w4(casus) is None:
        problems.append(NO_W4)
    return problems


NO_RESULT_CLASS = "Kies een resultaatklasse om de casus af te sluiten."
NO_W4 = "Leg eerst weging 4 vast: waarom gaat de casus weer open?"
# What the page of a step records itself (afsluiten: the result class; heropenen: weging 4).
RECORDED_BY_ITS_PAGE = frozenset({NO_RESULT_CLASS, NO_W4})


def blockers(user, casus: Casus, transition: Transition) -> list[str]:
    """Why ``transition`` cannot be taken now whatever its page's form says (the rest of ``check``):
    the page shows these instead of its form, as protocol.services.blockers does for a signal."""
    return [p for p in check(user, casus, transition) if p not in RECORDED_BY_ITS_PAGE]


def check(user, casus: Casus, transition: Transition) -> list[str]:
    if transition.system_only:
        return ["Deze stap zet alleen het systeem (bewaartermijnen)."]
    if not policy.may_take_transition(user, transition, casus):
        return ["Uw rol mag deze stap niet zetten."]
    if transition.source != casus.state:
        return [f"Deze stap kan niet vanuit de status '{CASUS_STATE_LABELS.get(casus.state, casus.state)}'."]
    return _requirements(casus, transition)


def available(user, casus: Casus) -> list[tuple[Transition, list[str]]]:
    """The steps from the current state, each with what still blocks it (empty: it can be taken)."""
    return [(t, check(user, casus, t)) for t in CASUS_TRANSITIONS
            if t.source == casus.state and policy.may_take_transition(user, t, casus)]


def _take(user, casus: Casus, code: str, note: str = "") -> CasusStateChange:
    transition = step(code)
    if transition is None:
        raise CaseError("Deze stap bestaat niet.")
    problems = check(user, casus, transition)
    if problems:
        if not policy.may_take_transition(user, transition, casus):
            raise NotAllowed(*problems)
        raise (WrongState if transition.source != casus.state else CaseError)(*problems)
    weging = _pending_w4(casus) if "W4" in transition.wegingen else None
    change = _history(casus, code, casus.state, transition.target, user, role_for(user, transition.roles), note,
                      weging)
    log.record(f"casus_{code}", "casus", casus_subjects(casus), user=user, obj=casus,
               basis=weging.legal_basis if weging else "")
    return change


@transaction.atomic
def transition(user, casus: Casus, code: str, note: str = "") -> CasusStateChange:
    """Take ``code`` from the casus table if the role, the state and its requirements allow it."""
    check_manager(user, casus)
    casus = lock(casus)
    if code == "afsluiten":
        raise CaseError("Sluit een casus af met een resultaatklasse en een evaluatie.")
    return _take(user, casus, code, note)


@transaction.atomic
def close(user, casus: Casus, result_class, evaluation: str, outcomes: dict[int, str] | None = None
          ) -> CasusStateChange:
    """Close with a result class (the retention helper derives destroy_after from it and
    closed_at), an evaluation, and the outcome per signal."""
    check_manager(user, casus)
    casus = lock(casus)
    problems = []
    if result_class is None or not result_class.active:
        problems.append("Kies een geldige resultaatklasse.")
    elif result_class.applies_to != AppliesTo.CASUS:
        problems.append(f"Resultaatklasse {result_class} is niet bedoeld voor een casus; kies een resultaatklasse "
                        "voor casussen.")
    if not (evaluation or "").strip():
        problems.append("Schrijf een korte evaluatie van de casus.")
    if problems:
        raise CaseError(*problems)
    casus.result_class, casus.evaluation, casus.closed_at = result_class, evaluation.strip(), timezone.now()
    casus.save(update_fields=["result_class", "evaluation", "closed_at"])
    for link in casus.signal_links.all():
        text = (outcomes or {}).get(link.signal_id, "").strip()
        if text:
            link.outcome = text[:300]
            link.save(update_fields=["outcome"])
    return _take(user, casus, "afsluiten", note=f"Resultaat: {result_class}")


@transaction.atomic
def reopen(user, casus: Casus, data: WegingInput, note: str = "") -> CasusStateChange:
    """Re-open a closed casus with a W4 on the casus; its retention starts over when closed again."""
    check_manager(user, casus)
    casus = lock(casus)
    if casus.state != CasusState.AFGESLOTEN:
        raise WrongState("Alleen een afgesloten casus kan weer open.")
    casus_weging(user, casus, data)
    change = _take(user, casus, "heropenen", note)
    casus.closed_at, casus.result_class, casus.destroy_after = None, None, None
    casus.save(update_fields=["closed_at", "result_class", "destroy_after"])
    return change
