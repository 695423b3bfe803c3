"""P8 attacked: bad input on every write path — the public form, the internal form, the partner
API, the internal signal API, the import API, the weging API and form, and the casus forms. Wrong
types, overlong strings, NUL bytes, an invalid BSN (elfproef), future and absurd dates, duplicate
submissions, oversized and disguised attachments, a forged form. Each gets a clear Dutch error and
not one row of any table changes.

Findings of issue 13 item 10 live here: ``"addressText": 0`` and a subject with only an invisible
character were accepted at the partner endpoint; the CSRF refusal was English."""

import io
import json
from datetime import timedelta

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from factories import open_casus, planned_meeting, release
from meldpunt.cases import interventions, releases
from meldpunt.cases import services as case_services
from meldpunt.cases.models import Instrument
from meldpunt.intake import services as intake
from meldpunt.registries.models import Nummeraanduiding
from rowcount import changed, rows

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

BASE = "/api/v1"
PROBLEM = "application/problem+json"
VALID_BSN = "999993653"
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()
ENGLISH = ("This field", "Ensure this", "Enter a valid", "valid string", "Not a valid", "is required", "Forbidden",
           "CSRF verification failed", "CSRF Failed")
# A refusal may rightly be written to the security log (BIO 12.4.1); nothing else may change.


def dutch_problem(response, status=400):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    text = json.dumps(body, ensure_ascii=False)
    assert not [word for word in ENGLISH if word in text], text
    return body


def names(body):
    return {p["name"] for p in body.get("invalidParams", [])}


def address_id():
    return Nummeraanduiding.objects.order_by("pk").first().pk


def good_body(**extra):
    body = {"description": "Loods met zware beveiliging en busjes die 's nachts komen en gaan.",
            "phenomenon": "vakantiepark_bedrijventerrein", "location": {"address": address_id()},
            "subjects": [{"kind": "persoon", "name": "B. Huurder", "bsn": VALID_BSN}]}
    body.update(extra)
    return body


def with_subject(**subject):
    return good_body(subjects=[{"kind": "persoon", **subject}])


@pytest.fixture
def partner(client):
    out = io.StringIO()
    call_command("partner_token", "Aanvalscorporatie", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()

    def send(body):
        return client.post(f"{BASE}/partner/signalen", data=json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    return send


# Wrong JSON types where the document says string, and subjects nobody can be found by (item 10).
NON_STRINGS = {
    "subjects.0.addressText": lambda: with_subject(addressText=0),
    "subjects.0.name": lambda: with_subject(name=True),
    "subjects.0.kenteken": lambda: with_subject(kenteken=12345678),
    "subjects.0.bsn": lambda: with_subject(bsn=999993653),
    "location.text": lambda: good_body(location={"address": address_id(), "text": 42}),
    "location.address": lambda: good_body(location={"address": int(address_id())}),
    "contact.name": lambda: good_body(contact={"name": ["Jan"]}),
    "occurredText": lambda: good_body(occurredText={"wanneer": "gisteren"}),
    "description": lambda: good_body(description=12345678901234),
}
UNFINDABLE = {
    "alleen een kind": lambda: with_subject(),
    "onzichtbare naam": lambda: with_subject(name="\u200b\u200b"),
    "spaties en een rol": lambda: with_subject(name="   ", role="huurder", birthDate="1980-01-01"),
    "lege strings": lambda: with_subject(name="", bsn="", kvkNummer="", address="", addressText="", kenteken=""),
    "nul-breedte adres": lambda: with_subject(addressText="\ufeff"),
}


@pytest.mark.parametrize("field", list(NON_STRINGS))
def test_partner_api_refuses_a_non_string_where_the_document_says_string(partner, field):
    before = rows()
    body = dutch_problem(partner(NON_STRINGS[field]()))
    assert field in names(body), body
    assert changed(before) == {}


@pytest.mark.parametrize("case", list(UNFINDABLE))
def test_a_subject_without_an_identifying_field_is_refused_on_both_apis(client, partner, make_user, case):
    staff = make_user("beoordelaar")
    before = rows()
    body = dutch_problem(partner(UNFINDABLE[case]()))
    assert "subjects.0" in names(body)
    assert "name" in " ".join(p["reason"] for p in body["invalidParams"])
    client.force_login(staff)
    body = dutch_problem(client.post(f"{BASE}/signalen", data=json.dumps(UNFINDABLE[case]()),
                                     content_type="application/json"))
    assert "subjects.0" in names(body)
    assert changed(before) == {}


def test_the_openapi_document_refuses_what_the_api_refuses(client, partner):
    """The document still describes what is accepted: what it calls invalid is refused, and the
    same body made valid is accepted (a schemathesis-style check, per operation body)."""
    document = client.get(f"{BASE}/openapi.json").json()
    operation = document["paths"]["/partner/signalen"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    validator = jsonschema.Draft7Validator({"$ref": ref, "components": document["components"]})
    # The document cannot see that U+200B is invisible: those two are the service's to refuse.
    bodies = [*NON_STRINGS.values(), *(b for k, b in UNFINDABLE.items() if k not in ("onzichtbare naam",
                                                                                   "nul-breedte adres"))]
    for body in (make() for make in bodies):
        assert not validator.is_valid(body), body
        assert partner(body).status_code == 400
    good = good_body(subjects=[{"kind": "persoon", "addressText": "Dijkweg 7"}])
    assert validator.is_valid(good)
    assert partner(good).status_code == 201


BAD_API_BODIES = {
    "NUL in omschrijving": (lambda: good_body(description="Busjes bij\x00 de loods, elke nacht."), "description"),
    "te lange omschrijving": (lambda: good_body(description="x" * 5001), "description"),
    "te lange naam": (lambda: with_subject(name="N" * 201), "subjects.0.name"),
    "ongeldig BSN (elfproef)": (lambda: with_subject(bsn="123456789"), "subjects.0"),
    "waarneming morgen": (lambda: good_body(occurredOn=TOMORROW), "occurredOn"),
    "waarneming in jaar 1": (lambda: good_body(occurredOn="0001-01-01"), "occurredOn"),
    "geboren in 1800": (lambda: with_subject(name="Oud", birthDate="1800-05-05"), "subjects.0"),
    "geen datum": (lambda: good_body(occurredOn="31-02-2025"), "occurredOn"),
    "lijst in plaats van object": (lambda: [good_body()], "nonFieldErrors"),
}


@pytest.mark.parametrize("case", list(BAD_API_BODIES))
def test_bad_input_on_the_signal_apis_changes_nothing(client, partner, make_user, case):
    make, field = BAD_API_BODIES[case]
    payload = make()
    client.force_login(make_user("beoordelaar"))  # a session does not count for the partner API
    before = rows()
    assert field in names(dutch_problem(partner(payload)))
    response = client.post(f"{BASE}/signalen", data=json.dumps(payload), content_type="application/json")
    assert field in names(dutch_problem(response))
    assert changed(before) == {}


def jpeg(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


PUBLIC = {"phenomenon": "hennepteelt_drugs", "anonymous": "ja", "location_text": "bij de loods",
          "description": "Elke nacht stoppen er busjes bij de loods en worden er zakken uitgeladen."}


def public_cases():
    return {
        "NUL-teken": ({"description": "Busjes\x00 bij de loods, elke nacht weer."}, "Null-tekens"),
        "te lang": ({"description": "x" * 5001}, "5000"),
        "morgen": ({"occurred_on": TOMORROW}, "toekomst"),
        "jaar 1": ({"occurred_on": "0001-01-01"}, "1900"),
        "huisnummer is tekst": ({"postcode": "1500AA", "huisnummer": "zeven"}, "geheel getal"),
        "onbekend fenomeen": ({"phenomenon": "ufo"}, "geldige keuze"),
        "tekst vermomd als foto": ({"uploads": [SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 geen foto",
                                                                   content_type="image/jpeg")]}, "JPG, PNG of PDF"),
        "te grote bijlage": ({"uploads": [SimpleUploadedFile("groot.jpg", jpeg() + b"\x00" * (1024 * 1024 + 10),
                                                             content_type="image/jpeg")]}, "hoogstens 1 MB"),
        "niet anoniem zonder contact": ({"anonymous": "nee"}, "e-mailadres of telefoonnummer"),
    }


@pytest.mark.parametrize("case", list(public_cases()))
def test_bad_input_on_the_public_form_changes_nothing(client, settings, case):
    from django.core.cache import cache

    cache.clear()
    settings.MELDPUNT_MAX_ATTACHMENT_MB = 1
    data, message = public_cases()[case]
    before = rows()
    response = client.post(reverse("intake:melden"), {**PUBLIC, **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, case
    assert not [word for word in ENGLISH if word in page]
    assert changed(before) == {}


def test_bad_input_on_the_internal_form_changes_nothing(client, make_user):
    client.force_login(make_user("beoordelaar"))
    form = {"phenomenon": "hennepteelt_drugs", "channel": "intern", "reporter_kind": "medewerker",
            "description": "Sterke wietlucht bij de woning, ramen afgeplakt.", "location_text": "Dijkweg",
            "betrokkene-TOTAL_FORMS": "2", "betrokkene-INITIAL_FORMS": "0", "betrokkene-MIN_NUM_FORMS": "0",
            "betrokkene-MAX_NUM_FORMS": "10", "betrokkene-0-kind": "persoon", "betrokkene-0-name": "A. Bewoner"}
    cases = {
        "ongeldig BSN": ({"betrokkene-0-bsn": "123456789"}, "elfproef"),
        "geboortedatum morgen": ({"betrokkene-0-birth_date": TOMORROW}, "toekomst"),
        "geboren in 1800": ({"betrokkene-0-birth_date": "1800-01-01"}, "1900"),
        "NUL in naam": ({"betrokkene-0-name": "A.\x00Bewoner"}, "Null-tekens"),
        "te lange rol": ({"betrokkene-0-role": "r" * 81}, "80"),
        "onzichtbare betrokkene": ({"betrokkene-0-name": "\u200b"}, "ten minste een naam"),
        "kanaal bestaat niet": ({"channel": "postduif"}, "geldige keuze"),
    }
    for case, (extra, message) in cases.items():
        before = rows()
        response = client.post(reverse("intake:signaal_nieuw"), {**form, **extra})
        assert response.status_code == 200, case
        page = response.content.decode()
        assert message in page, (case, message)
        assert changed(before) == {}, case


def test_bad_input_on_the_import_api_changes_nothing(client, make_user):
    client.force_login(make_user("beoordelaar"))
    header = "omschrijving;fenomeen;datum;locatie;adres;buurt;kanaal;soort melder"
    good = "Hennepgeur uit de schuur achter de boerderij.;hennepteelt_drugs;2025-03-01;schuur;;;;"
    files = {
        "NUL-teken": f"{header}\nHennep\x00geur uit de schuur achter de boerderij.;hennepteelt_drugs;;schuur;;;;",
        "datum in de toekomst": f"{header}\n{good.replace('2025-03-01', TOMORROW)}",
        "kolom dubbel": f"{header};fenomeen\n{good};x",
        "tweede regel fout": f"{header}\n{good}\nTe kort;ufo;gisteren;;;;;",
    }
    for case, content in files.items():
        before = rows()
        upload = SimpleUploadedFile("import.csv", content.encode(), content_type="text/csv")
        body = dutch_problem(client.post(f"{BASE}/imports", {"bestand": upload}))
        assert body["detail"], case
        assert changed(before) == {}, case


def test_bad_wegingen_on_the_api_and_a_duplicate_step_change_nothing(client, make_user):
    """A weging's text must be text (item 10 for the protocol API too), and the same step sent
    twice is refused the second time."""
    client.force_login(make_user("beoordelaar"))
    signal = intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description="Sterke wietlucht bij de woning.",
        phenomenon="hennepteelt_drugs", address=address_id()))
    url = f"{BASE}/signalen/{signal.reference}/wegingen"
    w1 = {"soort": "W1", "besluit": "nee", "motivering": "Geen ondermijning.", "doel": "Bestrijden van ondermijning",
          "grondslag": "AVG art. 6 lid 1 sub e"}
    before = rows()
    for bad in ({**w1, "motivering": 0}, {**w1, "grondslag": False}, {**w1, "motivering": "x" * 10001},
                {**w1, "motivering": "nee\x00"}, {**w1, "soort": "W9"}, {**w1, "besluit": "misschien"}):
        dutch_problem(client.post(url, data=json.dumps(bad), content_type="application/json"))
    assert changed(before) == {}
    step = {"overgang": "intake_afwijzen", "wegingen": [w1]}
    first = client.post(f"{BASE}/signalen/{signal.reference}/overgangen", data=json.dumps(step),
                        content_type="application/json")
    assert first.status_code == 201, first.content
    before = rows()
    again = client.post(f"{BASE}/signalen/{signal.reference}/overgangen", data=json.dumps(step),
                        content_type="application/json")
    assert again.status_code in (404, 409)
    assert changed(before) == {}


def test_bad_input_on_the_casus_forms_changes_nothing(client, make_user):
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    casus = open_casus(regie)
    meeting, item, (seat,) = planned_meeting(regie, casus, make_user("deelnemer"))
    release(regie, pf, item, seat, ["veld:fenomeen"])
    case_services.transition(regie, casus, "casus_agenderen")
    owner = make_user("uitvoerder")
    instrument = Instrument.objects.filter(active=True).first()
    client.force_login(regie)
    url = reverse("cases:interventie_nieuw", args=[casus.reference])
    form = {"instrument": instrument.pk, "description": "Bestuurlijke rapportage opstellen.", "owner": owner.pk,
            "department": "", "deadline": (timezone.localdate() + timedelta(days=30)).isoformat()}
    cases = {
        "datum voorbij": ({"deadline": "2001-01-01"}, "verleden"),
        "datum absurd": ({"deadline": "9999-12-31"}, "jaar vooruit"),
        "geen datum": ({"deadline": "morgen"}, "geldige datum"),
        "NUL-teken": ({"description": "Rapportage\x00"}, "Null-tekens"),
        "te lange afdeling": ({"department": "A" * 201}, "200"),
        "onbekende eigenaar": ({"owner": "999999"}, "geldige keuze"),
    }
    for case, (extra, message) in cases.items():
        before = rows()
        response = client.post(url, {**form, **extra})
        assert response.status_code == 200, case
        assert message in response.content.decode(), (case, message)
        assert changed(before) == {}, case
    # The service refuses the absurd date as well, whoever calls it.
    with pytest.raises(case_services.CaseError, match="jaar vooruit"):
        interventions.add(regie, casus, instrument, "Rapportage.", owner, timezone.localdate().replace(year=2999))
    # A duplicate PC2A request for the same seat waits for the first.
    releases.request_pc2a(regie, item, seat, ["veld:fenomeen"], "Nog eens.")
    before = rows()
    with pytest.raises(case_services.CaseError, match="wacht al"):
        releases.request_pc2a(regie, item, seat, ["veld:fenomeen"], "Nog eens.")
    assert changed(before) == {}


def test_a_forged_form_is_refused_in_dutch_and_changes_nothing(make_user):
    """No CSRF token: a Dutch page, and a Dutch problem under /api/ — never Django's English."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user("beoordelaar"))
    before = rows()
    page = browser.post(reverse("intake:signaal_nieuw"), {"description": "Vervalst formulier van elders."})
    assert page.status_code == 403
    text = page.content.decode()
    assert "Formulier verlopen" in text and "Er is niets opgeslagen" in text
    assert not [word for word in ENGLISH if word in text]
    body = dutch_problem(browser.post(f"{BASE}/signalen", data=json.dumps(good_body()),
                                      content_type="application/json"), 403)
    assert "CSRF" in body["detail"] and "X-CSRFToken" in body["detail"]
    public = Client(enforce_csrf_checks=True).post(reverse("intake:melden"), PUBLIC)
    assert public.status_code == 403 and "Formulier verlopen" in public.content.decode()
    assert changed(before) == {}
