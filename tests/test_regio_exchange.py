"""Hit/no-hit between gemeenten in one installation (ADR 0030 §8): B's index kept in step, the
question asked as a source after PC1, one bit per gemeente for A, B's request and weging, the
release A reads, the rate limit, idempotency, and the same work for a hit and a no-hit."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import grant_roles
from meldpunt.intake import services as intake
from meldpunt.intake import subject_changes
from meldpunt.intake.models import Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention.purge import purge
from meldpunt.protocol.errors import ProtocolError
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import HitResult
from meldpunt.regio import services
from meldpunt.regio.errors import NotYours, RateLimited, RegioError
from meldpunt.regio.models import MatchDigest, RegionalAnswer, RegionalQuestion, RegionalRelease, RegionalRequest
from meldpunt.tenancy.models import Regio
from regio_support import (
    ONLY_HERE_BSN,
    SHARED_BSN,
    a_signal_in_research,
    ask,
    regio_pc1,
    share,
    signal_in,
    zaanstreek,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, regio):
    """Roles per gemeente (ADR 0030 §3): the walker makes signals in both, pf_b is Wormerland's."""
    zaanstad, wormerland = regio
    walker = grant_roles(make_user("beoordelaar", "regisseur", "teamlid", gemeente=zaanstad),
                         "beoordelaar", "regisseur", "teamlid", gemeente=wormerland)
    return {"walker": walker, "regisseur": make_user("regisseur", gemeente=zaanstad),
            "pf_a": make_user("privacyfunctionaris", gemeente=zaanstad),
            "pf_b": make_user("privacyfunctionaris", gemeente=wormerland),
            "fg": grant_roles(make_user("fg", gemeente=zaanstad), "fg", gemeente=wormerland)}


@pytest.fixture
def regio(home_gemeente):
    return zaanstreek()


def allowed(people, signal, mentions=None, run=True, django_capture_on_commit_callbacks=None):
    item = ask(people["regisseur"], signal, mentions)
    research.decide_pc1(people["pf_a"], item, regio_pc1())
    if run:
        services.ask_region(item.pk)
    item.refresh_from_db()
    return item


def test_b_index_follows_every_subject_write_and_the_rebuild(people, regio):
    _, wormerland = regio
    theirs = signal_in(people["walker"], wormerland)
    assert MatchDigest.objects.filter(signal=theirs, gemeente=wormerland, kind="bsn").count() == 1
    mention = theirs.subjects.get()
    subject_changes.add_subject(people["walker"], theirs, intake.SubjectInput(kind="voertuig", kenteken="12-ab-34"),
                                "Kenteken nagekomen bij de melder.")
    assert set(MatchDigest.objects.filter(signal=theirs).values_list("kind", flat=True)) == {"bsn", "kenteken"}
    subject_changes.remove_subject(people["walker"], theirs, mention.pk, "Verkeerd genoteerd bij de intake.")
    assert set(MatchDigest.objects.filter(signal=theirs).values_list("kind", flat=True)) == {"kenteken"}
    before = set(MatchDigest.objects.filter(gemeente=wormerland).values_list("digest", flat=True))
    MatchDigest.objects.all().delete()
    call_command("regio", "index", "--gemeente", "GM0880")
    assert set(MatchDigest.objects.filter(gemeente=wormerland).values_list("digest", flat=True)) == before
    # the same BSN has another digest in each gemeente: two indexes cannot be joined
    ours = signal_in(people["walker"], regio[0])
    assert not {d for d in MatchDigest.objects.filter(signal=ours).values_list("digest", flat=True)} & before


def test_a_sees_one_bit_per_gemeente_and_b_gets_a_request_only_for_a_hit(people, regio):
    zaanstad, wormerland = regio
    theirs = [signal_in(people["walker"], wormerland, index=i) for i in range(2)]
    signal = a_signal_in_research(people["walker"], extra_subjects=[
        intake.SubjectInput(kind="persoon", name="Alleen Hier", bsn=ONLY_HERE_BSN)])
    shared, only_here = signal.subjects.get(bsn=SHARED_BSN), signal.subjects.get(bsn=ONLY_HERE_BSN)
    item = allowed(people, signal)

    bits = {(a.mention_id, a.answering_id): a.hit for a in RegionalAnswer.objects.all()}
    assert bits == {(shared.pk, "GM0880"): True, (only_here.pk, "GM0880"): False}
    assert dict(HitResult.objects.filter(request=item).values_list("subject_id", "hit")) == {
        shared.pk: True, only_here.pk: False}
    request = RegionalRequest.objects.get()
    assert (request.gemeente, request.from_gemeente, request.state) == (wormerland, zaanstad, "te_beoordelen")
    assert set(request.matched_signals.values_list("pk", flat=True)) == {s.pk for s in theirs}
    assert request.asked_by_organisation == "gemeente Zaanstad"

    # A: one line per asked subject; B: one per matched B subject (the same person in both signals)
    # and one about the question itself
    asked = ProcessingLogEntry.objects.filter(activity_code="regionale_bevraging", action="regio_gevraagd")
    assert asked.count() == 2
    answered = ProcessingLogEntry.objects.filter(activity_code="regionale_bevraging_beantwoorden")
    assert answered.filter(action="regio_vraag_ontvangen", subject_type="intern").count() == 1
    hit_lines = answered.filter(action="regio_treffer")
    assert hit_lines.count() == 1 and all(line.foreign_processor == "gemeente Zaanstad" for line in hit_lines)
    assert all(line.foreign_trace_id == RegionalQuestion.objects.get().trace_id for line in hit_lines)


def test_the_page_of_a_shows_words_per_gemeente(client, people, regio):
    _, wormerland = regio
    signal_in(people["walker"], wormerland)
    signal = a_signal_in_research(people["walker"], extra_subjects=[
        intake.SubjectInput(kind="persoon", name="Alleen Hier", bsn=ONLY_HERE_BSN)])
    allowed(people, signal)
    client.force_login(people["regisseur"])
    html = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Wormerland: treffer" in html and "Wormerland: geen treffer" in html


def test_no_question_without_an_allowed_pc1_in_force(people, regio):
    zaanstad, wormerland = regio
    signal_in(people["walker"], wormerland)
    signal = a_signal_in_research(people["walker"])
    item = ask(people["regisseur"], signal)
    with pytest.raises(RegioError, match="privacytoets 1"):
        services.ask_region(item.pk)
    with pytest.raises(ProtocolError, match="convenant"):
        research.decide_pc1(people["pf_a"], item, regio_pc1(legal_basis="AVG art. 6 lid 1 sub e"))
    zaanstad.regio.convenant_valid_until = zaanstad.regio.convenant_valid_from
    zaanstad.regio.save()
    with pytest.raises(ProtocolError, match="niet van kracht"):
        research.decide_pc1(people["pf_a"], item, regio_pc1())
    refused = research.decide_pc1(people["pf_a"], item, regio_pc1(decision="geweigerd"))
    with pytest.raises(RegioError, match="privacytoets 1"):
        services.ask_region(refused.pk)
    assert not RegionalQuestion.objects.exists() and not RegionalAnswer.objects.exists()


def test_a_subject_without_identifier_cannot_be_asked(people, regio):
    signal = a_signal_in_research(people["walker"], extra_subjects=[
        intake.SubjectInput(kind="persoon", name="Alleen Een Naam")])
    named = signal.subjects.get(name="Alleen Een Naam")
    with pytest.raises(ProtocolError, match="niet op naam"):
        ask(people["regisseur"], signal, [named])


def test_the_rate_limit_refuses_in_dutch_and_asks_nothing(people, regio):
    Regio.objects.update(daily_question_limit=2)
    first = a_signal_in_research(people["walker"], extra_subjects=[
        intake.SubjectInput(kind="persoon", name="Alleen Hier", bsn=ONLY_HERE_BSN)])
    allowed(people, first)
    second = a_signal_in_research(people["walker"])
    item = ask(people["regisseur"], second)
    message = "De regio staat vandaag geen vragen meer toe aan Wormerland; morgen weer."
    with pytest.raises(ProtocolError, match=message):
        research.decide_pc1(people["pf_a"], item, regio_pc1())
    # the job checks again (a PC1 taken before the limit was reached)
    item.weging = research._pc1_weging(people["pf_a"], second, regio_pc1(), details=False, purpose="x")
    item.state = "toegestaan"
    item.save()
    with pytest.raises(RateLimited, match=message):
        services.ask_region(item.pk)
    assert RegionalQuestion.objects.count() == 1 and RegionalAnswer.objects.count() == 2


def test_the_job_is_idempotent(people, regio):
    signal_in(people["walker"], regio[1])
    signal = a_signal_in_research(people["walker"])
    item = allowed(people, signal)
    counts = (RegionalAnswer.objects.count(), RegionalRequest.objects.count(), ProcessingLogEntry.objects.count())
    services.ask_region(item.pk)
    assert (RegionalAnswer.objects.count(), RegionalRequest.objects.count(),
            ProcessingLogEntry.objects.count()) == counts


def test_the_job_runs_after_pc1_commits(people, regio, django_capture_on_commit_callbacks):
    signal_in(people["walker"], regio[1])
    signal = a_signal_in_research(people["walker"])
    item = ask(people["regisseur"], signal)
    with django_capture_on_commit_callbacks(execute=True):
        research.decide_pc1(people["pf_a"], item, regio_pc1())
    assert RegionalAnswer.objects.get().hit is True


def _queries_until_a_is_answered(monkeypatch, item_pk) -> int:
    seen = []
    original = services._answer_members

    def spy(*args, **kwargs):
        if not seen:
            seen.append(len(context.captured_queries))
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_answer_members", spy)
    with CaptureQueriesContext(connection) as context:
        services.ask_region(item_pk)
    return seen[0]


def test_the_same_work_for_a_hit_and_a_no_hit(people, regio, monkeypatch):
    _, wormerland = regio
    for index in range(7):
        signal_in(people["walker"], wormerland, index=index)
    hit = ask(people["regisseur"], a_signal_in_research(people["walker"]))
    miss = ask(people["regisseur"], a_signal_in_research(people["walker"], bsn=ONLY_HERE_BSN))
    for item in (hit, miss):
        research.decide_pc1(people["pf_a"], item, regio_pc1())
    assert _queries_until_a_is_answered(monkeypatch, hit.pk) == _queries_until_a_is_answered(monkeypatch, miss.pk)
    assert dict(RegionalAnswer.objects.values_list("question__source_request", "hit")) == {hit.pk: True, miss.pk: False}


def test_b_weighs_and_a_reads_the_release(client, people, regio):
    _, wormerland = regio
    theirs = signal_in(people["walker"], wormerland)
    signal = a_signal_in_research(people["walker"])
    allowed(people, signal)
    request = RegionalRequest.objects.get()
    with pytest.raises(NotYours):
        services.weigh_request(people["regisseur"], request, share({str(theirs.pk): ["fenomeen"]}))
    with pytest.raises(RegioError, match="melder"):
        services.weigh_request(people["pf_b"], request, share({str(theirs.pk): ["contact_melder"]}))
    services.weigh_request(people["pf_b"], request, share({str(theirs.pk): ["fenomeen", "ontvangen", "samenvatting"]},
                                                          summaries={str(theirs.pk): "Eerder signaal over drukte."}))
    request.refresh_from_db()
    assert request.state == "gedeeld" and request.weging.type == "RV" and request.weging.signal_id is None
    content = RegionalRelease.objects.get(request=request).content
    assert content[0]["Samenvatting"] == "Eerder signaal over drukte." and "Fenomeen" in content[0]
    assert "Buurt" not in content[0]
    client.force_login(people["regisseur"])
    html = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Wormerland deelt over" in html and "Eerder signaal over drukte." in html
    assert ProcessingLogEntry.objects.filter(action="regionale_vrijgave_inzien").exists()


def test_b_shares_nothing_and_a_sees_the_decision(client, people, regio):
    signal_in(people["walker"], regio[1])
    signal = a_signal_in_research(people["walker"])
    allowed(people, signal)
    request = RegionalRequest.objects.get()
    client.force_login(people["pf_b"])
    page = client.get(reverse("web:te_beoordelen")).content.decode()
    assert "Regionale verzoeken" in page and "Zaanstad" in page
    response = client.post(reverse("regio:regionaal_verzoek", args=[request.pk]), {
        "decision": "niet_delen", "reasoning": "Niet nodig voor de vraag.", "legal_basis": "AVG art. 6 lid 1 sub e"})
    assert response.status_code == 302
    client.force_login(people["regisseur"])
    html = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Wormerland deelt niets (besluit van" in html


def test_the_fg_sees_outgoing_and_incoming_questions(client, people, regio):
    signal_in(people["walker"], regio[1])
    allowed(people, a_signal_in_research(people["walker"]))
    client.force_login(people["fg"])
    html = client.get(reverse("regio:regionale_bevragingen")).content.decode()
    assert "Wormerland: treffer" in html and "Ontvangen vragen per vragende gemeente per week" in html


def test_destroying_a_signal_takes_its_own_side_only(people, regio):
    """Retention (ADR 0009): B's digests go with B's signal; A's question, bits and release go with
    A's signal, while B's request (B's record) stays."""
    theirs = signal_in(people["walker"], regio[1])
    signal = a_signal_in_research(people["walker"])
    allowed(people, signal)
    request = RegionalRequest.objects.get()
    services.weigh_request(people["pf_b"], request, share({str(theirs.pk): ["fenomeen"]}))
    purge(Signal, [signal.pk])
    assert not RegionalQuestion.objects.exists() and not RegionalRelease.objects.exists()
    request.refresh_from_db()
    assert request.answer_id is None and request.state == "gedeeld"
    purge(Signal, [theirs.pk])
    assert not MatchDigest.objects.exists() and not request.matched_signals.exists()


def test_a_kenteken_is_asked_of_the_regio_and_offered_on_the_form(client, people, regio):
    theirs = signal_in(people["walker"], regio[1], bsn=ONLY_HERE_BSN)
    subject_changes.add_subject(people["walker"], theirs, intake.SubjectInput(kind="voertuig", kenteken="12-AB-34"),
                                "Kenteken nagekomen bij de melder.")
    signal = a_signal_in_research(people["walker"], bsn=SHARED_BSN, extra_subjects=[
        intake.SubjectInput(kind="voertuig", kenteken="12ab34")])
    client.force_login(people["regisseur"])
    form = client.get(reverse("protocol:bronnen_aanvragen", args=[signal.reference])).content.decode()
    assert "voertuig (kenteken) 12AB34" in form
    allowed(people, signal)
    bits = {a.mention.kind: a.hit for a in RegionalAnswer.objects.select_related("mention")}
    assert bits == {"persoon": False, "voertuig": True}
