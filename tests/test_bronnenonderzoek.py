"""Bronnenonderzoek (design §3, step 3): four-eyes on privacy check 1 and on opening details,
hit/no-hit only until details are approved, only the approved fields, the bronhouder's answers,
weging 4 refused while requests are open, and Dutch errors that change nothing (P8)."""

import pytest
from django.urls import reverse

from factories import (
    COMPATIBILITY,
    brp_request,
    mention,
    pc1,
    research_weging,
    signal_in_research,
    signal_with_named_people,
)
from meldpunt.accounts.roles import Role
from meldpunt.core.datums import format_date
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services
from meldpunt.protocol.models import Weging
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import HitResult, Source, SourceRequest
from meldpunt.protocol.services import NotAllowed, ProtocolError
from meldpunt.registries import connectors as registry_errors
from meldpunt.registries.connectors.local import LOCAL_CONNECTORS
from meldpunt.registries.models import Onderneming, Persoon

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "walker": make_user(*[r.value for r in Role]),
        "regisseur": make_user("regisseur"),
        "regisseur2": make_user("regisseur"),
        "pf": make_user("privacyfunctionaris"),
        "pf_regisseur": make_user("privacyfunctionaris", "regisseur"),
        "bronhouder": make_user("bronhouder"),
        "other_bronhouder": make_user("bronhouder"),
        "teamlid": make_user("teamlid"),
    }


@pytest.fixture
def demo():
    persoon = Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()
    onderneming = Onderneming.objects.order_by("pk").first()
    return {"bsn": persoon.bsn, "kvk": onderneming.kvk_nummer, "unknown_bsn": "999999990"}


@pytest.fixture
def spy(monkeypatch):
    """Record every connector call (hit and details) without changing what it answers."""
    calls = []
    for source, conn in LOCAL_CONNECTORS.items():
        for name in ("hit", "details"):
            original = getattr(conn, name)

            def wrapper(*args, _original=original, _name=name, _source=source, **kwargs):
                calls.append((_source, _name, args, kwargs))
                return _original(*args, **kwargs)

            monkeypatch.setattr(conn, name, wrapper)
    return calls


def test_the_catalogue_is_seeded_with_and_without_connectors():
    codes = dict(Source.objects.values_list("code", "connector"))
    assert {"BRP", "BAG", "NHR", "WOZ", "VERGUNNINGEN", "SOCIAAL_DOMEIN", "VTH_DOSSIERS"} <= set(codes)
    assert codes["SOCIAAL_DOMEIN"] == "" and codes["VTH_DOSSIERS"] == "" and codes["BRP"] == "BRP"


def test_four_eyes_on_pc1_and_nothing_is_asked_before_it(people, demo, spy):
    signal = signal_in_research(people, demo)
    # The person with both roles asks; as privacyfunctionaris they may not decide their own request.
    item = research.request_sources(people["pf_regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [mention(signal, bsn=demo["bsn"]).pk], "Woont de persoon hier?")[0]
    assert item.state == "aangevraagd" and not item.hits.exists() and spy == []
    with pytest.raises(NotAllowed, match="eigen verzoek"):
        research.decide_pc1(people["pf_regisseur"], item, pc1())
    with pytest.raises(NotAllowed, match="privacyfunctionaris"):
        research.decide_pc1(people["regisseur2"], item, pc1())
    item.refresh_from_db()
    assert item.state == "aangevraagd" and item.weging is None and spy == []
    assert not Weging.objects.filter(signal=signal, type="PC1").exists()
    # Own requests do not even show on the te-beoordelen page of the person who asked.
    from meldpunt.protocol.research import selectors as research_selectors

    assert not research_selectors.pending_pc1(people["pf_regisseur"]).filter(pk=item.pk).exists()
    assert research_selectors.pending_pc1(people["pf"]).filter(pk=item.pk).exists()


def test_pc1_needs_its_content_and_errors_change_nothing(people, demo, spy):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    incomplete = pc1(primary_basis="", compatibility={"a_verband": "ja"}, subsidiarity="")
    with pytest.raises(ProtocolError) as refused:
        research.decide_pc1(people["pf"], item, incomplete)
    text = " ".join(refused.value.messages)
    assert "oorspronkelijke grondslag" in text and "art. 6 lid 4" in text and "subsidiariteit" in text
    assert "e. Passende waarborgen" in text and "a. Verband" not in text
    item.refresh_from_db()
    assert item.state == "aangevraagd" and not Weging.objects.filter(signal=signal, type="PC1").exists()
    assert not HitResult.objects.filter(request=item).exists() and spy == []


def test_hit_no_hit_through_the_local_connector(people, demo, spy):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    before = ProcessingLogEntry.objects.filter(activity_code="bronnenonderzoek").count()
    research.decide_pc1(people["pf"], item, pc1())
    item.refresh_from_db()
    weging = item.weging
    assert item.state == "toegestaan" and weging.type == "PC1" and weging.decided_by == people["pf"]
    assert weging.primary_basis == "Wet BRP art. 3.2" and set(weging.compatibility) == set(COMPATIBILITY)
    answers = {h.subject.bsn: h.hit for h in item.hits.select_related("subject")}
    assert answers == {demo["bsn"]: True, demo["unknown_bsn"]: False}
    assert all(h.answered_by_connector for h in item.hits.all())
    # Only hit/no-hit was asked of the registry: never details.
    assert {(source, name) for source, name, _a, _k in spy} == {("BRP", "hit")}
    assert ProcessingLogEntry.objects.filter(activity_code="bronnenonderzoek").count() > before


def test_details_never_fetched_or_shown_without_approval(people, demo, spy, client):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    research.decide_pc1(people["pf"], item, pc1())
    hit = item.hits.get(subject__bsn=demo["bsn"])
    no_hit = item.hits.get(subject__bsn=demo["unknown_bsn"])
    with pytest.raises(ProtocolError, match="alleen bij een hit"):
        research.request_details(people["regisseur"], no_hit, ["naam.geslachtsnaam"], "Naam nodig")
    with pytest.raises(ProtocolError, match="levert deze gegevens niet"):
        research.request_details(people["regisseur"], hit, ["nationaliteit"], "Nodig")
    detail = research.request_details(people["regisseur"], hit, ["naam.geslachtsnaam", "geboorte.datum"],
                                      "Controleren of het de genoemde persoon is.")
    client.force_login(people["regisseur"])
    url = reverse("protocol:bron_details", args=[signal.reference, detail.pk])
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Details openen" not in page and url not in page
    assert client.get(url).status_code == 404
    assert not [c for c in spy if c[1] == "details"]
    # Denied: still nothing.
    research.decide_details(people["pf"], detail, pc1("geweigerd"))
    assert client.get(url).status_code == 404
    assert not [c for c in spy if c[1] == "details"]
    persoon = Persoon.objects.get(bsn=demo["bsn"])
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert persoon.geslachtsnaam not in page


def test_only_the_approved_fields_and_each_opening_logged(people, demo, spy, client):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    research.decide_pc1(people["pf"], item, pc1())
    hit = item.hits.get(subject__bsn=demo["bsn"])
    detail = research.request_details(people["regisseur"], hit, ["naam.geslachtsnaam", "geboorte.datum"],
                                      "Controleren of het de genoemde persoon is.")
    with pytest.raises(NotAllowed):
        research.decide_details(people["regisseur"], detail, pc1("toegestaan"))
    with pytest.raises(ProtocolError, match="alleen gegevens goedkeuren die zijn gevraagd"):
        research.decide_details(people["pf"], detail, pc1("toegestaan",
                                                          approved_fields=["verblijfplaats.adres"]))
    detail.refresh_from_db()
    assert detail.state == "aangevraagd" and detail.approved_fields == []
    research.decide_details(people["pf"], detail, pc1("toegestaan", approved_fields=["geboorte.datum"],
                                                      primary_basis="", compatibility={}))
    detail.refresh_from_db()
    assert detail.state == "toegestaan" and detail.approved_fields == ["geboorte.datum"]
    assert detail.weging.type == "PC1" and detail.weging.primary_basis == "Wet BRP art. 3.2"
    persoon = Persoon.objects.get(bsn=demo["bsn"])
    client.force_login(people["regisseur"])
    url = reverse("protocol:bron_details", args=[signal.reference, detail.pk])
    assert url in client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    before = ProcessingLogEntry.objects.filter(action="details_inzien").count()
    page = client.get(url).content.decode()
    assert format_date(persoon.geboortedatum) in page and persoon.geslachtsnaam not in page
    details_calls = [c for c in spy if c[1] == "details"]
    assert len(details_calls) == 1 and list(details_calls[0][2][1]) == ["geboorte.datum"]
    client.get(url)
    assert ProcessingLogEntry.objects.filter(action="details_inzien").count() == before + 2
    # Another regisseur who neither asked nor leads the signal does not see them.
    client.force_login(people["regisseur2"])
    assert client.get(url).status_code == 404
    assert len([c for c in spy if c[1] == "details"]) == 2  # the refused reader caused no fetch


def test_bronhouder_answers_for_a_source_without_connector(people, demo, client):
    signal = signal_in_research(people, demo)
    source = Source.objects.get(code="SOCIAAL_DOMEIN")
    source.bronhouders.add(people["bronhouder"])
    item = research.request_sources(people["regisseur"], signal, [source], [mention(signal, bsn=demo["bsn"]).pk],
                                    "Uitkering op dit adres?")[0]
    research.decide_pc1(people["pf"], item, pc1(art9_data=True, special_data_basis="UAVG art. 30"))
    hit = item.hits.get()
    assert hit.hit is None
    # The bronhouder sees the question only: the number, never the signal.
    client.force_login(people["bronhouder"])
    page = client.get(reverse("web:bevragingen")).content.decode()
    assert demo["bsn"] in page and signal.reference not in page and "A. Bewoner" not in page
    assert "Drukte bij een pand" not in page
    assert client.get(reverse("protocol:signaal", args=[signal.reference])).status_code == 403
    # A bronhouder of another source cannot answer; nothing changes.
    with pytest.raises(NotAllowed):
        research.answer_hit(people["other_bronhouder"], hit, True)
    hit.refresh_from_db()
    assert hit.hit is None
    # W4 is refused while the answer is open.
    assert any("hit/no-hit" in p for p in research.open_problems(signal))
    client.post(reverse("protocol:bevraging_beantwoorden", args=[hit.pk]), {"answer": "hit"})
    hit.refresh_from_db()
    assert hit.hit is True and hit.answered_by == people["bronhouder"] and not hit.answered_by_connector
    with pytest.raises(ProtocolError, match="al beantwoord"):
        research.answer_hit(people["bronhouder"], hit, False)
    # Details: requested, approved, supplied as text by the bronhouder, shown only approved.
    detail = research.request_details(people["regisseur"], hit, ["uitkering", "wmo_voorziening"], "Rechtmatigheid")
    assert client.get(reverse("protocol:gegevens_leveren", args=[detail.pk])).status_code == 302
    research.decide_details(people["pf"], detail, pc1("toegestaan", approved_fields=["uitkering"]))
    with pytest.raises(ProtocolError, match="alleen de goedgekeurde"):
        research.supply_details(people["bronhouder"], detail, {"uitkering": "ja", "wmo_voorziening": "nee"})
    response = client.post(reverse("protocol:gegevens_leveren", args=[detail.pk]), {"uitkering": "Bijstand sinds 2024"})
    assert response.status_code == 302
    detail.refresh_from_db()
    assert detail.supplied == {"uitkering": "Bijstand sinds 2024"} and detail.supplied_by == people["bronhouder"]
    client.force_login(people["regisseur"])
    page = client.get(reverse("protocol:bron_details", args=[signal.reference, detail.pk])).content.decode()
    assert "Bijstand sinds 2024" in page


def test_w4_refused_while_requests_are_open(people, demo):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    team = people["teamlid"]
    with pytest.raises(ProtocolError, match="Privacytoets 1 voor de bron BRP"):
        services.decide(team, signal, [research_weging("W4", "casus")], "hits_casus")
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek" and not Weging.objects.filter(signal=signal, type="W4").exists()
    research.decide_pc1(people["pf"], item, pc1("geweigerd"))
    # A denied request is decided: nothing to wait for; W4 may follow.
    services.decide(team, signal, [research_weging("W4", "geen_hit")], "hits_geen_hit")
    signal.refresh_from_db()
    assert signal.state == "niet_in_behandeling"


def test_joining_a_casus_waits_for_open_requests_too(people, demo):
    """Linking a signal to a casus is its W4 on the casus: the same open requests block it."""
    from meldpunt.cases import services as case_services
    from meldpunt.cases.models import Casus

    first = signal_in_research(people, demo)
    services.decide(people["regisseur"], first, [research_weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=first)
    second = signal_in_research(people, demo)
    brp_request(people, demo, second)
    with pytest.raises(ProtocolError, match="Privacytoets 1 voor de bron BRP"):
        case_services.link_signal(people["regisseur"], casus, second, research_weging("W4", "casus"))
    second.refresh_from_db()
    assert second.state == "bronnenonderzoek" and casus.signal_links.count() == 1


def test_w4_without_source_requests_stays_allowed(people, demo):
    """Documented choice (ADR 0015): no source was asked, so nothing is open."""
    signal = signal_in_research(people, demo)
    assert research.open_problems(signal) == []
    services.decide(people["teamlid"], signal, [research_weging("W4", "afdeling")], "hits_afdeling")
    signal.refresh_from_db()
    assert signal.state == "afdeling_regie"


def test_request_errors_are_dutch_and_change_nothing(people, demo):
    signal = signal_in_research(people, demo)
    woz = Source.objects.get(code="WOZ")
    with pytest.raises(ProtocolError) as refused:
        research.request_sources(people["regisseur"], signal, [woz], [mention(signal, bsn=demo["bsn"]).pk], " ")
    assert "doel" in " ".join(refused.value.messages) and "zegt niets over een persoon" in " ".join(
        refused.value.messages)
    with pytest.raises(NotAllowed, match="regisseur"):
        research.request_sources(people["teamlid"], signal, [woz], [mention(signal, bsn=demo["bsn"]).pk], "doel")
    with pytest.raises(ProtocolError, match="betrokkene van dit signaal"):
        research.request_sources(people["regisseur"], signal, [woz], [999999999], "doel")
    assert not SourceRequest.objects.filter(signal=signal).exists()
    brp_request(people, demo, signal)
    with pytest.raises(ProtocolError, match="al aangevraagd"):
        brp_request(people, demo, signal)
    assert SourceRequest.objects.filter(signal=signal).count() == 1


def test_policy_without_a_request_says_no(people):
    from meldpunt import policy

    assert not policy.may_read_registry_details(people["walker"])


def test_the_pc1_page_decides_and_the_section_lists_it(people, demo, client):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    client.force_login(people["pf"])
    page = client.get(reverse("web:te_beoordelen")).content.decode()
    assert "Bronnenonderzoek (privacytoets 1)" in page and reverse("protocol:bron_pc1", args=[item.pk]) in page
    form = client.get(reverse("protocol:bron_pc1", args=[item.pk])).content.decode()
    assert "Oorspronkelijke grondslag" in form and "Passende waarborgen" in form and "A. Bewoner" not in form
    data = {"decision": "toegestaan", "primary_basis": "Wet BRP art. 3.2", "reasoning": "Nodig.",
            "necessity": "n", "proportionality": "p", "subsidiarity": "s",
            "legal_basis": research.PC1_LEGAL_BASIS, **COMPATIBILITY}
    bad = client.post(reverse("protocol:bron_pc1", args=[item.pk]), {**data, "subsidiarity": ""})
    assert bad.status_code == 200 and "subsidiariteit" in bad.content.decode()
    item.refresh_from_db()
    assert item.state == "aangevraagd"
    assert client.post(reverse("protocol:bron_pc1", args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert item.state == "toegestaan"
    # The requester cannot open the decision page (four-eyes) nor decide through it.
    client.force_login(people["regisseur"])
    assert client.get(reverse("protocol:bron_pc1", args=[item.pk])).status_code == 403


def test_a_denied_source_is_never_asked(people, demo, spy):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    research.decide_pc1(people["pf"], item, pc1("geweigerd", primary_basis="", compatibility={}, necessity="",
                                                proportionality="", subsidiarity=""))
    item.refresh_from_db()
    assert item.state == "geweigerd" and item.weging.decision == "geweigerd"
    assert not item.hits.exists() and spy == []
    with pytest.raises(ProtocolError, match="al besloten"):
        research.decide_pc1(people["pf"], item, pc1())


def test_an_unreachable_connector_leaves_the_answer_open_until_asked_again(people, demo, monkeypatch, client):
    signal = signal_in_research(people, demo)
    item = brp_request(people, demo, signal)
    brp = LOCAL_CONNECTORS["BRP"]

    def down(subject):
        raise registry_errors.ConnectorError("De BRP is niet bereikbaar.")

    monkeypatch.setattr(brp, "hit", down)
    research.decide_pc1(people["pf"], item, pc1())
    assert set(item.hits.values_list("hit", flat=True)) == {None}
    assert any("hit/no-hit" in p for p in research.open_problems(signal))
    client.force_login(people["regisseur"])
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "De BRP is niet bereikbaar." in page and "opnieuw bevragen" in page
    monkeypatch.undo()
    client.post(reverse("protocol:bron_opnieuw", args=[signal.reference, item.pk]))
    assert {h.subject.bsn: h.hit for h in item.hits.select_related("subject")} == {
        demo["bsn"]: True, demo["unknown_bsn"]: False}
    assert research.open_problems(signal) == []


# ------------------------------------------------- persons known only by name and birth date


def test_a_person_known_by_name_and_birth_date_goes_to_the_brp_only(people, client):
    signal, _persoon, known, invented = signal_with_named_people(people)
    nameless_date = signal.subjects.get(name="Alleen Een Naam")
    for code in ("NHR", "SOCIAAL_DOMEIN"):
        with pytest.raises(ProtocolError, match="alleen een naam en geboortedatum: vraag daarvoor alleen de BRP"):
            research.request_sources(people["regisseur"], signal, [Source.objects.get(code=code)], [known.pk], "doel")
    with pytest.raises(ProtocolError, match="geen BSN, KvK-nummer of adres"):
        research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                                 [nameless_date.pk], "doel")  # a name alone is not enough
    assert not SourceRequest.objects.filter(signal=signal).exists()
    client.force_login(people["regisseur"])
    form = client.get(reverse("protocol:bronnen_aanvragen", args=[signal.reference])).context["form"]
    offered = {str(value) for value, _label in form.fields["subjects"].choices}
    assert {str(known.pk), str(invented.pk)} <= offered and str(nameless_date.pk) not in offered
    item = research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [known.pk, invented.pk], "Bestaan deze personen in de BRP?")[0]
    assert set(item.subjects.all()) == {known, invented}


def test_the_linker_answers_hit_or_no_hit_after_pc1_and_never_who(people, spy, client):
    signal, persoon, known, invented = signal_with_named_people(people)
    item = research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [known.pk, invented.pk], "Bestaan deze personen in de BRP?")[0]
    assert not item.hits.exists()  # nothing asked before privacy check 1
    research.decide_pc1(people["pf"], item, pc1())
    answers = {h.subject_id: h for h in item.hits.all()}
    assert answers[known.pk].hit is True and answers[invented.pk].hit is False
    assert all(h.answered_by_connector and h.answered_at and not h.answered_by for h in answers.values())
    assert not spy  # the connector had no BSN to be asked: the linker answered
    assert ProcessingLogEntry.objects.filter(action="hit_bevraagd", basis__contains="koppelen",
                                             object_id=str(signal.pk)).count() == 2
    client.force_login(people["regisseur"])
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "persoon (naam en geboortedatum, alleen BRP)" in page
    assert persoon.bsn not in page and persoon.geslachtsnaam not in page  # hit/no-hit only, never who
    # Who it is opens only through a details request for the BRP person fields (issue 13 finding 1),
    # shown on the linking page; nothing is fetched from the connector for it.
    with pytest.raises(ProtocolError, match="alleen bij een hit"):
        research.request_details(people["regisseur"], answers[invented.pk], ["naam.geslachtsnaam"], "Wie is het?")
    research.request_details(people["regisseur"], answers[known.pk], ["naam.geslachtsnaam"], "Wie is het?")
    assert answers[known.pk].detail_requests.get().state == "aangevraagd"
    assert not [c for c in spy if c[1] == "details"]
