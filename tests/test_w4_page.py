"""Weging 4 has a screen (issue 12): a signal in bronnenonderzoek is taken to casus, afdeling regie,
RIEC or niet in behandeling from its page, in Dutch words, through the same service as the API;
while a source request is open the page says why instead of offering a submit; bad input shows
at the field and changes nothing (P8). Also the small dead ends: the login page links to the
meldformulier, and no menu item answers 'Geen toegang'."""

import re

import pytest
from django.urls import reverse

from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.intake import services as intake
from meldpunt.protocol import services
from meldpunt.protocol.models import Destination, Forward, StateChange, Weging
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.protocol.services import WegingInput
from meldpunt.web import context_processors

pytestmark = pytest.mark.django_db

W1_CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["gelegenheid_zakelijk"]}
WAITING = "Privacytoets 1 voor de bron BRP (Basisregistratie Personen) is nog niet genomen."
OUTCOME_LABELS = ("Casus starten", "Afdeling regie", "Doorzetten naar het RIEC", "Niet in behandeling")


def _weging(kind, decision, **extra):
    values = {"purpose": "Bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e",
              "reasoning": "Zo gewogen."}
    if kind == "W1":
        values["checklist"] = W1_CHECKLIST
    if kind == "W3":
        values.update(necessity="nodig", proportionality="evenredig", subsidiarity="geen lichter middel")
    values.update(extra)
    return WegingInput(kind, decision, **values)


def _address():
    from meldpunt.registries.models import Nummeraanduiding

    return Nummeraanduiding.objects.order_by("pk").first().pk


@pytest.fixture
def people(make_user):
    return {"walker": make_user(*[r.value for r in Role]), "teamlid": make_user("teamlid"),
            "regisseur": make_user("regisseur"), "beoordelaar": make_user("beoordelaar")}


def signal_in_research(walker, bsn="999993653"):
    """A signal walked to 'bronnenonderzoek' by someone else than the people under test."""
    data = intake.SignalInput(
        channel="intern", description="Drukte bij een pand, wisselende bewoners.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=_address(),
        subjects=[intake.SubjectInput(kind="persoon", name="A. Bewoner", role="bewoner", bsn=bsn)])
    signal = intake.create_signal(data, user=walker)
    services.decide(walker, signal, [_weging("W1", "ja"), _weging("W2A", "ja"), _weging("W2B", "ja")],
                    "intake_doorzetten")
    services.decide(walker, signal, [_weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek"
    return signal


def _url(signal):
    return reverse("protocol:weging4", args=[signal.reference])


def _post(client, signal, decision, reasoning="De hits bevestigen het signaal.", follow=False, **extra):
    data = {"decision": decision, "reasoning": reasoning, "purpose": "Bestrijden van ondermijning",
            "legal_basis": "AVG art. 6 lid 1 sub e", **extra}
    return client.post(_url(signal), data, follow=follow)


def _rows(signal):
    return (Weging.objects.filter(signal=signal).count(), StateChange.objects.filter(signal=signal).count(),
            Forward.objects.filter(signal=signal).count(), CasusSignal.objects.filter(signal=signal).count(),
            Casus.objects.count())


def _text(response) -> str:
    """What a person reads: the page without tags and attribute values."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("who", ["teamlid", "regisseur"])
def test_the_signal_page_has_a_clear_button_to_weging_4(client, people, who):
    signal = signal_in_research(people["walker"])
    client.force_login(people[who])
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert f'href="{_url(signal)}"' in page
    assert "Weging 4: uitkomst bronnenonderzoek" in page


def test_no_weging_4_button_outside_bronnenonderzoek(client, people):
    signal = signal_in_research(people["walker"])
    services.decide(people["walker"], signal, [_weging("W4", "afdeling")], "hits_afdeling")
    client.force_login(people["regisseur"])
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert _url(signal) not in page
    # Opening the page anyway explains and changes nothing.
    response = client.get(_url(signal), follow=True)
    assert "Dit signaal wacht niet op weging 4." in response.content.decode()


def test_the_page_shows_the_outcomes_in_dutch_with_defaults(client, people):
    signal = signal_in_research(people["walker"])
    client.force_login(people["teamlid"])
    response = client.get(_url(signal))
    assert response.status_code == 200
    text = _text(response)
    for label in OUTCOME_LABELS:
        assert label in text
    for code in ("hits_", "geen_hit", "afdeling_regie", "doorgezet_riec"):
        assert code not in text
    page = response.content.decode()
    assert 'value="AVG art. 6 lid 1 sub e"' in page  # grondslag pre-filled
    # doel pre-filled from what the signal has: the purpose its earlier wegingen were written with
    assert 'value="Bestrijden van ondermijning"' in page
    assert "Weging 4 vastleggen" in page


@pytest.mark.parametrize("who", ["teamlid", "regisseur"])
def test_casus_starten_lands_on_the_new_casus(client, people, who):
    signal = signal_in_research(people["walker"])
    client.force_login(people[who])
    response = _post(client, signal, "casus")
    link = CasusSignal.objects.get(signal=signal)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:casus", args=[link.casus.reference])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"casus {link.casus.reference} is gestart uit signaal {signal.reference}" in page.content.decode()
    signal.refresh_from_db()
    assert signal.state == "casus"
    w4 = Weging.objects.get(signal=signal, type="W4")
    assert w4.decision == "casus" and w4.used_by is not None and link.weging == w4
    assert w4.decided_by == people[who]


@pytest.mark.parametrize(("decision", "state", "label"), [
    ("afdeling", "afdeling_regie", "Regie bij afdeling"), ("geen_hit", "niet_in_behandeling", "Niet in behandeling")])
@pytest.mark.parametrize("who", ["teamlid", "regisseur"])
def test_afdeling_regie_and_niet_in_behandeling(client, people, decision, state, label, who):
    signal = signal_in_research(people["walker"])
    client.force_login(people[who])
    response = _post(client, signal, decision, follow=True)
    signal.refresh_from_db()
    assert signal.state == state
    assert Weging.objects.get(signal=signal, type="W4").decision == decision
    assert not Forward.objects.filter(signal=signal).exists()
    # The regisseur still reads the signal and lands on it; the team member (the signal is assigned to
    # someone else) lands on the queue, which says where the signal went.
    landing = reverse("protocol:signaal", args=[signal.reference]) if who == "regisseur" else reverse(
        "web:werkvoorraad")
    assert response.redirect_chain[-1][0] == landing
    text = _text(response)
    assert "Weging 4 is vastgelegd." in text and label in text


def test_riec_records_the_doorzending_with_the_weging_in_one_step(client, people):
    signal = signal_in_research(people["walker"])
    riec = Destination.objects.get(code="riec")
    client.force_login(people["regisseur"])
    # The RIEC is pre-selected as destination.
    assert re.search(rf'<option value="{riec.pk}" selected>', client.get(_url(signal)).content.decode())
    response = _post(client, signal, "riec", **{"doorzending-destination": riec.pk,
                                                "doorzending-items": ["fenomeen", "locatie"]})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.state == "doorgezet_riec"
    sent = Forward.objects.get(signal=signal)
    assert sent.destination == riec and sent.items == ["fenomeen", "locatie"]
    assert sent.legal_basis == riec.default_legal_basis
    assert StateChange.objects.filter(signal=signal, transition="hits_riec").exists()


def test_riec_without_a_destination_changes_nothing(client, people):
    signal = signal_in_research(people["walker"])
    before = _rows(signal)
    client.force_login(people["regisseur"])
    response = _post(client, signal, "riec", **{"doorzending-destination": "", "doorzending-items": ["fenomeen"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "hoort een doorzending" in page
    assert re.search(r'id="id_doorzending-destination-fout">Kies een bestemming\.', page)
    assert _rows(signal) == before
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek"


@pytest.mark.parametrize("bad", [
    {"reasoning": ""}, {"reasoning": "   "}, {"decision": ""}, {"decision": "hits_casus"}, {"decision": "geen_actie"},
    {"legal_basis": ""}, {"purpose": ""}])
def test_bad_input_changes_nothing(client, people, bad):
    signal = signal_in_research(people["walker"])
    before = _rows(signal)
    client.force_login(people["teamlid"])
    data = {"decision": "casus", **bad}
    response = _post(client, signal, data.pop("decision"), **data)
    assert response.status_code == 200
    assert "Nog niet vastgelegd" in response.content.decode()
    assert _rows(signal) == before


def test_a_missing_reasoning_shows_at_the_field(client, people):
    signal = signal_in_research(people["walker"])
    client.force_login(people["teamlid"])
    page = _post(client, signal, "casus", reasoning="").content.decode()
    # The message stands inside the reasoning field's block, tied to the textarea for screen readers.
    field = re.search(r'<div class="utrecht-form-field utrecht-form-field--invalid">(.*?)</div>', page, re.S)
    assert field and 'for="id_reasoning"' in field.group(1)
    assert 'id="id_reasoning-fout">Motiveer het besluit: de motivering is verplicht.' in field.group(1)
    textarea = re.search(r"<textarea[^>]*id=\"id_reasoning\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="id_reasoning-fout"' in textarea
    # The chosen outcome is kept, so the user only adds the reasoning.
    assert re.search(r'<input[^>]*value="casus"[^>]*checked', page)


def test_an_open_source_request_shows_why_instead_of_the_submit(client, people):
    signal = signal_in_research(people["walker"])
    mention = signal.subjects.get(bsn="999993653")
    research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")], [mention.pk],
                             "Woont de persoon hier?")
    before = _rows(signal)
    client.force_login(people["teamlid"])
    page = client.get(_url(signal)).content.decode()
    assert "Weging 4 kan nog niet worden vastgelegd" in page
    assert WAITING in page
    assert "Weging 4 vastleggen" not in page and "<form method=\"post\" class=\"utrecht-form" not in page
    # Posting anyway (an old tab): refused with the same reason, nothing written.
    response = _post(client, signal, "casus")
    assert response.status_code == 200
    assert WAITING in response.content.decode()
    assert _rows(signal) == before


def test_decide_with_forward_is_all_or_nothing(people):
    """The doorzending is not left behind when the step is refused (one transaction, P8)."""
    signal = signal_in_research(people["walker"])
    mention = signal.subjects.get(bsn="999993653")
    research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")], [mention.pk],
                             "Woont de persoon hier?")
    sent = services.ForwardInput(Destination.objects.get(code="riec"), "AVG art. 6 lid 1 sub e", ["fenomeen"])
    with pytest.raises(services.ProtocolError, match="Privacytoets 1"):
        services.decide_with_forward(people["regisseur"], signal, [_weging("W4", "riec")], "hits_riec", sent)
    assert not Forward.objects.filter(signal=signal).exists()
    assert not Weging.objects.filter(signal=signal, type="W4").exists()
    # A doorzending with an outcome that sends nothing is refused, not silently recorded.
    with pytest.raises(services.ProtocolError, match="geen doorzending"):
        services.decide_with_forward(people["regisseur"], signal, [_weging("W4", "casus")], "hits_casus", sent)
    assert not Forward.objects.filter(signal=signal).exists()


def test_a_beoordelaar_cannot_open_weging_4(client, people):
    signal = signal_in_research(people["walker"])
    client.force_login(people["beoordelaar"])
    assert client.get(_url(signal)).status_code == 403
    assert _post(client, signal, "casus").status_code == 403
    assert signal.state == "bronnenonderzoek" and not Weging.objects.filter(signal=signal, type="W4").exists()


def test_a_team_member_without_involvement_gets_404(client, people, make_user):
    """A signal the user may not read answers 404 on the W4 page too (P1)."""
    signal = signal_in_research(people["walker"])
    services.decide(people["walker"], signal, [_weging("W4", "geen_hit")], "hits_geen_hit")
    client.force_login(make_user("teamlid"))
    assert client.get(_url(signal)).status_code == 404


def test_the_login_page_links_to_the_meldformulier(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("intake:melden")}">Iets melden? Ga naar het meldformulier</a>' in page


@pytest.mark.parametrize("roles", [[r.value] for r in Role] + [["regisseur", "teamlid"], ["fg", "archivaris"]])
def test_every_menu_item_opens(client, make_user, roles):
    user = make_user(*roles)
    client.force_login(user)
    items = client.get("/gebieden/").context["nav_items"]
    assert items, roles
    for item in items:
        assert client.get(item["url"]).status_code == 200, (roles, item)


def test_the_menu_leaves_out_an_item_whose_view_refuses_the_user(client, make_user, monkeypatch):
    """The menu reads the rule of the view behind each item: an item pointing at a page with a
    stricter rule than its own name is not offered."""
    teamlid = make_user("teamlid")
    client.force_login(teamlid)
    labels = [i["label"] for i in client.get("/gebieden/").context["nav_items"]]
    assert labels == ["Werkvoorraad", "Casussen", "Gebieden"]
    original = context_processors._target
    monkeypatch.setattr(context_processors, "_target",
                        lambda page: ("/casusoverleggen/", "casusoverleg") if page == "casussen" else original(page))
    labels = [i["label"] for i in client.get("/gebieden/").context["nav_items"]]
    assert labels == ["Werkvoorraad", "Gebieden"]
