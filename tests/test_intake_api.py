"""API v1 for signals and the protocol: every endpoint's happy path, access (P1), and P8 for every
channel — bad input gets a clear Dutch problem and changes nothing."""

import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from factories import resident_signal, weging
from meldpunt.accounts.roles import Role
from meldpunt.intake.models import MentionedSubject, PartnerOrganisation, ReporterContact, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import Forward, StateChange, Weging
from meldpunt.registries.models import Buurt, Nummeraanduiding

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BASE = "/api/v1"
W1_CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["gelegenheid_zakelijk"]}
VALID_BSN = "999993653"


# ------------------------------------------------------------------------------------ helpers


def counts():
    return (Signal.objects.count(), MentionedSubject.objects.count(), ReporterContact.objects.count(),
            StateChange.objects.count(), Weging.objects.count(), Forward.objects.count(),
            ProcessingLogEntry.objects.count())


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == settings.MELDPUNT_API_VERSION
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def invalid_names(body):
    return {p["name"] for p in body.get("invalidParams", [])}


def post_json(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def login(client, make_user):
    def as_roles(*roles):
        user = make_user(*roles)
        client.force_login(user)
        return user

    return as_roles


def address_id():
    return Nummeraanduiding.objects.order_by("pk").first().pk


def api_weging(kind, decision, **extra):
    body = {"soort": kind, "besluit": decision, "motivering": "Zo gewogen om deze reden.",
            "doel": "Bestrijden van ondermijning", "grondslag": "AVG art. 6 lid 1 sub e"}
    if kind == "W1" and decision == "ja":
        body["beoordelingskader"] = W1_CHECKLIST
    body.update(extra)
    return body


def to_zwaarte(user, signal):
    protocol.decide(user, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    signal.refresh_from_db()
    return signal


def good_body(**extra):
    body = {
        "description": "Loods met zware beveiliging en busjes die 's nachts komen en gaan.",
        "phenomenon": "vakantiepark_bedrijventerrein",
        "location": {"address": address_id(), "text": "achter het tankstation"},
        "occurredOn": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "subjects": [{"kind": "persoon", "role": "huurder", "name": "B. Huurder", "bsn": VALID_BSN,
                      "birthDate": "1980-02-03"},
                     {"kind": "voertuig", "kenteken": "AB-123-C"}],
    }
    body.update(extra)
    return body


# ----------------------------------------------------------------------------------- fenomenen


def test_fenomenen_for_every_logged_in_role(client, login):
    login(Role.ANALIST)
    response = client.get(f"{BASE}/fenomenen")
    assert response.status_code == 200
    assert response["API-Version"] == settings.MELDPUNT_API_VERSION
    items = response.json()
    assert {"hennepteelt_drugs", "overig"} <= {i["code"] for i in items}
    assert all(set(i) == {"code", "naam", "omschrijving", "voorbeelden"} for i in items)


def test_fenomenen_refuse_anonymous_and_roleless(client, make_user):
    assert_problem(client.get(f"{BASE}/fenomenen"), 401)  # no login: 401 with WWW-Authenticate
    client.force_login(make_user())
    assert_problem(client.get(f"{BASE}/fenomenen"), 403)


# ---------------------------------------------------------------------------------- werkvoorraad


def test_queue_lists_what_the_role_works_on(client, login, make_user):
    login(Role.BEOORDELAAR)
    mine = resident_signal(make_user(Role.MELDER_INTERN))
    further = to_zwaarte(make_user(Role.REGISSEUR), resident_signal())
    response = client.get(f"{BASE}/signalen", {"limit": 100, "status": "ontvangen", "kanaal": "intern",
                                               "fenomeen": "hennepteelt_drugs", "maxLeeftijdDagen": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1 and len(body["results"]) <= 100
    row = next(r for r in body["results"] if r["kenmerk"] == mine.reference)
    assert row["status"] == "ontvangen" and row["phenomenon"] == "hennepteelt_drugs"
    assert row["deadline"] and row["overdue"] is False
    assert "description" not in row and "subjects" not in row  # no personal data in a queue row
    # P1: the beoordelaar does not see a signal that has moved on to step 2
    everything = client.get(f"{BASE}/signalen", {"limit": 100, "status": "zwaarte"}).json()
    assert everything["count"] == 0
    assert further.reference not in {r["kenmerk"] for r in everything["results"]}
    assert_problem(client.get(f"{BASE}/signalen/{further.reference}"), 404)


def test_queue_filters(client, login):
    login(Role.REGISSEUR)
    signal = resident_signal()
    buurt = signal.buurt
    assert buurt is not None
    params = {"fenomeen": "hennepteelt_drugs", "buurt": buurt.code, "wijk": buurt.wijk_id, "kanaal": "intern",
              "maxLeeftijdDagen": 1, "minLeeftijdDagen": 0, "status": "ontvangen", "limit": 100}
    found = {r["kenmerk"] for r in client.get(f"{BASE}/signalen", params).json()["results"]}
    assert signal.reference in found
    assert client.get(f"{BASE}/signalen", {**params, "minLeeftijdDagen": 2}).json()["count"] == 0
    assert client.get(f"{BASE}/signalen", {**params, "fenomeen": "zorgfraude"}).json()["count"] == 0
    overdue = client.get(f"{BASE}/signalen", {"teLaat": "true", "limit": 100}).json()
    assert all(r["overdue"] for r in overdue["results"])
    assert signal.reference not in {r["kenmerk"] for r in overdue["results"]}


@pytest.mark.parametrize("params, name", [
    ({"status": "onzin"}, "status"),
    ({"fenomeen": "bestaat_niet"}, "fenomeen"),
    ({"kanaal": "postduif"}, "kanaal"),
    ({"wijk": "WK12"}, "wijk"),
    ({"buurt": "Centrum"}, "buurt"),
    ({"minLeeftijdDagen": "-1"}, "minLeeftijdDagen"),
    ({"maxLeeftijdDagen": "veel"}, "maxLeeftijdDagen"),
    ({"teLaat": "misschien"}, "teLaat"),
    ({"limit": "1000"}, "limit"),
])
def test_queue_refuses_bad_filters(client, login, params, name):
    login(Role.BEOORDELAAR)
    body = assert_problem(client.get(f"{BASE}/signalen", params), 400)
    assert name in invalid_names(body)


def test_queue_access(client, make_user):
    assert_problem(client.get(f"{BASE}/signalen"), 401)
    for role in (Role.ANALIST, Role.FG, Role.BRONHOUDER, Role.PRIVACYFUNCTIONARIS):
        client.force_login(make_user(role))
        assert_problem(client.get(f"{BASE}/signalen"), 403)


def test_staff_melder_sees_only_own_signals_and_no_detail(client, login, make_user):
    melder = login(Role.MELDER_INTERN)
    own = resident_signal(melder)
    resident_signal(make_user(Role.MELDER_INTERN))
    body = client.get(f"{BASE}/signalen", {"limit": 100}).json()
    assert [r["kenmerk"] for r in body["results"]] == [own.reference]
    assert body["results"][0]["status"] == "ontvangen"
    assert_problem(client.get(f"{BASE}/signalen/{own.reference}"), 403)


# ---------------------------------------------------------------------------------------- detail


def test_detail_with_subjects_timeline_and_transitions(client, login):
    user = login(Role.BEOORDELAAR)
    signal = resident_signal()
    protocol.record_weging(user, signal, weging("W1", "nee"))
    before = ProcessingLogEntry.objects.count()
    response = client.get(f"{BASE}/signalen/{signal.reference}")
    assert response.status_code == 200
    d = response.json()
    assert d["kenmerk"] == signal.reference and d["status"] == "ontvangen"
    assert d["description"].startswith("Sterke wietlucht")
    assert d["location"]["address"] == address_id() and d["location"]["buurt"]
    assert d["subjects"][0]["bsn"] == VALID_BSN and d["subjects"][0]["kind"] == "persoon"
    assert d["deadline"] and d["overdue"] is False and d["sealed"] is False
    assert [e["kind"] for e in d["timeline"]] == ["status", "weging"]
    steps = {t["code"]: t for t in d["transitions"]}
    assert set(steps) == {"intake_afwijzen", "intake_doorzetten"}
    assert steps["intake_afwijzen"]["possible"] is True
    assert steps["intake_doorzetten"]["possible"] is False and steps["intake_doorzetten"]["reasons"]
    assert ProcessingLogEntry.objects.count() > before  # P2: the read is logged


def test_detail_is_404_when_not_involved(client, login, make_user):
    login(Role.TEAMLID)
    signal = resident_signal()  # 'ontvangen' is step 1: not the team's
    body = assert_problem(client.get(f"{BASE}/signalen/{signal.reference}"), 404)
    assert "niet" in body["detail"]
    assert_problem(client.get(f"{BASE}/signalen/MO-2020-9999999"), 404)
    client.force_login(make_user(Role.ANALIST))
    assert_problem(client.get(f"{BASE}/signalen/{signal.reference}"), 403)


# ---------------------------------------------------------------------------------- intern melden


def test_staff_melder_registers_a_signal(client, login):
    melder = login(Role.MELDER_INTERN)
    response = post_json(client, f"{BASE}/signalen", good_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"kenmerk", "ontvangstcode"}
    assert response["Location"] == f"/api/v1/signalen/{body['kenmerk']}"
    signal = Signal.objects.get(reference=body["kenmerk"])
    assert (signal.channel, signal.reporter_kind, signal.reported_by) == ("intern", "medewerker", melder)
    assert signal.receipt_code == body["ontvangstcode"] and signal.state == "ontvangen"
    assert signal.address_id == address_id() and signal.location_text == "achter het tankstation"
    kinds = sorted(signal.subjects.values_list("kind", "kenteken"))
    assert kinds == [("persoon", ""), ("voertuig", "AB123C")]


def test_meldpunt_registers_a_telephone_report_with_contact(client, login):
    login(Role.BEOORDELAAR)
    buurt = Buurt.objects.order_by("code").first()
    body = good_body(channel="telefoon", reporterKind="burger", location={"buurt": buurt.code},
                     contact={"name": "Mevr. Jansen", "phone": "0612345678"}, subjects=[])
    response = post_json(client, f"{BASE}/signalen", body)
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(reference=response.json()["kenmerk"])
    assert (signal.channel, signal.reporter_kind, signal.buurt_id) == ("telefoon", "burger", buurt.code)
    assert signal.contact.name == "Mevr. Jansen"
    detail = client.get(f"{BASE}/signalen/{signal.reference}").json()
    assert detail["hasContact"] is True and "contact" not in detail


def test_intake_access(client, make_user):
    before = counts()
    assert_problem(post_json(client, f"{BASE}/signalen", good_body()), 401)
    for role in (Role.ANALIST, Role.TEAMLID, Role.FG):
        client.force_login(make_user(role))
        assert_problem(post_json(client, f"{BASE}/signalen", good_body()), 403)
    assert counts() == before


def test_only_the_meldpunt_registers_telephone_reports(client, login):
    login(Role.MELDER_INTERN)
    before = counts()
    body = assert_problem(post_json(client, f"{BASE}/signalen", good_body(channel="telefoon")), 400)
    assert invalid_names(body) == {"channel"}
    assert counts() == before


FUTURE = (timezone.localdate() + timedelta(days=2)).isoformat()


def _without_description():
    return {k: v for k, v in good_body().items() if k != "description"}


def _subjects(*items):
    return lambda: good_body(subjects=list(items))


def _body(**fields):
    return lambda: good_body(**fields)


# Each malformed body (built when the test runs: it needs the database) and the names it must report.
BAD_BODIES = {
    "omschrijving ontbreekt": (_without_description, {"description"}),
    "omschrijving te kort": (_body(description="wiet"), {"description"}),
    "omschrijving te lang": (_body(description="x" * 5001), {"description"}),
    "onbekend fenomeen": (_body(phenomenon="ufo_landing"), {"phenomenon"}),
    "ongeldig BSN": (_subjects({"kind": "persoon", "bsn": "123456789"}), {"subjects.0"}),
    "ongeldig BAG-id": (_body(location={"address": "12345"}), {"location.address"}),
    "onbekend BAG-id": (_body(location={"address": "0479200099999999"}), {"location.address"}),
    "onbekende buurt": (_body(location={"buurt": "BU99999999"}), {"location.buurt"}),
    "datum in de toekomst": (_body(occurredOn=FUTURE), {"occurredOn"}),
    "geen datum": (_body(occurredOn="gisteren"), {"occurredOn"}),
    "anoniem met contact": (_body(reporterKind="anoniem", contact={"email": "a@example.org"}), {"contact"}),
    "ongeldig e-mailadres": (_body(reporterKind="burger", contact={"email": "geen-adres"}), {"contact.email"}),
    "onbekend kanaal": (_body(channel="webformulier"), {"channel"}),
    "onbekende soort betrokkene": (_subjects({"kind": "dier", "name": "Rex"}), {"subjects.0.kind"}),
    "lege betrokkene": (_subjects({"kind": "persoon"}), {"subjects.0"}),
    "geboortedatum in de toekomst": (_subjects({"kind": "persoon", "name": "X", "birthDate": FUTURE}),
                                     {"subjects.0"}),
    "te veel betrokkenen": (_subjects(*({"kind": "persoon", "name": f"P{i}"} for i in range(11))), {"subjects"}),
    "geen object": (lambda: [good_body()], {"nonFieldErrors"}),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_staff_intake_bad_input_changes_nothing(client, login, case):
    """P8: a clear Dutch 400 problem naming the field, and not a row more."""
    login(Role.BEOORDELAAR)
    payload, names = BAD_BODIES[case]
    before = counts()
    body = assert_problem(post_json(client, f"{BASE}/signalen", payload()), 400)
    assert invalid_names(body) >= names, body
    assert all(p["reason"] for p in body["invalidParams"])
    assert counts() == before


def test_staff_intake_bad_json_wrong_type_and_oversize_change_nothing(client, login):
    login(Role.BEOORDELAAR)
    before = counts()
    body = assert_problem(client.post(f"{BASE}/signalen", data="{'description': ", content_type="application/json"),
                          400)
    assert "geen geldige JSON" in body["detail"]
    body = assert_problem(client.post(f"{BASE}/signalen", data="omschrijving=wiet", content_type="text/plain"), 415)
    assert "media" in body["detail"].lower()
    huge = json.dumps(good_body(occurredText="x" * (1024 * 1024)))
    body = assert_problem(client.post(f"{BASE}/signalen", data=huge, content_type="application/json"), 400)
    assert "te groot" in body["detail"]
    body = assert_problem(client.post(f"{BASE}/signalen", data=b"\xff\xfe{}", content_type="application/json"), 400)
    body = assert_problem(client.post(f"{BASE}/signalen", data="[" * 100_000, content_type="application/json"), 400)
    assert "genest" in body["detail"]
    assert counts() == before


# ---------------------------------------------------------------------------------------- wegingen


def test_record_a_weging(client, login):
    user = login(Role.BEOORDELAAR)
    signal = resident_signal()
    response = post_json(client, f"{BASE}/signalen/{signal.reference}/wegingen", api_weging("W1", "ja"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["soort"], body["besluit"], body["rol"]) == ("W1", "ja", "beoordelaar")
    stored = Weging.objects.get(pk=body["id"])
    assert stored.decided_by == user and stored.checklist["kenmerken"] == ["openbare_orde"]


@pytest.mark.parametrize("payload, status", [
    (api_weging("W1", "ja", motivering=""), 400),  # P3: the reasoning is required
    (api_weging("W1", "ja", beoordelingskader={}), 400),  # 'ja' needs the checklist
    (api_weging("W1", "ja", grondslag=""), 400),
    (api_weging("W1", "casus"), 400),  # not a W1 decision
    (api_weging("W3", "geen_actie"), 403),  # W3 is the team's
    ({"soort": "PC9", "besluit": "ja"}, 400),
    (api_weging("W1", "ja", beoordelingskader={"kenmerken": ["onzin"]}), 400),
])
def test_incomplete_or_unauthorised_weging_changes_nothing(client, login, payload, status):
    login(Role.BEOORDELAAR)
    signal = resident_signal()
    before = counts()
    body = assert_problem(post_json(client, f"{BASE}/signalen/{signal.reference}/wegingen", payload), status)
    if status == 400:
        assert body.get("invalidParams")
    assert counts() == before


# --------------------------------------------------------------------------------------- overgangen


def test_decide_step_1_at_once(client, login):
    login(Role.BEOORDELAAR)
    signal = resident_signal()
    payload = {"overgang": "intake_doorzetten", "toelichting": "Concreet en recent.",
               "wegingen": [api_weging("W1", "ja"), api_weging("W2A", "ja"), api_weging("W2B", "ja")]}
    response = post_json(client, f"{BASE}/signalen/{signal.reference}/overgangen", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["van"], body["naar"], body["overgang"]) == ("ontvangen", "zwaarte", "intake_doorzetten")
    signal.refresh_from_db()
    assert signal.state == "zwaarte" and body["uitersteDatum"] == (signal.deadline and signal.deadline.isoformat())
    assert Weging.objects.filter(signal=signal, used_by__isnull=False).count() == 3


def test_transition_after_recorded_wegingen(client, login):
    user = login(Role.BEOORDELAAR)
    signal = resident_signal()
    protocol.record_weging(user, signal, weging("W1", "nee"))
    response = post_json(client, f"{BASE}/signalen/{signal.reference}/overgangen", {"overgang": "intake_afwijzen"})
    assert response.status_code == 201, response.content
    signal.refresh_from_db()
    assert signal.state == "niet_in_behandeling"


def test_transition_refusals_change_nothing(client, login, make_user):
    login(Role.BEOORDELAAR, Role.REGISSEUR)
    signal = resident_signal()
    url = f"{BASE}/signalen/{signal.reference}/overgangen"
    before = counts()
    body = assert_problem(post_json(client, url, {"overgang": "intake_doorzetten"}), 400)  # P3: no wegingen
    assert any("weging" in p["reason"] for p in body["invalidParams"])
    # one incomplete weging in the batch: the complete ones are not kept either (all or nothing)
    batch = [api_weging("W1", "ja"), api_weging("W2A", "ja"), api_weging("W2B", "ja", motivering="")]
    assert_problem(post_json(client, url, {"overgang": "intake_doorzetten", "wegingen": batch}), 400)
    body = assert_problem(post_json(client, url, {"overgang": "bestaat_niet"}), 400)
    assert invalid_names(body) == {"overgang"}
    # a step from another state: 409
    body = assert_problem(post_json(client, url, {"overgang": "hits_casus"}), 409)
    assert "status" in body["detail"]
    # a step of another role: 403
    assert_problem(post_json(client, url, {"overgang": "zwaarte_geen_actie"}), 403)
    assert_problem(post_json(client, url, "geen object"), 400)
    assert counts() == before
    client.force_login(make_user(Role.TEAMLID))  # step 1 is not the team's: the signal is not theirs
    assert_problem(post_json(client, url, {"overgang": "intake_afwijzen"}), 404)
    assert counts() == before


# ----------------------------------------------------------------------------------- doorzendingen


def test_destinations_and_forward(client, login):
    login(Role.BEOORDELAAR)
    destinations = client.get(f"{BASE}/bestemmingen").json()
    riec = next(d for d in destinations if d["code"] == "riec")
    assert riec["gebruikelijkeGrondslag"] and riec["soort"] == "riec"
    signal = resident_signal()
    response = post_json(client, f"{BASE}/signalen/{signal.reference}/doorzendingen",
                         {"bestemming": "riec", "onderdelen": ["fenomeen", "locatie"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["bestemming"] == "riec" and body["onderdelen"] == ["fenomeen", "locatie"]
    assert body["grondslag"] == riec["gebruikelijkeGrondslag"]
    sent = Forward.objects.get(pk=body["id"])
    assert sent.items == ["fenomeen", "locatie"] and "omschrijving" not in sent.content


@pytest.mark.parametrize("payload, name", [
    ({"bestemming": "bestaat_niet", "onderdelen": ["fenomeen"]}, "bestemming"),
    ({"bestemming": "riec", "onderdelen": []}, "doorzending"),
    ({"bestemming": "riec", "onderdelen": ["bsn_van_iedereen"]}, "onderdelen.0"),
    ({"onderdelen": ["fenomeen"]}, "bestemming"),
])
def test_bad_forward_changes_nothing(client, login, payload, name):
    login(Role.BEOORDELAAR)
    signal = resident_signal()
    before = counts()
    body = assert_problem(post_json(client, f"{BASE}/signalen/{signal.reference}/doorzendingen", payload), 400)
    assert name in invalid_names(body)
    assert counts() == before


def test_protocol_endpoints_refuse_other_roles(client, make_user):
    signal = resident_signal()
    urls = [f"{BASE}/signalen/{signal.reference}/{p}" for p in ("wegingen", "overgangen", "doorzendingen",
                                                                  "versleuteld-inzien")]
    for url in urls:
        assert_problem(post_json(client, url, {}), 401)  # anonymous
    assert_problem(client.get(f"{BASE}/bestemmingen"), 401)
    client.force_login(make_user(Role.ANALIST, Role.MELDER_INTERN))
    before = counts()
    for url in urls:
        assert_problem(post_json(client, url, {}), 403)
    assert_problem(client.get(f"{BASE}/bestemmingen"), 403)
    assert counts() == before


# ------------------------------------------------------------------------------- versleuteld inzien


def test_reveal_a_sealed_signal(client, login, make_user):
    regisseur = login(Role.REGISSEUR)
    team = make_user(Role.TEAMLID)
    signal = to_zwaarte(regisseur, resident_signal())
    protocol.decide(team, signal, [weging("W3", "geen_actie")], "zwaarte_geen_actie")
    url = f"{BASE}/signalen/{signal.reference}/versleuteld-inzien"
    detail = client.get(f"{BASE}/signalen/{signal.reference}").json()
    assert detail["sealed"] is True and detail["description"] == "" and detail["subjects"] == []
    before = counts()
    body = assert_problem(post_json(client, url, {"reden": "even"}), 400)
    assert invalid_names(body) == {"reden"}
    assert_problem(post_json(client, url, {}), 400)
    assert counts() == before
    response = post_json(client, url, {"reden": "Nieuw signaal op hetzelfde adres, samenhang nagaan."})
    assert response.status_code == 200, response.content
    content = response.json()
    assert content["omschrijving"].startswith("Sterke wietlucht")
    assert content["betrokkenen"][0]["bsn"] == VALID_BSN
    assert ProcessingLogEntry.objects.filter(action="versleuteld_inzien").exists()


def test_reveal_refusals(client, login, make_user):
    login(Role.REGISSEUR)
    open_signal = resident_signal()
    body = assert_problem(post_json(client, f"{BASE}/signalen/{open_signal.reference}/versleuteld-inzien",
                                    {"reden": "Ik wil het even nakijken voor mijn werk."}), 409)
    assert "niet versleuteld" in body["detail"]
    client.force_login(make_user(Role.BEOORDELAAR))
    assert_problem(post_json(client, f"{BASE}/signalen/{open_signal.reference}/versleuteld-inzien",
                             {"reden": "Ik wil het even nakijken voor mijn werk."}), 403)


# ------------------------------------------------------------------------------------- partner-API


def issue(name="Woningcorporatie Test"):
    out, err = io.StringIO(), io.StringIO()
    call_command("partner_token", name, stdout=out, stderr=err)
    assert "één keer" in err.getvalue()
    return out.getvalue().strip()


def partner_post(client, token, body, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(f"{BASE}/partner/signalen", data=json.dumps(body), content_type="application/json",
                       **headers, **extra)


def test_partner_token_command_stores_only_a_hash():
    token = issue()
    partner = PartnerOrganisation.objects.get(name="Woningcorporatie Test")
    assert len(token) >= 40 and partner.active
    assert partner.token_hash == PartnerOrganisation.hash_token(token) and token not in partner.token_hash
    with pytest.raises(CommandError, match="bestaat al"):
        call_command("partner_token", "Woningcorporatie Test", stdout=io.StringIO(), stderr=io.StringIO())


def test_partner_submits_a_signal(client):
    token = issue()
    body = good_body(contact={"name": "Afdeling Veiligheid", "email": "veiligheid@woco.example"})
    response = partner_post(client, token, body)
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"kenmerk", "ontvangstcode"}
    signal = Signal.objects.get(reference=response.json()["kenmerk"])
    assert (signal.channel, signal.reporter_kind) == ("partner", "partner")
    assert signal.partner.name == "Woningcorporatie Test" and signal.reported_by is None
    assert signal.contact.email == "veiligheid@woco.example"


def test_partner_token_refusals_change_nothing(client, make_user):
    token = issue()
    before = counts()
    for wrong in ("", "niet-het-token", token + "x"):
        response = partner_post(client, wrong, good_body())
        body = assert_problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert body["title"] == "Niet ingelogd"
    assert_problem(client.post(f"{BASE}/partner/signalen", data=json.dumps(good_body()),
                               content_type="application/json", HTTP_AUTHORIZATION="Bearer a b"), 401)
    # a logged-in staff session is no partner token
    client.force_login(make_user(Role.BEOORDELAAR, Role.REGISSEUR))
    assert_problem(partner_post(client, None, good_body()), 401)
    client.logout()
    # revoked, then replaced: the old token no longer works
    call_command("partner_token", "Woningcorporatie Test", "--intrekken", stdout=io.StringIO())
    assert_problem(partner_post(client, token, good_body()), 401)
    new = io.StringIO()
    call_command("partner_token", "Woningcorporatie Test", "--vervang", stdout=new, stderr=io.StringIO())
    assert_problem(partner_post(client, token, good_body()), 401)
    assert counts() == before
    assert partner_post(client, new.getvalue().strip(), good_body()).status_code == 201


@pytest.mark.parametrize("case", ["omschrijving ontbreekt", "onbekend fenomeen", "ongeldig BSN", "ongeldig BAG-id",
                                  "datum in de toekomst", "geen object", "te veel betrokkenen"])
def test_partner_bad_input_changes_nothing(client, case):
    token = issue()
    payload, names = BAD_BODIES[case]
    before = counts()
    body = assert_problem(partner_post(client, token, payload()), 400)
    assert invalid_names(body) >= names
    assert counts() == before


def test_partner_bad_json_and_wrong_type_change_nothing(client):
    token = issue()
    before = counts()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert_problem(client.post(f"{BASE}/partner/signalen", data="[1, 2", content_type="application/json", **auth),
                   400)
    assert_problem(client.post(f"{BASE}/partner/signalen", data="<signaal/>", content_type="application/xml",
                               **auth), 415)
    body = good_body(reporterKind="anoniem", contact={"email": "a@example.org"})
    # a partner cannot choose its channel or reporter kind: those fields are ignored, contact is allowed
    assert partner_post(client, token, {**body, "channel": "webformulier"}).status_code == 201
    assert counts()[0] == before[0] + 1


# ------------------------------------------------------------------------------------------ schema


def test_schema_documents_the_signal_api(client):
    doc = client.get(f"{BASE}/openapi.json").json()
    for path in ("/fenomenen", "/signalen", "/signalen/{kenmerk}", "/signalen/{kenmerk}/wegingen",
                 "/signalen/{kenmerk}/overgangen", "/signalen/{kenmerk}/doorzendingen",
                 "/signalen/{kenmerk}/versleuteld-inzien", "/bestemmingen", "/partner/signalen", "/imports"):
        assert path in doc["paths"], path
        assert not path.endswith("/")
    assert doc["components"]["securitySchemes"]["partnerToken"] == {
        **doc["components"]["securitySchemes"]["partnerToken"], "type": "http", "scheme": "bearer"}
    assert doc["paths"]["/partner/signalen"]["post"]["security"] == [{"partnerToken": []}]
    overgang = doc["paths"]["/signalen/{kenmerk}/overgangen"]["post"]["responses"]
    for code in ("201", "400", "403", "404", "409", "415"):
        assert code in overgang, code
    assert PROBLEM in overgang["409"]["content"]
    names = {p["name"] for p in doc["paths"]["/signalen"]["get"]["parameters"]}
    assert {"status", "fenomeen", "wijk", "buurt", "kanaal", "minLeeftijdDagen", "maxLeeftijdDagen", "teLaat",
            "limit", "offset"} <= names
