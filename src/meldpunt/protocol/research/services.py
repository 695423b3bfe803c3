"""Every write of bronnenonderzoek (design §3, step 3; domain §1.2-1.3): requesting sources with
a purpose, privacy check 1 per source by a privacyfunctionaris who did not ask (four-eyes per
person), hit/no-hit by a connector or the bronhouder, requests to open details of a hit, their
approval, and the bronhouder's supply. One transaction each; Dutch errors change nothing (P8)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.intake import subjects as intake_subjects
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.privacy import log, trace
from meldpunt.registries.connectors import ConnectorError, connector
from meldpunt.registries.linking import Linker, Mention

from .. import hooks, sources
from ..errors import NotAllowed, ProtocolError, WrongState
from ..models import Weging
from ..services import JOIN_CASUS, check_reader, lock_signal
from ..transitions import SIGNAL_TRANSITIONS, SignalState
from .models import DetailRequest, DetailState, HitResult, RequestState, SourceRequest

ACTIVITY = "bronnenonderzoek"
PC1_LEGAL_BASIS = "AVG art. 6 lid 1 sub e en art. 6 lid 4; Modelprotocol ondermijning stap 3 (privacytoets 1)"
PC1_DECISIONS = {"toegestaan": "Raadplegen toegestaan", "geweigerd": "Niet raadplegen"}
# The same codes for a details request: the weging's link (DetailRequest.weging) tells them apart.
DETAIL_DECISIONS = {"toegestaan": "Details openen toegestaan", "geweigerd": "Details niet openen"}
# AVG art. 6 lid 4 sub a-e: the compatibility factors of privacy check 1 (domain §1.3 B).
COMPATIBILITY_FACTORS = {
    "a_verband": "a. Verband tussen het oorspronkelijke doel en het nieuwe doel",
    "b_context": "b. Context van de verzameling en de verhouding met de betrokkene",
    "c_aard": "c. Aard van de gegevens (bijzondere of strafrechtelijke gegevens)",
    "d_gevolgen": "d. Mogelijke gevolgen voor de betrokkene",
    "e_waarborgen": "e. Passende waarborgen (bv. versleuteling, pseudonimisering)",
}


@dataclass
class Pc1Input:
    decision: str
    reasoning: str
    primary_basis: str = ""
    compatibility: dict = field(default_factory=dict)
    necessity: str = ""
    proportionality: str = ""
    subsidiarity: str = ""
    purpose: str = ""
    legal_basis: str = PC1_LEGAL_BASIS
    art9_data: bool = False
    art10_data: bool = False
    special_data_basis: str = ""
    approved_fields: list = field(default_factory=list)


def _mention_subjects(mentions) -> list:
    found = [s for s in (intake_subjects.of_mention(m) for m in mentions) if s]
    return found or [log.DataSubject("intern", "bronnenonderzoek")]


def _require(allowed: bool, message: str) -> None:
    """Refuse with ``message`` when the policy said no."""
    if not allowed:
        raise NotAllowed(message)


# ------------------------------------------------------------------------------ requests


@transaction.atomic
def request_sources(user, signal: Signal, source_list, mention_ids, purpose: str) -> list[SourceRequest]:
    """Ask to consult each source about the chosen subjects of the signal (one request per source)."""
    _require(policy.may_request_sources(user, signal.gemeente_id), "Alleen de regisseur vraagt bronnen aan.")
    check_reader(user, signal)
    signal = lock_signal(signal)
    if signal.state != SignalState.BRONNENONDERZOEK:
        raise WrongState("Bronnen aanvragen kan alleen in de stap bronnenonderzoek.")
    problems = []
    source_list = list(source_list)
    wanted = {int(i) for i in mention_ids or [] if str(i).isdigit()}
    mentions = list(MentionedSubject.objects.filter(signal=signal, pk__in=wanted))
    if not source_list:
        problems.append("Kies ten minste één bron.")
    if not mentions or len(mentions) != len(set(map(str, mention_ids or []))):
        problems.append("Kies ten minste één betrokkene van dit signaal.")
    if not (purpose or "").strip():
        problems.append("Vul het doel van het bronnenonderzoek in.")
    for source in source_list:
        if source.gemeente_id != signal.gemeente_id:
            problems.append(f"De bron {source.name} is van een andere gemeente dan dit signaal.")
            continue
        if not source.active:
            problems.append(f"De bron {source.name} is niet actief.")
        if SourceRequest.objects.filter(signal=signal, source=source).exists():
            problems.append(f"De bron {source.name} is voor dit signaal al aangevraagd.")
        plugin = hooks.connector_plugin(source.connector)
        for mention in mentions:
            if plugin is not None:  # a connector above the protocol says what it can be asked
                problem = plugin.subject_problem(source, mention)
                if problem:
                    problems.append(problem)
                continue
            kind = sources.subject_kind(mention)
            if sources.asked_via_linker(mention, source):
                continue
            if not kind and sources.linkable_by_name(mention):
                problems.append(f"{mention.name} heeft alleen een naam en {sources.birth_words(mention)}: vraag "
                                f"daarvoor alleen de {sources.LINKER_SOURCE}, niet de bron {source.name}.")
            elif not kind:
                problems.append(sources.not_askable(mention))
            elif kind not in (source.fields or {}):
                problems.append(f"De bron {source.name} zegt niets over een {kind} "
                                f"({sources.question_label(mention)}).")
    if problems:
        raise ProtocolError(*dict.fromkeys(problems))
    now = timezone.now()
    created = []
    for source in source_list:
        item = SourceRequest.objects.create(signal=signal, source=source, purpose=purpose.strip(),
                                            requested_by=user, requested_at=now)
        item.subjects.set(mentions)
        created.append(item)
    log.record("bronnen_aanvragen", ACTIVITY, _mention_subjects(mentions), user=user, obj=signal,
               basis=", ".join(s.code for s in source_list))
    return created


def pc1_missing(weging: Weging, details: bool = False) -> list[str]:
    """Why a privacy check 1 is not complete (domain §1.3); empty when it is."""
    decisions = DETAIL_DECISIONS if details else PC1_DECISIONS
    problems = []
    if weging.decision not in decisions:
        problems.append("Kies een besluit bij privacytoets 1.")
    if not (weging.reasoning or "").strip():
        problems.append("Motiveer het besluit bij privacytoets 1: de motivering is verplicht.")
    if not (weging.legal_basis or "").strip():
        problems.append("Vul de grondslag in bij privacytoets 1.")
    allowing = weging.decision == "toegestaan"
    if allowing and not details:
        if not (weging.primary_basis or "").strip():
            problems.append("Vul de oorspronkelijke grondslag in: op welke grond verzamelde de afdeling deze gegevens?")
        factors = weging.compatibility or {}
        open_factors = [label for key, label in COMPATIBILITY_FACTORS.items() if not str(factors.get(key, "")).strip()]
        if open_factors:
            problems.append("Weeg elke factor van verenigbaarheid (AVG art. 6 lid 4): " + "; ".join(open_factors) + ".")
    if allowing:
        for name, label in (("necessity", "noodzaak"), ("proportionality", "proportionaliteit"),
                            ("subsidiarity", "subsidiariteit")):
            if not (getattr(weging, name) or "").strip():
                problems.append(f"Toestaan vraagt een afweging van de {label}.")
    if (weging.art9_data or weging.art10_data) and not (weging.special_data_basis or "").strip():
        problems.append("Vermeld de grondslag voor de bijzondere of strafrechtelijke gegevens.")
    return problems


def _pc1_weging(user, signal: Signal, data: Pc1Input, details: bool, purpose: str,
                item: SourceRequest | None = None) -> Weging:
    weging = Weging(
        signal=signal, gemeente_id=signal.gemeente_id, type="PC1", decision=data.decision,
        reasoning=(data.reasoning or "").strip(),
        purpose=(data.purpose or purpose or "").strip()[:300], legal_basis=(data.legal_basis or "").strip()[:300],
        primary_basis=(data.primary_basis or "").strip()[:300],
        compatibility={k: str(v).strip() for k, v in (data.compatibility or {}).items() if k in COMPATIBILITY_FACTORS},
        necessity=(data.necessity or "").strip(), proportionality=(data.proportionality or "").strip(),
        subsidiarity=(data.subsidiarity or "").strip(), art9_data=data.art9_data, art10_data=data.art10_data,
        special_data_basis=(data.special_data_basis or "").strip()[:300], decided_by=user,
        role=Role.PRIVACYFUNCTIONARIS.value, decided_at=timezone.now(), trace_id=trace.current().trace_id)
    problems = pc1_missing(weging, details=details)
    plugin = hooks.connector_plugin(item.source.connector) if item is not None else None
    if plugin is not None and weging.decision == "toegestaan":
        problems += plugin.pc1_problems(item, weging)
    if problems:
        raise ProtocolError(*problems)
    weging.save()
    return weging


def _check_decider(user, requested_by_id: int, gemeente: str) -> None:
    _require(policy.may_decide_pc1(user, gemeente), "Alleen de privacyfunctionaris beslist over privacytoets 1.")
    if requested_by_id == user.pk:
        raise NotAllowed("U kunt niet besluiten over uw eigen verzoek (vier ogen).")


@transaction.atomic
def decide_pc1(user, source_request: SourceRequest, data: Pc1Input) -> SourceRequest:
    """Privacy check 1 for one source. Allowed: the connector is asked at once (hit/no-hit only);
    a source without a connector waits for its bronhouder."""
    _check_decider(user, source_request.requested_by_id, source_request.signal.gemeente_id)
    signal = lock_signal(source_request.signal)
    item = SourceRequest.objects.select_for_update().select_related("source").get(pk=source_request.pk)
    if item.state != RequestState.AANGEVRAAGD:
        raise ProtocolError("Over dit bronverzoek is al besloten.")
    if signal.state != SignalState.BRONNENONDERZOEK:
        raise WrongState("Dit signaal staat niet meer in bronnenonderzoek.")
    weging = _pc1_weging(user, signal, data, details=False, purpose=item.purpose, item=item)
    item.state = RequestState.TOEGESTAAN if data.decision == "toegestaan" else RequestState.GEWEIGERD
    item.weging, item.decided_at = weging, weging.decided_at
    item.save(update_fields=["state", "weging", "decided_at"])
    mentions = list(item.subjects.all())
    log.record(f"pc1_{item.state}", ACTIVITY, _mention_subjects(mentions), user=user, obj=signal,
               basis=f"{item.source.code}: {weging.legal_basis}")
    if item.state == RequestState.TOEGESTAAN:
        for mention in mentions:
            HitResult.objects.create(request=item, subject=mention)
        plugin = hooks.connector_plugin(item.source.connector)
        if plugin is not None:  # e.g. the other gemeenten of the regio: a job, never in this request
            plugin.ask(item)
        elif item.source.has_connector:
            # The regisseur asked; the privacyfunctionaris only approved. The consultation is the
            # system acting for the requester, and is logged so (with the approver named).
            _ask_connector(item, item.requested_by)
    return item


def _linker_hit(mention) -> bool:
    """A person known only by name and birth date: a hit when the linker proposes a BRP record
    (one candidate above its threshold, clearly ahead). Known by name and birth year or age range
    (a search on what is known): a hit when any record fits well enough, since several may. Either
    way only yes or no, never how many; who it is stays on the linking page."""
    found = Linker().link(Mention.from_subject(mention))
    return found.any_match if sources.partially_known(mention) else found.proposal is not None


def _approver(item: SourceRequest) -> str:
    decided_by = item.weging.decided_by if item.weging_id else None
    if decided_by is None:
        return ""
    return f"; privacytoets 1 goedgekeurd door {decided_by.get_username()} (privacyfunctionaris)"


def _ask_connector(item: SourceRequest, requester) -> None:
    """Hit/no-hit from the connector (or, for a person without BSN, the linker): only whether
    the source has something, never what. Logged under the regisseur for whom the source is
    consulted — never under the privacyfunctionaris who approved it, who is named as approver."""
    registry = connector(item.source.connector)
    approved = _approver(item)
    for hit in item.hits.filter(hit__isnull=True).select_related("subject"):
        by_linker = sources.asked_via_linker(hit.subject, item.source)
        basis = (f"{item.source.code} via koppelen (naam en {sources.birth_words(hit.subject)})" if by_linker
                 else item.source.code) + approved
        # One span per question: the registry receives it as the parent in traceparent, and the
        # log line of this subject is its child (Logboek Dataverwerkingen).
        with trace.span():
            try:
                hit.hit = _linker_hit(hit.subject) if by_linker else registry.hit(sources.registry_subject(hit.subject))
            except (ConnectorError, ValueError) as error:
                hit.error = str(error)[:300]
                hit.save(update_fields=["error"])
                if isinstance(error, ConnectorError):  # the question went out: the attempt is logged
                    log.record("hit_bevraagd", ACTIVITY, _mention_subjects([hit.subject]), user=requester,
                               obj=item.signal, role=Role.REGISSEUR.value, status=log.status_of(error),
                               basis=f"{basis}; niet beantwoord")
                continue
            # answered_by_connector: answered by the system, not a bronhouder; the log says whether
            # the connector or the linker ("koppelen") answered.
            hit.answered_by_connector, hit.answered_at, hit.error = True, timezone.now(), ""
            hit.save(update_fields=["hit", "answered_by_connector", "answered_at", "error"])
            log.record("hit_bevraagd", ACTIVITY, _mention_subjects([hit.subject]), user=requester, obj=item.signal,
                       role=Role.REGISSEUR.value, basis=basis)


@transaction.atomic
def retry_connector(user, source_request: SourceRequest) -> SourceRequest:
    """Ask the connector again for the subjects it could not answer (e.g. it was unreachable)."""
    _require(policy.may_request_sources(user, source_request.signal.gemeente_id),
             "Alleen de regisseur vraagt een bron opnieuw.")
    check_reader(user, source_request.signal)
    item = SourceRequest.objects.select_for_update().select_related("source", "signal").get(pk=source_request.pk)
    if item.state != RequestState.TOEGESTAAN or not item.source.has_connector:
        raise ProtocolError("Alleen een toegestaan verzoek aan een gekoppelde bron kan opnieuw worden gesteld.")
    plugin = hooks.connector_plugin(item.source.connector)
    if plugin is not None:
        plugin.ask(item)
    else:
        _ask_connector(item, user)
    return item


def _bronhouder_hit(user, hit_id: int) -> HitResult:
    _require(policy.may_answer_as_bronhouder(user), "Alleen een bronhouder beantwoordt deze vraag.")
    hit = (HitResult.objects.select_for_update().select_related("request__source", "request__signal", "subject")
           .filter(pk=hit_id).first())
    if (hit is None or not policy.may_answer_as_bronhouder(user, hit.request.source.gemeente_id)
            or not hit.request.source.bronhouders.filter(pk=user.pk).exists()):
        raise NotAllowed("Deze vraag is niet voor uw bron.")
    if hit.request.source.has_connector:
        raise ProtocolError("Deze bron wordt via de koppeling bevraagd, niet door de bronhouder.")
    return hit


@transaction.atomic
def answer_hit(user, hit: HitResult, has_hit) -> HitResult:
    """The bronhouder of a source without connector answers: yes, this source has something, or no."""
    hit = _bronhouder_hit(user, hit.pk)
    if hit.request.state != RequestState.TOEGESTAAN:
        raise ProtocolError("Voor deze vraag is geen toestemming (privacytoets 1).")
    if hit.answered:
        raise ProtocolError("Deze vraag is al beantwoord.")
    if has_hit not in (True, False):
        raise ProtocolError("Kies 'hit' of 'geen hit'.")
    hit.hit, hit.answered_by, hit.answered_at = has_hit, user, timezone.now()
    hit.save(update_fields=["hit", "answered_by", "answered_at"])
    log.record("hit_beantwoord", ACTIVITY, _mention_subjects([hit.subject]), user=user, obj=hit.request.signal,
               basis=hit.request.source.code)
    return hit


# ------------------------------------------------------------------------------ details


@transaction.atomic
def request_details(user, hit: HitResult, fields, purpose: str) -> DetailRequest:
    """Ask to open chosen fields behind a hit; nothing is fetched until it is approved."""
    _require(policy.may_ask_details(user, hit.request.signal.gemeente_id), "Alleen de regisseur vraagt details aan.")
    hit = HitResult.objects.select_related("request__source", "request__signal", "subject").get(pk=hit.pk)
    check_reader(user, hit.request.signal)
    signal = lock_signal(hit.request.signal)
    problems = []
    if not policy.may_request_details(user, signal):
        # The role and the reading were refused above with their own message: what is left is the step.
        problems.append("Details aanvragen kan alleen in de stap bronnenonderzoek.")
    if hit.hit is not True:
        problems.append("Details kunnen alleen bij een hit worden aangevraagd.")
    # A person known by name and birth date asks the person fields of the BRP: once approved, the
    # linking page shows the candidates with exactly those fields (registries.selectors).
    allowed = hit.request.source.field_labels(sources.detail_kind(hit.subject, hit.request.source))
    fields = list(dict.fromkeys(fields or []))
    if not fields:
        problems.append("Kies ten minste één gegeven.")
    unknown = [f for f in fields if f not in allowed]
    if unknown:
        problems.append(f"De bron {hit.request.source.name} levert deze gegevens niet: {', '.join(unknown)}.")
    if not (purpose or "").strip():
        problems.append("Vul in waarvoor u deze gegevens nodig hebt.")
    if hit.detail_requests.filter(state=DetailState.AANGEVRAAGD).exists():
        problems.append("Voor deze hit wacht al een verzoek om details op een besluit.")
    if problems:
        raise ProtocolError(*problems)
    item = DetailRequest.objects.create(hit=hit, fields=fields, purpose=purpose.strip(), requested_by=user,
                                        requested_at=timezone.now())
    log.record("details_aanvragen", ACTIVITY, _mention_subjects([hit.subject]), user=user, obj=signal,
               basis=hit.request.source.code)
    return item


@transaction.atomic
def decide_details(user, detail_request: DetailRequest, data: Pc1Input) -> DetailRequest:
    """Approve (all or some of the asked fields) or deny a details request, as a PC1 weging."""
    _check_decider(user, detail_request.requested_by_id, detail_request.hit.request.signal.gemeente_id)
    item = (DetailRequest.objects.select_for_update().select_related("hit__request__source", "hit__subject")
            .get(pk=detail_request.pk))
    signal = lock_signal(item.hit.request.signal)
    if item.state != DetailState.AANGEVRAAGD:
        raise ProtocolError("Over dit verzoek om details is al besloten.")
    approved = []
    if data.decision == "toegestaan":
        wanted = list(dict.fromkeys(data.approved_fields or item.fields))
        if set(wanted) - set(item.fields):
            raise ProtocolError("U kunt alleen gegevens goedkeuren die zijn gevraagd.")
        approved = [f for f in item.fields if f in wanted]
        if not approved:
            raise ProtocolError("Kies ten minste één gegeven om goed te keuren, of weiger het verzoek.")
    first = item.hit.request.weging
    if first is not None:
        # The source's primary basis and compatibility were weighed at its PC1; the details decision
        # weighs necessity for exactly these fields.
        data.primary_basis = data.primary_basis or first.primary_basis
        data.compatibility = data.compatibility or first.compatibility
    weging = _pc1_weging(user, signal, data, details=True, purpose=item.purpose)
    item.state = DetailState.TOEGESTAAN if approved else DetailState.GEWEIGERD
    item.approved_fields, item.weging, item.decided_at = approved, weging, weging.decided_at
    item.save(update_fields=["state", "approved_fields", "weging", "decided_at"])
    log.record(f"details_{item.state}", ACTIVITY, _mention_subjects([item.hit.subject]), user=user, obj=signal,
               basis=f"{item.hit.request.source.code}: {weging.legal_basis}")
    return item


@transaction.atomic
def supply_details(user, detail_request: DetailRequest, values: dict) -> DetailRequest:
    """The bronhouder supplies the approved fields (as text) for a source without connector."""
    hit = _bronhouder_hit(user, detail_request.hit_id)
    item = DetailRequest.objects.select_for_update().get(pk=detail_request.pk)
    if item.state != DetailState.TOEGESTAAN:
        raise ProtocolError("Dit verzoek om details is niet goedgekeurd.")
    if item.supplied_at:
        raise ProtocolError("Deze gegevens zijn al geleverd.")
    extra = set(values) - set(item.approved_fields)
    if extra:
        raise ProtocolError("Lever alleen de goedgekeurde gegevens.")
    cleaned = {f: str(values.get(f, "")).strip() for f in item.approved_fields}
    if not all(cleaned.values()):
        raise ProtocolError("Vul elk goedgekeurd gegeven in (schrijf 'onbekend' als de bron het niet heeft).")
    item.supplied, item.supplied_by, item.supplied_at = cleaned, user, timezone.now()
    item.save(update_fields=["supplied", "supplied_by", "supplied_at"])
    log.record("details_geleverd", ACTIVITY, _mention_subjects([hit.subject]), user=user, obj=hit.request.signal,
               basis=hit.request.source.code)
    return item


def open_problems(signal: Signal) -> list[str]:
    """Why weging 4 cannot be taken yet: a source request without a decision or without all its
    answers. A signal without source requests may take W4 (e.g. the team already knows enough)."""
    problems = []
    for item in SourceRequest.objects.filter(signal=signal).select_related("source"):
        if item.state == RequestState.AANGEVRAAGD:
            problems.append(f"Privacytoets 1 voor de bron {item.source.name} is nog niet genomen.")
        elif item.state == RequestState.TOEGESTAAN and item.hits.filter(hit__isnull=True).exists():
            problems.append(f"De bron {item.source.name} heeft nog niet alle hit/no-hit-vragen beantwoord.")
    return problems


def register_hooks() -> None:
    """W4 waits for open source requests: on every step out of bronnenonderzoek and on joining a
    casus (called from ProtocolConfig.ready; the protocol service does not import research)."""
    steps = [t.code for t in SIGNAL_TRANSITIONS if t.source == SignalState.BRONNENONDERZOEK]
    hooks.register_guard([*steps, JOIN_CASUS], open_problems)
