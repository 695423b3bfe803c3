"""The linking page (issue 5): candidates for a mentioned subject only after an approved privacy
check 1 for the registry they come from (design §3), confirm or reject as a stored judgement by a
person through the page, Dutch errors that change nothing (P8), and need to know (P1)."""

import pytest
from django.urls import reverse

from factories import pc1, signal_in_research, signal_with_named_people
from meldpunt.accounts.roles import Role
from meldpunt.intake import services as intake
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.registries import selectors
from meldpunt.registries import services as linking
from meldpunt.registries.models import LinkJudgement

pytestmark = pytest.mark.django_db

SEARCHED = {"activity_code": "koppelen", "action": "koppelkandidaten_zoeken"}


@pytest.fixture
def world(make_user):
    from meldpunt.registries.models import Onderneming, Persoon

    people = {"walker": make_user(*[r.value for r in Role]), "regisseur": make_user("regisseur"),
              "pf": make_user("privacyfunctionaris"), "teamlid": make_user("teamlid"),
              "analist": make_user("analist"), "fg": make_user("fg")}
    persoon = Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()
    demo = {"bsn": persoon.bsn, "kvk": Onderneming.objects.order_by("pk").first().kvk_nummer,
            "unknown_bsn": "999999990"}
    signal = signal_in_research(people, demo)
    return {**people, "signal": signal, "persoon": persoon, "mention": signal.subjects.get(bsn=persoon.bsn),
            "company": signal.subjects.get(kvk_nummer=demo["kvk"])}


def _approve(w, code, *mentions):
    item = research.request_sources(w["regisseur"], w["signal"], [Source.objects.get(code=code)],
                                    [m.pk for m in mentions], "Is dit de genoemde betrokkene?")[0]
    return research.decide_pc1(w["pf"], item, pc1())


def _details(w, item, mention, fields=("burgerservicenummer", "naam.voornamen", "naam.voorvoegsel",
                                        "naam.geslachtsnaam")):
    """Ask and approve a details request behind the mention's hit: only then are candidates shown."""
    hit = item.hits.get(subject=mention)
    request = research.request_details(w["regisseur"], hit, list(fields), "Is dit de genoemde betrokkene?")
    return research.decide_details(w["pf"], request, pc1())


def _url(w, mention=None):
    return reverse("registries:koppelen", args=[w["signal"].reference, (mention or w["mention"]).pk])


def _client(client, user):
    client.force_login(user)
    return client


def test_without_an_approved_pc1_no_candidates_are_read_or_shown(world, client):
    w = world
    c = _client(client, w["regisseur"])
    item = research.request_sources(w["regisseur"], w["signal"], [Source.objects.get(code="BRP")],
                                    [w["mention"].pk], "Woont de genoemde persoon hier?")[0]
    response = c.get(_url(w))  # asked, but the privacyfunctionaris has not decided yet
    assert response.status_code == 200
    text = response.content.decode()
    assert "bronnenonderzoek met een goedgekeurde privacytoets 1" in text and "voor de bron BRP" in text
    assert response.context["rows"] == [] and "Bevestigen: dezelfde" not in text
    assert not ProcessingLogEntry.objects.filter(**SEARCHED).exists()
    research.decide_pc1(w["pf"], item, pc1())
    # The BRP approval covers the person, not the company: a company needs NHR.
    response = c.get(_url(w, w["company"]))
    assert "voor de bron NHR" in response.content.decode()
    with pytest.raises(selectors.SourceResearchNeeded):
        selectors.link_candidates(w["regisseur"], w["company"])
    assert not ProcessingLogEntry.objects.filter(**SEARCHED, object_id=str(w["company"].pk)).exists()


def test_an_approved_pc1_shows_the_candidates_with_score_and_reasons_and_logs_them(world, client):
    # Issue 13 finding 1: the PC1 alone allows hit/no-hit, no candidates (this test used to assert them).
    w = world
    item = _approve(w, "BRP", w["mention"])
    response = _client(client, w["regisseur"]).get(_url(w))
    assert response.status_code == 200 and response.context["rows"] == []
    text = response.content.decode()
    assert "De BRP heeft een treffer voor deze betrokkene" in text and w["persoon"].naam not in text
    _details(w, item, w["mention"])
    before = ProcessingLogEntry.objects.filter(**SEARCHED, object_id=str(w["mention"].pk)).count()
    assert before == 0  # hit/no-hit only: the registry was not searched, nothing read, nothing counted
    response = client.get(_url(w))
    rows = response.context["rows"]
    assert rows and rows[0][0].key == w["persoon"].bsn and rows[0][1] is None
    text = response.content.decode()
    assert f"{round(rows[0][0].score * 100)}%" in text
    assert all(reason in text for reason in rows[0][0].reasons)
    assert "bronnenonderzoek met een goedgekeurde" not in text
    assert ProcessingLogEntry.objects.filter(**SEARCHED, object_id=str(w["mention"].pk)).count() == before + len(rows)
    assert not LinkJudgement.objects.exists()  # showing proposes, never links


def test_confirm_and_reject_through_the_page_are_stored_judgements(world, client):
    w = world
    _details(w, _approve(w, "BRP", w["mention"]), w["mention"])
    c = _client(client, w["regisseur"])
    bsn = w["persoon"].bsn
    response = c.post(_url(w), {"entity_key": bsn, "verdict": "bevestigd"})
    assert response.status_code == 302
    judgement = LinkJudgement.objects.get()
    assert (judgement.verdict, judgement.entity_key, judgement.judged_by) == ("bevestigd", bsn, w["regisseur"])
    assert judgement.score is not None and judgement.reasons  # the proposal as it was shown
    page = c.get(_url(w)).content.decode()
    assert "Bevestigd: dezelfde door" in page

    refused = c.post(_url(w), {"entity_key": bsn, "verdict": "afgewezen", "explanation": "  "})
    assert refused.status_code == 422
    assert "Geef bij afwijzen in een zin aan waarom" in refused.content.decode()
    assert LinkJudgement.objects.count() == 1  # nothing stored

    unknown = c.post(_url(w), {"entity_key": "999999990", "verdict": "bevestigd"})
    assert unknown.status_code == 422 and "niet (meer) bij de kandidaten" in unknown.content.decode()
    assert LinkJudgement.objects.count() == 1

    c.post(_url(w), {"entity_key": bsn, "verdict": "afgewezen", "explanation": "Andere geboorteplaats."})
    assert LinkJudgement.objects.count() == 2
    assert selectors.confirmed_link(w["mention"]) is None  # the latest judgement counts
    assert "Afgewezen: niet dezelfde" in c.get(_url(w)).content.decode()


def test_the_signal_page_links_to_the_linking_page(world, client):
    w = world
    page = _client(client, w["regisseur"]).get(reverse("protocol:signaal", args=[w["signal"].reference]))
    text = page.content.decode()
    assert _url(w) in text and _url(w, w["company"]) in text
    assert text.count("Koppelen aan registratie") == w["signal"].subjects.exclude(kind="voertuig").count()


def test_need_to_know_and_read_only_roles(world, client):
    w = world
    _approve(w, "BRP", w["mention"])
    data = {"entity_key": w["persoon"].bsn, "verdict": "bevestigd"}
    # A teamlid not involved (a signal still at intake) may not even learn that it exists.
    fresh = intake.create_signal(intake.SignalInput(
        channel="intern", description="Nieuw signaal.", phenomenon="hennepteelt_drugs", reporter_kind="medewerker",
        subjects=[intake.SubjectInput(kind="persoon", name="C. Nieuw")]), user=w["walker"])
    fresh_url = reverse("registries:koppelen", args=[fresh.reference, fresh.subjects.get().pk])
    assert _client(client, w["teamlid"]).get(fresh_url).status_code == 404
    assert client.post(fresh_url, data).status_code == 404
    assert client.get(_url(w)).status_code == 200  # the same teamlid in the team's step reads it
    for role in ("analist", "fg"):
        c = _client(client, w[role])
        assert c.get(_url(w)).status_code == 403
        assert c.post(_url(w), data).status_code == 403
    # A mention of another signal through this signal's URL: 404.
    other = signal_in_research({"walker": w["walker"]}, {"bsn": w["persoon"].bsn, "kvk": w["company"].kvk_nummer,
                                                          "unknown_bsn": "999999990"})
    url = reverse("registries:koppelen", args=[w["signal"].reference, other.subjects.first().pk])
    assert _client(client, w["regisseur"]).get(url).status_code == 404
    assert not LinkJudgement.objects.exists()
    assert not ProcessingLogEntry.objects.filter(**SEARCHED, user_id__in=[w["analist"].pk, w["fg"].pk]).exists()


def test_a_person_known_by_name_and_birth_date_is_linked_after_the_brp_pc1(world, client):
    w = world
    signal, persoon, known, invented = signal_with_named_people(w)
    url = reverse("registries:koppelen", args=[signal.reference, known.pk])
    c = _client(client, w["regisseur"])
    # Without PC1: no candidates on the page, and the service refuses a judgement all the same.
    assert "voor de bron BRP" in c.get(url).content.decode()
    with pytest.raises(linking.SourceResearchNeeded, match="goedgekeurde privacytoets 1"):
        linking.confirm_link(w["regisseur"], known, persoon.bsn)
    refused = c.post(url, {"entity_key": persoon.bsn, "verdict": "bevestigd"})
    assert refused.status_code == 422 and not LinkJudgement.objects.exists()
    item = research.request_sources(w["regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [known.pk, invented.pk], "Bestaan deze personen in de BRP?")[0]
    research.decide_pc1(w["pf"], item, pc1())
    assert item.hits.get(subject=known).hit is True
    # Hit/no-hit only until details are approved (issue 13 finding 1), then the candidates.
    response = c.get(url)
    assert response.context["rows"] == [] and persoon.bsn not in response.content.decode()
    assert persoon.naam not in response.content.decode()
    with pytest.raises(linking.DetailsNeeded, match="Er is niets vastgelegd"):
        linking.confirm_link(w["regisseur"], known, persoon.bsn)
    _details(w, item, known)
    response = c.get(url)
    rows = response.context["rows"]
    assert rows and rows[0][0].key == persoon.bsn and response.context["blocked"] == ""
    assert c.post(url, {"entity_key": persoon.bsn, "verdict": "bevestigd"}).status_code == 302
    assert selectors.confirmed_link(known).entity_key == persoon.bsn
    # The invented person may be searched too, but nothing is proposed.
    assert selectors.link_candidates(w["regisseur"], invented).hit is False


def test_services_refuse_judgements_without_an_approved_pc1(world):
    w = world
    with pytest.raises(linking.SourceResearchNeeded, match="Er is niets vastgelegd"):
        linking.confirm_link(w["regisseur"], w["mention"], w["persoon"].bsn)
    item = research.request_sources(w["regisseur"], w["signal"], [Source.objects.get(code="BRP")],
                                    [w["mention"].pk], "Is dit de genoemde betrokkene?")[0]
    research.decide_pc1(w["pf"], item, pc1("geweigerd"))  # refused: still no linking
    with pytest.raises(linking.SourceResearchNeeded):
        linking.reject_link(w["regisseur"], w["mention"], w["persoon"].bsn, "Niet dezelfde.")
    with pytest.raises(linking.SourceResearchNeeded, match="voor de bron NHR"):
        linking.confirm_link(w["regisseur"], w["company"], w["company"].kvk_nummer)
    assert not LinkJudgement.objects.exists()
