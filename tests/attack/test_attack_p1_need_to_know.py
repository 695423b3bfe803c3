"""P1 need to know, attacked role by role and after state changes (issue 13).

An attacker with one staff role and no involvement swaps the kenmerken and ids of objects they may
not see into every detail URL and API endpoint (signals, casussen, casusoverleggen, releases,
interventions, source requests, linking pages, network exports, inzageverzoeken, destruction lists):
each answers 404 or the page rule's refusal (403), and the body names nothing of the object. Then
pages reached after a state change: the teamlid who decided W3 after the signal joined a casus they
are not on (finding 3), a member removed from the casus team, a participant after the casus closed
or the release expired, an uitvoerder after the intervention ended.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import (
    SECRET_NAME,
    new_signal,
    open_inzage_request,
    pc1,
    release,
    run_to_uitvoering,
    subject_key,
    to_research,
    weging,
)
from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.cases import services as cases
from meldpunt.cases.models import Casus, Intervention, Meeting, ReleaseRequest
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.registries.models import Persoon
from test_retention_support import due_signal

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

STAFF_ROLES = [role for role in Role if role != Role.AUDITOR] + [Role.AUDITOR]
# Rules whose pages show every object of their kind to each holder of the role, by design (the
# privacyfunctionaris decides every PC1 and release and handles every inzageverzoek; the archivaris and
# FG review every destruction list): there an uninvolved holder is not an attacker.
QUEUE_WIDE_RULES = frozenset({"bron_besluiten", "vrijgave_besluiten", "inzage", "inzage_toezicht",
                              "bewaartermijnen", "bewaartermijnen_inzien"})
REFUSED = (403, 404)


def _bsn():
    """A BSN the BRP knows, so that the source request gets a hit and a details request."""
    return Persoon.objects.order_by("pk").first().bsn


@pytest.fixture
def world(make_user, settings):
    """One of everything, none of it involving the attackers: a signal that went through source research
    (PC1, hit, details request) into a casus in uitvoering with a casusoverleg, a PC2A release, an
    intervention with its PC2B; an inzageverzoek; a destruction list."""
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    deelnemer, uitvoerder = make_user("deelnemer"), make_user("uitvoerder")
    bsn = _bsn()
    signal = to_research(regie, new_signal(regie, SECRET_NAME, bsn))
    mention = signal.subjects.get()
    item = research.request_sources(regie, signal, [Source.objects.get(code="BRP")], [mention.pk], "Wie woont er?")[0]
    research.decide_pc1(pf, item, pc1())
    hit = item.hits.get()
    assert hit.hit is True
    details = research.decide_details(
        pf, research.request_details(regie, hit, ["geboorte.datum"], "Leeftijd nodig."), pc1())
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    action = run_to_uitvoering(regie, pf, casus, deelnemer, uitvoerder)
    meeting = Meeting.objects.get(agenda__casus=casus)
    agenda_item = meeting.agenda.get()
    seat = meeting.participants.get()
    pc2a = ReleaseRequest.objects.filter(casus=casus).order_by("pk").first()
    inzage = open_inzage_request(bsn, pf)
    archivaris = make_user("archivaris")
    due_signal(make_user("beoordelaar", "regisseur", "teamlid"))
    from meldpunt.privacy.retention import services as retention

    destruction_list = retention.compose(archivaris, "Lijst P1-aanval")
    signal.refresh_from_db()
    return {
        "regie": regie, "pf": pf, "deelnemer": deelnemer, "uitvoerder": uitvoerder, "signal": signal,
        "mention": mention, "casus": casus, "action": action, "meeting": meeting, "item": agenda_item,
        "seat": seat, "pc2a": pc2a, "source_request": item, "hit": hit, "details": details, "inzage": inzage,
        "destruction_list": destruction_list, "bsn": bsn,
        "secrets": [signal.reference, casus.reference, SECRET_NAME, bsn],
    }


def _targets(w):
    """(url name, kwargs) of every detail page and API endpoint, filled with the world's real ids."""
    s, c, m = w["signal"].reference, w["casus"].reference, w["meeting"].pk
    inzage = w["inzage"]
    inzage_item = inzage.items.order_by("pk").first()
    targets = [
        *((name, {"reference": s}) for name in ("protocol:signaal", "protocol:stap1", "protocol:stap2",
                                               "protocol:doorzenden", "protocol:versleuteld", "protocol:overgang",
                                               "protocol:bronnen_aanvragen")),
        ("protocol:bron_opnieuw", {"reference": s, "pk": w["source_request"].pk}),
        ("protocol:details_aanvragen", {"reference": s, "hit_id": w["hit"].pk}),
        ("protocol:bron_details", {"reference": s, "pk": w["details"].pk}),
        ("protocol:bron_pc1", {"pk": w["source_request"].pk}),
        ("protocol:bron_details_besluit", {"pk": w["details"].pk}),
        ("protocol:bevraging_beantwoorden", {"pk": w["hit"].pk}),
        ("protocol:gegevens_leveren", {"pk": w["details"].pk}),
        ("registries:koppelen", {"reference": s, "mention_id": w["mention"].pk}),
        *((name, {"kenmerk": s}) for name in ("api:signaal-detail", "api:signaal-wegingen", "api:signaal-overgangen",
                                             "api:signaal-doorzendingen", "api:signaal-versleuteld-inzien")),
        *((name, {"reference": c}) for name in ("cases:casus", "cases:overgang", "cases:netwerk", "cases:netwerk_ftm",
                                               "cases:netwerk_gexf", "cases:regie", "cases:team", "cases:koppelen",
                                               "cases:afsluiten", "cases:heropenen", "cases:interventie_nieuw")),
        ("cases:interventie_vrijgave", {"reference": c, "pk": w["action"].pk}),
        ("api:casus", {"kenmerk": c}),
        *((name, {"pk": m}) for name in ("cases:overleg", "cases:agenderen", "cases:uitnodigen", "cases:aanwezigheid",
                                        "cases:mijn_agenda_pdf")),
        ("cases:verslag", {"pk": m, "item_pk": w["item"].pk}),
        ("cases:vrijgave_vragen", {"pk": m, "item_pk": w["item"].pk, "participant_pk": w["seat"].pk}),
        ("cases:agenda_pdf", {"pk": m, "participant_pk": w["seat"].pk}),
        ("cases:vrijgave_besluiten", {"pk": w["pc2a"].pk}),
        ("cases:actie", {"pk": w["action"].pk}),
        *((name, {"pk": w["destruction_list"].pk}) for name in ("retention:lijst", "retention:beoordelen",
                                                                "retention:annuleren", "retention:uitvoeren")),
        *((name, {"reference": inzage.reference}) for name in (
            "inzage:verzoek", "inzage:zoeken", "inzage:verlengen", "inzage:afhandelen", "inzage:pakket_json",
            "inzage:pakket_pdf", "inzage:pakket_maken", "inzage:toezicht_verzoek")),
    ]
    if inzage_item is not None:
        targets += [("inzage:besluit", {"reference": inzage.reference, "item_id": inzage_item.pk}),
                    ("inzage:herbeoordeling", {"item_id": inzage_item.pk})]
    return targets


def _rule(url_name: str) -> str:
    from urlwalk import routes

    route = next(r for r in routes() if r.name == url_name)
    (rules,) = set(route.declared_rules().values())
    return rules[0]


def _assert_refused(client, url, secrets, who):
    response = client.get(url)
    if response.status_code == 405:  # a POST-only view: the attacker posts instead
        response = client.post(url, {})
    body = response.content.decode(errors="replace")
    assert response.status_code in REFUSED, f"{who} opened {url}: {response.status_code}"
    leaked = [secret for secret in secrets if secret in body]
    assert not leaked, f"{who} read {leaked} in the refusal of {url}"


@pytest.mark.parametrize("role", STAFF_ROLES, ids=[r.value for r in STAFF_ROLES])
def test_every_role_swapping_in_ids_of_objects_it_may_not_see_gets_404_or_403(role, world, make_user, client):
    attacker = make_user(role.value)
    client.force_login(attacker)
    checked = 0
    for name, kwargs in _targets(world):
        rule = _rule(name)
        if rule in QUEUE_WIDE_RULES and policy.may_open(attacker, rule):
            continue  # every holder of the role handles these: not an attack
        url = reverse(name, kwargs=kwargs)
        _assert_refused(client, url, world["secrets"], role.value)
        checked += 1
    assert checked >= 40


def _signal_after_w3_by(teamlid, make_user):
    """A signal whose W3 the (pure) teamlid decided (so it is assigned to them), then W4 'casus' by a
    regisseur who is not on any team: the casus has a lead and no team."""
    beoordelaar, regisseur = make_user("beoordelaar"), make_user("regisseur")
    signal = new_signal(beoordelaar, SECRET_NAME, _bsn())
    protocol.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    protocol.decide(teamlid, signal, [weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    assert signal.assigned_to == teamlid
    return signal, regisseur


def _signal_surfaces(client, signal, mention):
    """Every way to read a signal: page, timeline, steps, sealed content, linking, API detail and
    timeline, and the lists (werkvoorraad, search, CSV export, API list and map)."""
    ref = signal.reference
    return {
        "pages": [reverse("protocol:signaal", args=[ref]), reverse("protocol:stap2", args=[ref]),
                  reverse("protocol:versleuteld", args=[ref]), reverse("protocol:bronnen_aanvragen", args=[ref]),
                  reverse("registries:koppelen", args=[ref, mention.pk]), f"/api/v1/signalen/{ref}",
                  f"/api/v1/signalen/{ref}/wegingen", f"/api/v1/signalen/{ref}/overgangen",
                  f"/api/v1/signalen/{ref}/doorzendingen", f"/api/v1/signalen/{ref}/versleuteld-inzien"],
        "lists": [reverse("web:werkvoorraad"), f"{reverse('web:werkvoorraad')}?text={ref}",
                  reverse("web:werkvoorraad_export"), f"{reverse('web:werkvoorraad_export')}?text={ref}",
                  "/api/v1/signalen", f"/api/v1/signalen?kenmerk={ref}", "/api/v1/signalen/kaart"],
    }


def test_the_teamlid_who_decided_w3_reads_nothing_once_the_signal_is_in_a_casus_they_are_not_on(make_user, client):
    teamlid = make_user("teamlid")
    signal, regisseur = _signal_after_w3_by(teamlid, make_user)
    mention = signal.subjects.get()
    client.force_login(teamlid)
    assert client.get(reverse("protocol:signaal", args=[signal.reference])).status_code == 200  # step 3: theirs
    protocol.decide(regisseur, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    assert casus.lead == regisseur and not casus.team.filter(pk=teamlid.pk).exists()
    surfaces = _signal_surfaces(client, signal, mention)
    secrets = [signal.reference, SECRET_NAME, mention.bsn, casus.reference]
    for url in surfaces["pages"] + [reverse("cases:casus", args=[casus.reference]),
                                    reverse("cases:netwerk", args=[casus.reference]),
                                    reverse("cases:netwerk_ftm", args=[casus.reference]),
                                    f"/api/v1/casussen/{casus.reference}"]:
        _assert_refused(client, url, secrets, "teamlid na W3")
    for url in surfaces["lists"]:
        response = client.get(url)
        body = response.content.decode()
        # A search page repeats the typed kenmerk in its form: there the link to the signal must not show.
        marker = f"/signalen/{signal.reference}/" if "text/html" in response["Content-Type"] else signal.reference
        assert response.status_code == 200 and marker not in body and SECRET_NAME not in body, url
    assert not policy.may_read_signal(teamlid, signal)
    # Joining the casus team gives the signal back, through the casus.
    cases.set_team(regisseur, casus, [teamlid])
    assert client.get(reverse("protocol:signaal", args=[signal.reference])).status_code == 200


def test_sealed_content_related_items_and_the_network_refuse_the_former_assignee(make_user, client):
    """Opening sealed content, related items seen from another signal the teamlid still works on, and
    the casus network: after the signal joined a casus they are not on, none of them gives it away."""
    from meldpunt.protocol import sealing
    from meldpunt.protocol.services import NotAllowed
    from meldpunt.registries import related

    teamlid = make_user("teamlid")
    signal, regisseur = _signal_after_w3_by(teamlid, make_user)
    bsn = signal.subjects.get().bsn
    # Another signal about the same person, still in the team's step: the teamlid reads that one.
    beoordelaar = make_user("beoordelaar")
    other = new_signal(beoordelaar, "Zelfde Persoon", bsn)
    protocol.decide(beoordelaar, other, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    assert policy.may_read_signal(teamlid, other)
    assert signal in related.other_signals(teamlid, other)  # before W4: a related signal of theirs
    protocol.decide(regisseur, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    assert signal not in related.other_signals(teamlid, other)
    found = related.related_for_signal(teamlid, other)
    assert signal.pk not in {s.pk for s in getattr(found, "signals", [])}
    client.force_login(teamlid)
    page = client.get(reverse("protocol:signaal", args=[other.reference])).content.decode()
    assert signal.reference not in page and casus.reference not in page
    with pytest.raises(NotAllowed):
        sealing.reveal(teamlid, signal, "Ik wil het toch nog even nalezen.")
    _assert_refused(client, reverse("protocol:versleuteld", args=[signal.reference]),
                    [signal.reference, SECRET_NAME, bsn], "teamlid na W3")
    _assert_refused(client, reverse("cases:netwerk_gexf", args=[casus.reference]),
                    [signal.reference, SECRET_NAME, bsn], "teamlid na W3")


def test_a_member_removed_from_the_casus_team_reads_nothing_of_it(make_user, client):
    regisseur, member = make_user("regisseur", "teamlid", "beoordelaar"), make_user("teamlid")
    signal = to_research(regisseur, new_signal(regisseur, SECRET_NAME, _bsn()))
    protocol.decide(regisseur, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    cases.set_team(regisseur, casus, [member])
    client.force_login(member)
    assert client.get(reverse("cases:casus", args=[casus.reference])).status_code == 200
    cases.set_team(regisseur, casus, [])
    secrets = [casus.reference, signal.reference, SECRET_NAME, signal.subjects.get().bsn]
    for url in [reverse("cases:casus", args=[casus.reference]), reverse("cases:netwerk", args=[casus.reference]),
                reverse("cases:netwerk_ftm", args=[casus.reference]),
                reverse("cases:netwerk_gexf", args=[casus.reference]), f"/api/v1/casussen/{casus.reference}",
                reverse("protocol:signaal", args=[signal.reference]), f"/api/v1/signalen/{signal.reference}"]:
        _assert_refused(client, url, secrets, "oud teamlid")
    for url in [reverse("cases:casussen"), "/api/v1/casussen", reverse("web:werkvoorraad")]:
        body = client.get(url).content.decode()
        assert casus.reference not in body and signal.reference not in body, url


@pytest.fixture
def released(make_user):
    """A casus in uitvoering whose participant was given the subject (PC2A) and whose uitvoerder the
    location (PC2B)."""
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    deelnemer, uitvoerder = make_user("deelnemer"), make_user("uitvoerder")
    signal = to_research(regie, new_signal(regie, SECRET_NAME, _bsn()))
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    action = run_to_uitvoering(regie, pf, casus, deelnemer, uitvoerder)
    meeting = Meeting.objects.get(agenda__casus=casus)
    release(regie, pf, meeting.agenda.get(), meeting.participants.get(), [subject_key(casus)])
    return {"casus": casus, "meeting": meeting, "deelnemer": deelnemer, "uitvoerder": uitvoerder, "action": action,
            "bsn": signal.subjects.get().bsn}


def _participant_reads(client, w):
    client.force_login(w["deelnemer"])
    page = client.get(reverse("web:mijn_casussen")).content.decode()
    api = json.dumps(client.get("/api/v1/mijn-casussen").json())
    pdf = client.get(reverse("cases:mijn_agenda_pdf", args=[w["meeting"].pk]))
    return page + api, pdf


def test_a_participant_reads_nothing_of_a_casus_once_it_is_closed(released, client):
    w = released
    before, _pdf = _participant_reads(client, w)
    assert SECRET_NAME in before  # released: the participant reads it while the casus runs
    Casus.objects.filter(pk=w["casus"].pk).update(state="afgesloten")
    after, pdf = _participant_reads(client, w)
    assert SECRET_NAME not in after and w["bsn"] not in after
    assert pdf.status_code == 404 or SECRET_NAME.encode() not in pdf.content


def test_a_participant_reads_nothing_once_the_release_expired(released, client, settings):
    w = released
    days = settings.MELDPUNT_RELEASE_VISIBLE_DAYS
    Meeting.objects.filter(pk=w["meeting"].pk).update(starts_at=timezone.now() - timedelta(days=days - 1),
                                                      state="gehouden")
    assert SECRET_NAME in _participant_reads(client, w)[0]  # still within the window
    Meeting.objects.filter(pk=w["meeting"].pk).update(starts_at=timezone.now() - timedelta(days=days + 1))
    after, pdf = _participant_reads(client, w)
    assert SECRET_NAME not in after and w["bsn"] not in after and w["casus"].reference not in after
    assert pdf.status_code == 404


def test_an_uitvoerder_reads_nothing_released_once_the_intervention_ended(released, client, settings):
    w = released
    from meldpunt.cases import selectors

    location = selectors.action_of(w["uitvoerder"], w["action"].pk).content
    assert not location.empty
    client.force_login(w["uitvoerder"])
    url = reverse("cases:actie", args=[w["action"].pk])
    days = settings.MELDPUNT_RELEASE_VISIBLE_DAYS
    Intervention.objects.filter(pk=w["action"].pk).update(status="afgerond",
                                                          finished_at=timezone.now() - timedelta(days=days + 1))
    page = client.get(url).content.decode() + json.dumps(client.get("/api/v1/mijn-acties").json())
    signal = w["casus"].signal_links.get().signal
    shown = [str(signal.address)] if signal.address_id else []
    assert not [text for text in shown + [SECRET_NAME, w["bsn"]] if text in page]
    assert selectors.action_of(w["uitvoerder"], w["action"].pk).content.empty
