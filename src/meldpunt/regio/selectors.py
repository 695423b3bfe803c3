"""Reads of hit/no-hit between gemeenten, filtered by the policy (ADR 0030 §8.4-8.6).

A sees per subject per gemeente one word, treffer or geen treffer — never how many signals,
which, in what state, or when — and, once B decided, what B shared or that B shares nothing."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import Http404

from meldpunt import policy
from meldpunt.core.datums import format_date
from meldpunt.intake import subjects as intake_subjects
from meldpunt.privacy import log
from meldpunt.protocol import sources
from meldpunt.protocol.research.models import SourceRequest

from .models import RegionalAnswer, RegionalQuestion, RegionalRequest, RegionalRequestState
from .services import ASKING


def annotate(user, item: SourceRequest) -> None:
    """For the signal page (protocol.research.selectors.for_signal): the lines per hit and what was
    shared. The same words and the same markup whatever B holds."""
    answers = list(RegionalAnswer.objects.filter(question__source_request=item)
                   .select_related("answering").order_by("answering__naam", "pk"))
    decided = {r.answer_id: r for r in RegionalRequest.objects.filter(answer__in=[a.pk for a in answers])
               .exclude(state=RegionalRequestState.TE_BEOORDELEN).select_related("release")}
    item.shared = []
    may_read = policy.may_read_regional_answers(user, item.signal)
    for hit in item.hits.all():
        hit.may_ask_details = False  # nothing to open behind a regional bit: B decides what it shares
        mine = [a for a in answers if a.mention_id == hit.subject_id]
        hit.answer_lines = [f"{a.answering.naam}: {'treffer' if a.hit else 'geen treffer'}" for a in mine]
        if not may_read:
            continue
        for answer in mine:
            request = decided.get(answer.pk)
            if request is None:
                continue
            if request.state == RegionalRequestState.NIET_GEDEELD:
                item.shared.append({"title": f"{answer.answering.naam} deelt niets (besluit van "
                                             f"{format_date(request.decided_at)})", "entries": []})
                continue
            release = getattr(request, "release", None)
            if release is None:
                continue
            entries = [[(k, v) for k, v in entry.items() if k != "signaal"] for entry in release.content]
            about = sources.question_label(hit.subject)
            item.shared.append({"title": f"{answer.answering.naam} deelt over {about} (besluit van "
                                         f"{format_date(release.released_at)})", "entries": entries})
            found = intake_subjects.of_mention(hit.subject)
            log.record("regionale_vrijgave_inzien", ASKING, [found] if found else [], user=user, obj=item.signal,
                       basis=f"gedeeld door gemeente {answer.answering.naam}")


# ------------------------------------------------------------------------------ B's privacyfunctionaris


def pending_requests(user):
    """B's regional requests that wait for this privacyfunctionaris."""
    return (RegionalRequest.objects.filter(policy.regional_requests_to_weigh(user),
                                           state=RegionalRequestState.TE_BEOORDELEN)
            .select_related("gemeente", "from_gemeente").order_by("received_at", "pk"))


def request_for_decision(user, pk: int) -> RegionalRequest:
    request = (RegionalRequest.objects.select_related("gemeente", "from_gemeente", "weging")
               .filter(pk=pk).first())
    if request is None or not policy.may_weigh_regional_request(user, request):
        raise Http404("Dit regionale verzoek bestaat niet.")
    return request


def matched_signals(request: RegionalRequest):
    """B's own matched signals, for B's privacyfunctionaris only (the caller checked)."""
    return list(request.matched_signals.filter(gemeente=request.gemeente)
                .select_related("phenomenon", "buurt").order_by("received_at", "pk"))


# ------------------------------------------------------------------------------ the FGs


def outgoing(user) -> list[dict]:
    """A's FG: the questions A asked (date, PC1, subjects, per gemeente hit/no-hit, B's decision)."""
    questions = (RegionalQuestion.objects.filter(policy.regional_questions_supervised(user))
                 .select_related("gemeente", "source_request__weging", "source_request__signal")
                 .prefetch_related("answers__answering").order_by("-asked_at", "-pk")[:200])
    rows = []
    for question in questions:
        answers = list(question.answers.all())
        decisions = {r.answer_id: r for r in RegionalRequest.objects.filter(answer__in=[a.pk for a in answers])}
        per_gemeente: dict[str, list[str]] = {}
        for answer in answers:
            request = decisions.get(answer.pk)
            word = "treffer" if answer.hit else "geen treffer"
            if request is not None:
                word += f" ({request.get_state_display().lower()})"
            per_gemeente.setdefault(answer.answering.naam, []).append(word)
        weging = question.source_request.weging
        rows.append({"question": question, "signal": question.source_request.signal,
                     "pc1": f"privacytoets 1 van {format_date(weging.decided_at)}" if weging else "",
                     "subjects": len({a.mention_id for a in answers}),
                     "per_gemeente": [f"{naam}: {', '.join(words)}" for naam, words in sorted(per_gemeente.items())]})
    return rows


def incoming(user) -> list[dict]:
    """B's FG: per asking gemeente and week, the questions B received (from B's log lines, one per
    question, hit or not) and B's requests (hits) with their decisions."""
    requests = (RegionalRequest.objects.filter(policy.regional_requests_supervised(user))
                .select_related("from_gemeente").order_by("-received_at", "-pk")[:200])
    return list(requests)


def incoming_per_week(user) -> list[dict]:
    """How often each gemeente asked, per week: counted from B's answers (every question, hit or not)."""
    codes = policy.gemeenten_with(user, policy.REGIONAL_SUPERVISOR_ROLES)
    rows = (RegionalAnswer.objects.filter(answering_id__in=codes)
            .annotate(week=TruncWeek("question__asked_at"))
            .values("week", "question__gemeente__naam", "answering__naam")
            .annotate(questions=Count("question", distinct=True), hits=Count("pk", filter=Q(hit=True)))
            .order_by("-week", "question__gemeente__naam"))
    return list(rows)
