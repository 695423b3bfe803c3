"""Every write of hit/no-hit between gemeenten (ADR 0030 §8.4-8.6): the job that asks the regio,
and B's weging of a regional request with its frozen release for A.

The job answers A first (the bits, A's log lines, the source request's hits) in a transaction of
its own, and only then, in one transaction for all answering gemeenten, B's requests and B's log
lines: the moment A's answer appears never depends on how many of B's signals matched. Every member gets
the same work — a digest per member, one lookup for all members per subject, no early exit."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.core.bulkinsert import insert_rows
from meldpunt.core.datums import format_date
from meldpunt.intake import subjects as intake_subjects
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.privacy import log, trace
from meldpunt.protocol.models import Weging
from meldpunt.protocol.research.models import HitResult, RequestState, SourceRequest
from meldpunt.tenancy.models import Tenant

from . import matching
from .convenant import convenant_problems
from .errors import NotYours, RateLimited, RegioError
from .index import canonicals_of_mention
from .keys import match_key
from .models import (
    MatchDigest,
    RegionalAnswer,
    RegionalQuestion,
    RegionalRelease,
    RegionalRequest,
    RegionalRequestState,
)
from .source import CONNECTOR
from .weighing import RvInput, release_content, rv_problems

ASKING = "regionale_bevraging"
ANSWERING = "regionale_bevraging_beantwoorden"


def members(asking: Tenant) -> list[Tenant]:
    """The other active members of A's regio that answer regional questions, in a fixed order."""
    if asking.regio_id is None:
        return []
    return list(Tenant.objects.filter(regio_id=asking.regio_id, active=True, answers_regional_questions=True)
                .exclude(pk=asking.pk).order_by("code"))


def _today_start():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _asked_today_per_member(asking: Tenant, *, excluding: int | None = None) -> dict[str, int]:
    """Subjects A put to each B today (the rate limit counts subjects, per pair, per day)."""
    answers = RegionalAnswer.objects.filter(question__gemeente=asking, question__asked_at__gte=_today_start())
    if excluding is not None:
        answers = answers.exclude(question_id=excluding)
    return dict(answers.values_list("answering_id").annotate(n=Count("id")).order_by())


def rate_problems(asking: Tenant, subjects: int, *, excluding: int | None = None,
                  answering: list[Tenant] | None = None) -> list[str]:
    """Past ``Regio.daily_question_limit`` subjects per (A, B) today: refused, nothing asked."""
    if asking.regio_id is None:
        return []
    limit = asking.regio.daily_question_limit
    asked = _asked_today_per_member(asking, excluding=excluding)
    return [f"De regio staat vandaag geen vragen meer toe aan {member.naam}; morgen weer."
            for member in (members(asking) if answering is None else answering)
            if asked.get(member.pk, 0) + subjects > limit]


def _lookup(triples: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """One query over the index for all members: which (gemeente, kind, digest) it holds. A digest
    is keyed per gemeente, so asking by digest alone and keeping the wanted triples is exact."""
    if not triples:
        return set()
    wanted = set(triples)
    found = (MatchDigest.objects.filter(digest__in=sorted({value for _, _, value in wanted}))
             .values_list("gemeente_id", "kind", "digest").distinct())
    return {triple for triple in found if triple in wanted}


def _wanted(canonicals, keys: dict[str, bytes]) -> dict[str, list[tuple[str, str, str]]]:
    """Per member, the triples of all canonical values of one subject: one digest each."""
    return {code: [(code, c.kind.value, matching.digest(key, c)) for c in canonicals]
            for code, key in keys.items()}


def _subject(mention) -> list:
    found = intake_subjects.of_mention(mention)
    return [found] if found else []


def _checked_request(source_request_id: int) -> SourceRequest:
    item = (SourceRequest.objects.select_related("source", "signal__gemeente__regio", "weging", "requested_by")
            .filter(pk=source_request_id).first())
    if item is None:
        raise RegioError("Dit bronverzoek bestaat niet meer.")
    if item.source.connector != CONNECTOR:
        raise RegioError("Dit bronverzoek gaat niet aan de andere gemeenten in de regio.")
    if item.state != RequestState.TOEGESTAAN or item.weging is None or item.weging.decision != "toegestaan":
        raise RegioError("Zonder toegestane privacytoets 1 worden de andere gemeenten niet gevraagd.")
    problems = convenant_problems(item.signal.gemeente)
    if problems:
        raise RegioError(*problems)
    return item


def ask_region(source_request_id: int, *, members_too: bool = True) -> RegionalQuestion:
    """Ask every other member about each subject and answer A. With ``members_too`` also the
    members' part at once (their requests and lines); the job (regio.tasks) leaves that to a job of
    its own (:func:`answer_members`), so A's answer never waits for B's writes. Idempotent: a retry
    finds the question, its answers and the members already done."""
    item = _checked_request(source_request_id)
    asking = item.signal.gemeente
    mentions = list(item.subjects.select_related("address").order_by("pk"))
    values = {m.pk: canonicals_of_mention(m) for m in mentions}
    unaskable = [m for m in mentions if not values[m.pk]]
    if unaskable:
        raise RegioError("Een betrokkene zonder BSN, KvK-nummer, adres of kenteken kan niet worden gevraagd.")
    answering = members(asking)
    if not RegionalQuestion.objects.filter(source_request=item).exists():
        problems = rate_problems(asking, len(mentions), answering=answering)
        if problems:
            raise RateLimited(*problems)
    keys = {member.code: match_key(member.code, member.key_slot) for member in answering}
    # The same work for every member: a digest each, then one lookup for all members and subjects.
    wanted = {mention.pk: _wanted(values[mention.pk], keys) for mention in mentions}
    present = _lookup([t for per_member in wanted.values() for triples in per_member.values() for t in triples])
    bits = {pk: {code: any(t in present for t in triples) for code, triples in per_member.items()}
            for pk, per_member in wanted.items()}
    question = _answer_asking(item, asking, mentions, answering, bits)
    if members_too:
        _answer_members(question, item, asking, answering, mentions, bits, wanted)
    return question


def answer_members(question_id: int) -> RegionalQuestion | None:
    """The members' part of a question A has its answer to (the job regio.tasks.answer_members): the
    members and bits as A's answer stored them; the digests again, for members with a hit only."""
    question = RegionalQuestion.objects.filter(pk=question_id).first()
    if question is None:  # A's signal was destroyed meanwhile: its question went with it
        return None
    item = _checked_request(question.source_request_id)
    asking = item.signal.gemeente
    answers = list(RegionalAnswer.objects.filter(question=question).select_related("answering", "mention__address"))
    answering = sorted({a.answering.code: a.answering for a in answers}.values(), key=lambda t: t.code)
    mentions = sorted({a.mention_id: a.mention for a in answers}.values(), key=lambda m: m.pk)
    bits: dict[int, dict[str, bool]] = {m.pk: {} for m in mentions}
    for answer in answers:
        bits[answer.mention_id][answer.answering_id] = answer.hit
    hit_members = {code for per_member in bits.values() for code, hit in per_member.items() if hit}
    keys = {t.code: match_key(t.code, t.key_slot) for t in answering if t.code in hit_members}
    wanted = {m.pk: _wanted(canonicals_of_mention(m), keys) for m in mentions}
    _answer_members(question, item, asking, answering, mentions, bits, wanted)
    return question


@transaction.atomic
def _answer_asking(item: SourceRequest, asking: Tenant, mentions, answering, bits) -> RegionalQuestion:
    """A's part: the question, one bit per (subject, member), the source request's hits, A's log."""
    question, created = RegionalQuestion.objects.get_or_create(
        source_request=item, defaults={"gemeente": asking, "asked_at": timezone.now(),
                                       "trace_id": trace.current().trace_id})
    if not created:
        return question
    now = timezone.now()
    insert_rows(RegionalAnswer, ("question_id", "mention_id", "answering_id", "hit"),
                ((question.pk, m.pk, member.code, bits[m.pk][member.code]) for m in mentions for member in answering))
    # The source request's hit per subject: rows made when it was asked are answered, missing ones made.
    hit = {m.pk: any(bits[m.pk].values()) for m in mentions}
    known = set(HitResult.objects.filter(request=item).values_list("subject_id", flat=True))
    for value in (True, False):
        HitResult.objects.filter(request=item, subject_id__in=[pk for pk in known if hit.get(pk) is value]).update(
            hit=value, answered_by_connector=True, answered_at=now, error="")
    HitResult.objects.bulk_create([
        HitResult(request=item, subject=m, hit=hit[m.pk], answered_by_connector=True, answered_at=now, error="")
        for m in mentions if m.pk not in known])
    # One line per asked subject in A's register, under the regisseur for whom the system asks.
    log.record("regio_gevraagd", ASKING, [s for m in mentions for s in _subject(m)], user=item.requested_by,
               obj=item.signal, role=Role.REGISSEUR.value,
               basis=f"privacytoets 1 ({format_date(item.weging.decided_at)}): {item.weging.legal_basis}")
    return question


@transaction.atomic
def _answer_members(question: RegionalQuestion, item: SourceRequest, asking: Tenant, answering, mentions,
                    bits, wanted) -> None:
    """B's part, for every member B at once after A's answer: a request per subject with a hit and
    its lines in B's log, and for every member — hit or not — the question in B's log, so B's FG sees
    that A asked and how often (about whom only on a hit). One transaction for all members (the
    job is retried whole; ``answered_for`` keeps a member from answering twice): a member without a
    hit costs one line in a write shared with the others (ADR 0030 §14)."""
    question = RegionalQuestion.objects.select_for_update().get(pk=question.pk)
    todo = [member for member in answering if member.code not in question.answered_for]
    if not todo:
        return
    weging = item.weging
    basis = f"vraag van gemeente {asking.naam}; privacytoets 1 van {format_date(weging.decided_at)}"
    with trace.foreign(f"gemeente {asking.naam}", question.trace_id):
        for member in todo:
            for mention in mentions:
                if bits[mention.pk][member.code]:
                    _request_on_hit(question, item, asking, member, mention, wanted[mention.pk][member.code])
        log.record_each("regio_vraag_ontvangen", ANSWERING, [
            log.ControllerPart(member, [log.DataSubject("intern", f"regiovraag:{question.pk}")], obj=question,
                               basis=basis, data="de vraag: vragende gemeente en privacytoets 1")
            for member in todo], user=None, role="")
    question.answered_for = [*question.answered_for, *(member.code for member in todo)]
    question.save(update_fields=["answered_for"])


def _request_on_hit(question: RegionalQuestion, item: SourceRequest, asking: Tenant, member: Tenant, mention,
                    triples) -> None:
    """B's request to weigh one subject A asked about and B knows, with its line in B's log."""
    weging = item.weging
    matched = _matched(member, triples)
    answer = RegionalAnswer.objects.get(question=question, mention=mention, answering=member)
    request = RegionalRequest.objects.create(
        gemeente=member, from_gemeente=asking, answer=answer, purpose=item.purpose,
        legal_basis=weging.legal_basis, pc1_reference=f"privacytoets 1 van {format_date(weging.decided_at)}",
        asked_by_name=item.requested_by.get_full_name() or item.requested_by.get_username(),
        asked_by_organisation=f"gemeente {asking.naam}", subject_label=_kind_label(mention),
        received_at=timezone.now())
    request.matched_signals.set(sorted({signal_id for signal_id, _ in matched}))
    own = MentionedSubject.objects.filter(pk__in={pk for _, pk in matched if pk})
    log.record("regio_treffer", ANSWERING, [s for m in own for s in _subject(m)], user=None,
               obj=request, role="", basis=f"vraag van gemeente {asking.naam}; {request.pc1_reference}")


def _matched(member: Tenant, triples) -> list[tuple[int, int | None]]:
    """B's signals and mentions holding one of the subject's digests (B's own data)."""
    condition = Q()
    for _, kind, value in triples:
        condition |= Q(kind=kind, digest=value)
    return list(MatchDigest.objects.filter(condition, gemeente=member).values_list("signal_id", "mention_id"))


KIND_LABELS = {"persoon": "persoon", "onderneming": "onderneming", "adres": "adres", "voertuig": "voertuig"}


def _kind_label(mention) -> str:
    kinds = sorted({c.kind.value for c in canonicals_of_mention(mention)})
    words = {"bsn": "BSN", "kvk": "KvK-nummer", "adres": "adres", "kenteken": "kenteken"}
    return f"{mention.get_kind_display()} ({', '.join(words[k] for k in kinds)})"


# ------------------------------------------------------------------------------ B's weging


def _request_for(user, request_id: int) -> RegionalRequest:
    request = (RegionalRequest.objects.select_for_update().select_related("gemeente", "from_gemeente")
               .filter(pk=request_id).first())
    if request is None or not policy.may_weigh_regional_request(user, request):
        raise NotYours("Dit regionale verzoek is niet voor u: alleen de privacyfunctionaris van de gevraagde "
                       "gemeente weegt het.")
    return request


@transaction.atomic
def weigh_request(user, request: RegionalRequest, data: RvInput) -> RegionalRequest:
    """B's privacyfunctionaris decides: share (with the chosen items per matched signal) or not."""
    request = _request_for(user, request.pk)
    if request.state != RegionalRequestState.TE_BEOORDELEN:
        raise RegioError("Over dit regionale verzoek is al besloten.")
    if request.answer_id is None and data.decision == "delen":
        raise RegioError(f"{request.from_gemeente.naam} heeft het signaal van deze vraag vernietigd: er is niets "
                         "meer om mee te delen.")
    signals = {s.pk: s for s in Signal.objects.filter(pk__in=request.matched_signals.values("pk"),
                                                      gemeente=request.gemeente)}
    weging = Weging(
        gemeente=request.gemeente, type="RV", decision=data.decision, reasoning=(data.reasoning or "").strip(),
        purpose=request.purpose[:300], legal_basis=(data.legal_basis or "").strip()[:300],
        compatibility={k: str(v).strip() for k, v in (data.compatibility or {}).items()},
        necessity=(data.necessity or "").strip(), proportionality=(data.proportionality or "").strip(),
        subsidiarity=(data.subsidiarity or "").strip(), art9_data=data.art9_data, art10_data=data.art10_data,
        special_data_basis=(data.special_data_basis or "").strip()[:300], decided_by=user,
        role=Role.PRIVACYFUNCTIONARIS.value, decided_at=timezone.now(), trace_id=trace.current().trace_id,
        checklist={"onderdelen": {str(k): list(v) for k, v in (data.items or {}).items()}})
    problems = rv_problems(weging, data.items or {}, signals)
    if problems:
        raise RegioError(*problems)
    weging.save()
    shared = data.decision == "delen"
    request.state = RegionalRequestState.GEDEELD if shared else RegionalRequestState.NIET_GEDEELD
    request.weging, request.decided_at = weging, weging.decided_at
    request.save(update_fields=["state", "weging", "decided_at"])
    own = [s for signal in signals.values() for s in intake_subjects.of_signal(signal)]
    fallback = [log.DataSubject("intern", f"regioverzoek:{request.pk}")]
    log.record(f"rv_{data.decision}", ANSWERING, own or fallback, user=user, obj=request,
               basis=f"{weging.legal_basis}; gevraagd door gemeente {request.from_gemeente.naam}")
    if shared:
        content = release_content(data.items, signals, data.summaries)
        RegionalRelease.objects.create(request=request, answer_id=request.answer_id, content=content,
                                       released_at=weging.decided_at, released_by=user)
    return request
