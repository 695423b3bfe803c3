"""Inzageverzoek (AVG art. 15): the package holds every item on the subject and nothing on anyone
else; deadlines and extension (AVG art. 12(3)); UAVG art. 41 decisions need a ground, reasoning
and a review date (P8); the privacyfunctionaris handles, the FG only looks."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from factories import weging
from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.core.dates import add_months
from meldpunt.core.datums import format_date
from meldpunt.intake import services as intake
from meldpunt.privacy.inzage import package, pdf, selectors, services
from meldpunt.privacy.inzage.models import AccessItem, AccessRequest, Decision, ItemKind, RequestStatus
from meldpunt.privacy.inzage.services import DecisionInput, InzageError, RequestInput
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import Destination
from meldpunt.registries.models import Buurt, Nummeraanduiding, Verblijfplaats

pytestmark = pytest.mark.django_db

STAFF_FIRST, STAFF_LAST = "Bram", "Behandelaar"
REPORTER = {"name": "Rita Vlasblom", "email": "r.vlasblom@voorbeeld.nl", "phone": "06-12345678"}
VICTOR = {"name": "Victor Verdachte", "bsn": "999993653", "birth_date": date(1979, 8, 23)}
OTTO = {"name": "Otto Overbuur", "birth_date": date(1990, 5, 17), "kenteken": "XZ123Q"}


def persons_with_address():
    """The subject and two other people from the BRP of the demo municipality, each with a current
    address, and no name part or birth date in common."""
    chosen = []
    stays = Verblijfplaats.objects.filter(datum_einde__isnull=True).select_related("persoon").order_by("id")
    for stay in stays[:500]:
        person = stay.persoon
        parts = {p.lower() for p in person.naam.split() if len(p) > 2}
        taken = {p.lower() for c, _ in chosen for p in c.naam.split() if len(p) > 2}
        addresses = {a for _, a in chosen}
        if parts & taken or stay.adres_id in addresses or person.geboortedatum in {c.geboortedatum for c, _ in chosen}:
            continue
        if person.geboortedatum in (VICTOR["birth_date"], OTTO["birth_date"]) or person.bsn == VICTOR["bsn"]:
            continue
        chosen.append((person, stay.adres_id))
        if len(chosen) == 3:
            return chosen
    raise AssertionError("de demo-BRP heeft te weinig personen")


@pytest.fixture
def world(make_user):
    """A realistic set: the subject in several signals (by BSN, by name + birth date, by address),
    other people in the same and in other signals, a reporter with contact details, a forward,
    wegingen, a casus and the subject's own report."""
    (subject, subject_address), (other1, other1_address), (other2, _) = persons_with_address()
    staff = make_user(Role.BEOORDELAAR, Role.REGISSEUR)
    staff.first_name, staff.last_name = STAFF_FIRST, STAFF_LAST
    staff.save(update_fields=["first_name", "last_name"])
    address = Nummeraanduiding.objects.get(pk=subject_address)
    surname = subject.geslachtsnaam
    subject_email = "betrokkene.zelf@voorbeeld.nl"

    def signal(**kwargs):
        kwargs.setdefault("channel", "intern")
        kwargs.setdefault("reporter_kind", "medewerker")
        kwargs.setdefault("phenomenon", "hennepteelt_drugs")
        if not kwargs.get("address"):
            kwargs.setdefault("buurt", Buurt.objects.order_by("code").first().code)
        return intake.create_signal(intake.SignalInput(**kwargs), user=staff)

    by_bsn = signal(
        description=f"{subject.naam} en {other1.naam} laden 's nachts dozen uit bij een loods. "
                    f"{other1.naam} (geboren {other1.geboortedatum:%d-%m-%Y}, woont op "
                    f"{Nummeraanduiding.objects.get(pk=other1_address)}) was erbij.",
        subjects=[intake.SubjectInput(kind="persoon", role="bestuurder", name=f"{subject.voornamen[0]}. {surname}",
                                      bsn=subject.bsn),
                  intake.SubjectInput(kind="persoon", role="helper", name=other1.naam, bsn=other1.bsn,
                                      birth_date=other1.geboortedatum, address=other1_address)])
    by_name = signal(
        channel="webformulier", reporter_kind="burger", contact_name=REPORTER["name"],
        contact_email=REPORTER["email"], contact_phone=REPORTER["phone"],
        description=f"Ik zag {other2.naam} geld tellen met {subject.naam.upper()}. Groet, {REPORTER['name']}",
        subjects=[intake.SubjectInput(kind="persoon", name=subject.naam.upper(), birth_date=subject.geboortedatum),
                  intake.SubjectInput(kind="persoon", name=other2.naam, birth_date=other2.geboortedatum)])
    by_address = signal(
        channel="telefoon", address=subject_address,
        description=f"Veel verkeer bij deze woning; {OTTO['name']} parkeert er met kenteken {OTTO['kenteken']}.",
        subjects=[intake.SubjectInput(kind="adres", address=subject_address),
                  intake.SubjectInput(kind="voertuig", name=OTTO["name"], birth_date=OTTO["birth_date"],
                                      kenteken=OTTO["kenteken"])])
    unrelated = signal(
        description=f"{other1.naam} en {other2.naam} bij een shishalounge.",
        subjects=[intake.SubjectInput(kind="persoon", name=other1.naam, bsn=other1.bsn),
                  intake.SubjectInput(kind="persoon", name=other2.naam, birth_date=other2.geboortedatum)])
    own_report = signal(
        channel="webformulier", reporter_kind="burger", contact_name=subject.naam, contact_email=subject_email,
        description=f"Mijn buurman {VICTOR['name']} handelt in drugs.",
        subjects=[intake.SubjectInput(kind="persoon", name=VICTOR["name"], bsn=VICTOR["bsn"],
                                      birth_date=VICTOR["birth_date"])])
    # The protocol on the first signal: wegingen that name others and staff, and a forward (a recipient).
    riec = Destination.objects.get(code="riec")
    protocol.forward(staff, by_bsn, riec, "Convenant RIEC", ["fenomeen", "omschrijving"])
    protocol.decide(staff, by_bsn, [
        weging("W1", "ja", f"Past in het patroon; {other1.naam} is bekend. Besproken met {STAFF_FIRST} {STAFF_LAST}."),
        weging("W2A", "ja", "Gemeentelijke taak: Opiumwet art. 13b."),
        weging("W2B", "ja", "In onze gemeente."),
    ], "intake_doorzetten")
    casus = Casus.objects.create(reference="CA-2026-T001", title="Loods aan de haven", opened_at=timezone.now(),
                                 lead=staff)
    CasusSignal.objects.create(casus=casus, signal=by_bsn, linked_at=timezone.now(), linked_by=staff)
    for s in (by_bsn, by_name, by_address, unrelated, own_report):
        s.refresh_from_db()
    return {
        "subject": subject, "address": address, "email": subject_email, "others": [other1, other2], "staff": staff,
        "signals": {"bsn": by_bsn, "name": by_name, "address": by_address, "own_report": own_report},
        "unrelated": unrelated, "casus": casus, "other_address": str(Nummeraanduiding.objects.get(pk=other1_address)),
    }


@pytest.fixture
def pf(make_user):
    return make_user(Role.PRIVACYFUNCTIONARIS)


def register(pf, world, **extra):
    subject = world["subject"]
    values = dict(received_on=timezone.localdate(), requester_name=subject.naam,
                  requester_contact="Per post, op het adres in de BRP", identity_document="paspoort",
                  identity_last4="X7K2", subject_bsn=subject.bsn, subject_name=subject.naam,
                  subject_birth_date=subject.geboortedatum, subject_address=world["address"].pk,
                  subject_email=world["email"])
    values.update(extra)
    return services.register(pf, RequestInput(**values))


def make_package(client, request):
    """'Antwoordpakket maken': the job runs (embedded default) and its page says it is done, with a
    link back to the request, which now offers the downloads."""
    page = client.post(reverse("inzage:pakket_maken", args=[request.reference]), follow=True).content.decode()
    assert "Klaar" in page and f"Antwoordpakket voor {request.reference} gemaakt op" in page, page
    detail = client.get(reverse("inzage:verzoek", args=[request.reference])).content.decode()
    assert "Antwoordpakket gemaakt op" in detail and "Antwoord als PDF" in detail


def decide_all(pf, request, decision=Decision.VOLLEDIG):
    for item in request.items.all():
        services.decide(pf, item, DecisionInput(decision=decision))


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


def forbidden_strings(world) -> list[str]:
    """Everything that identifies someone other than the subject."""
    values = [REPORTER["name"], REPORTER["email"], REPORTER["phone"], "0612345678", "Rita", "Vlasblom",
              VICTOR["name"], VICTOR["bsn"], VICTOR["birth_date"].isoformat(), "23-08-1979", "23 augustus 1979",
              "Verdachte",
              OTTO["name"], OTTO["birth_date"].isoformat(), "17-05-1990", "17 mei 1990", OTTO["kenteken"], "Overbuur",
              STAFF_FIRST, STAFF_LAST, world["staff"].username, world["unrelated"].reference, world["other_address"]]
    for person in world["others"]:
        values += [person.naam, person.geslachtsnaam, person.bsn, person.geboortedatum.isoformat(),
                   person.geboortedatum.strftime("%d-%m-%Y"), format_date(person.geboortedatum)]
    return values


# ------------------------------------------------------------------------------ the package


def test_inzage_package_contains_every_item_on_the_subject_and_nothing_on_anyone_else(world, pf):
    request = register(pf, world)
    items = services.search(pf, request)
    found = {(i.kind, i.object_id) for i in items}
    signals = world["signals"]
    for key in ("bsn", "name", "address"):
        assert (ItemKind.SIGNAAL, str(signals[key].pk)) in found, key
    assert (ItemKind.MELDING, str(signals["own_report"].pk)) in found
    assert (ItemKind.CASUS, str(world["casus"].pk)) in found
    assert not any(i.object_id == str(world["unrelated"].pk) for i in items)
    via = {i.object_id: i.found_via for i in items}
    assert "BSN" in via[str(signals["bsn"].pk)]
    assert "naam en geboortedatum" in via[str(signals["name"].pk)]
    assert "adres" in via[str(signals["address"].pk)]

    decide_all(pf, request)
    logged = ProcessingLogEntry.objects.filter(action="inzage_verstrekken").count()
    content = package.generate(pf, request)
    assert ProcessingLogEntry.objects.filter(action="inzage_verstrekken").count() == logged + 1
    as_json = json.dumps(content, ensure_ascii=False)
    as_pdf = pdf_text(pdf.render(content))

    subject = world["subject"]
    for text in (flat(as_json), flat(as_pdf)):
        # Every item on the subject is there …
        for s in signals.values():
            assert s.reference.lower() in text
        assert world["casus"].reference.lower() in text
        assert subject.bsn in text
        assert world["email"] in text  # the subject's own contact details as reporter
        assert "regionaal informatie- en expertisecentrum" in text or "riec" in text  # the recipient
        assert "autoriteit persoonsgegevens" in text
        # … and nothing on anyone else.
        for value in forbidden_strings(world):
            assert value.lower() not in text, value
    assert "[afgeschermd]" in as_json
    # The AVG art. 15 information.
    assert {d["activiteit"] for d in content["verwerkingsdoelen"]} >= {"Ontvangen en registreren van signalen",
                                                                        "Doorzenden van signalen"}
    assert [r["ontvanger"] for r in content["ontvangers"]] == [Destination.objects.get(code="riec").name]
    assert set(content["bron"]) >= {"Intern formulier", "Webformulier (publiek)", "Telefoon of balie"}
    assert content["categorieen_persoonsgegevens"]
    by_reference = {g.get("kenmerk"): g for g in content["gegevens"]}
    first = by_reference[signals["bsn"].reference]
    assert first["over_u"][0]["bsn"] == subject.bsn
    assert [w["weging"][:9] for w in first["wegingen"]] == ["Weging 1:", "Weging 2A", "Weging 2B"]
    assert all(w["door"] in Role.labels for w in first["wegingen"])  # a role, never a name
    assert {line["handeling"] for line in first["verwerkingen"]} >= {"signaal registreren", "doorzenden"}
    assert by_reference[signals["address"].reference]["locatie"] == str(world["address"])
    assert content["concept"] is True


def test_search_and_package_are_logged_and_found_by_name_without_bsn(world, pf):
    subject = world["subject"]
    request = register(pf, world, subject_bsn="", subject_address="", subject_email="",
                       subject_name=subject.naam.lower())
    services.search(pf, request)
    kinds = {(i.kind, i.object_id) for i in request.items.all()}
    # The BRP completes the BSN from name + birth date, so the BSN mention is found too.
    assert (ItemKind.SIGNAAL, str(world["signals"]["bsn"].pk)) in kinds
    assert (ItemKind.SIGNAAL, str(world["signals"]["name"].pk)) in kinds
    lines = list(ProcessingLogEntry.objects.filter(action="inzage_zoeken", object_id=str(request.pk)))
    assert lines and {(line.activity_code, line.role) for line in lines} == {("inzage", Role.PRIVACYFUNCTIONARIS)}
    assert {line.subject_type for line in lines} >= {"bsn"}  # one line per subject found


def test_restrictions_leave_items_out_and_say_so_only_when_chosen(world, pf):
    request = register(pf, world)
    services.search(pf, request)
    signals = world["signals"]
    review_on = timezone.localdate() + timedelta(days=90)
    restrict = dict(ground="d", reasoning="Lopend onderzoek naar de loods; verstrekken waarschuwt betrokkenen.",
                    necessity="Alleen dit signaal, alleen zolang het onderzoek loopt; de rest wordt verstrekt.",
                    review_on=review_on)
    for item in request.items.all():
        if item.object_id == str(signals["bsn"].pk) and item.kind == ItemKind.SIGNAAL:
            services.decide(pf, item, DecisionInput(decision=Decision.GEHEEL, **restrict))
        elif item.object_id == str(signals["address"].pk):
            services.decide(pf, item, DecisionInput(decision=Decision.GEDEELTELIJK,
                                                    withheld_parts=["omschrijving", "log"], **restrict))
        else:
            services.decide(pf, item, DecisionInput(decision=Decision.VOLLEDIG))
    content = package.build(request)
    references = {g.get("kenmerk") for g in content["gegevens"]}
    assert signals["bsn"].reference not in references
    partial = next(g for g in content["gegevens"] if g.get("kenmerk") == signals["address"].reference)
    assert "omschrijving" not in partial and "verwerkingen" not in partial
    assert partial["niet_verstrekt"] == ["Omschrijving en locatie", "Verwerkingslog"]
    assert content["beperking"]["gronden"][0].startswith("d. de voorkoming")
    # The forward of the restricted signal is no recipient in the answer.
    assert content["ontvangers"] == []

    services.close(pf, request, mention_restrictions=False,
                   no_mention_reasoning="Ook het bestaan van een beperking zou het onderzoek verraden.")
    silent = package.build(request)
    assert "beperking" not in silent
    partial = next(g for g in silent["gegevens"] if g.get("kenmerk") == signals["address"].reference)
    assert "niet_verstrekt" not in partial and "omschrijving" not in partial
    assert silent["concept"] is False


def test_decisions_are_immutable_after_closing_and_restrictions_are_reevaluated(world, pf):
    request = register(pf, world)
    services.search(pf, request)
    target = request.items.get(kind=ItemKind.SIGNAAL, object_id=str(world["signals"]["bsn"].pk))
    for item in request.items.exclude(pk=target.pk):
        services.decide(pf, item, DecisionInput(decision=Decision.VOLLEDIG))
    with pytest.raises(InzageError, match="elk onderdeel"):
        services.close(pf, request)
    services.decide(pf, target, DecisionInput(
        decision=Decision.GEHEEL, ground="d", reasoning="Lopend onderzoek, verstrekken schaadt de opsporing.",
        necessity="Alleen dit signaal en alleen tijdelijk; evenredig.", review_on=timezone.localdate() + timedelta(1)))
    services.close(pf, request)
    with pytest.raises(InzageError, match="afgehandeld"):
        services.decide(pf, target, DecisionInput(decision=Decision.VOLLEDIG))
    target.refresh_from_db()
    assert target.decision == Decision.GEHEEL

    assert target not in selectors.reviews_due(pf)
    AccessItem.objects.filter(pk=target.pk).update(next_review_on=timezone.localdate() - timedelta(days=1))
    assert list(selectors.reviews_due(pf)) == [target]
    with pytest.raises(InzageError, match="volgende herbeoordeling"):
        services.review(pf, target, "handhaven", "Onderzoek loopt nog steeds door, dus handhaven.", None)
    services.review(pf, target, "opheffen", "Het onderzoek is afgerond; de grond is vervallen.", None)
    assert list(selectors.reviews_due(pf)) == []
    references = {g.get("kenmerk") for g in package.build(request)["gegevens"]}
    assert world["signals"]["bsn"].reference in references  # provided after all
    target.refresh_from_db()
    assert target.decision == Decision.GEHEEL and target.lifted_at is not None


@pytest.mark.parametrize("data, message", [
    ({"decision": Decision.GEHEEL}, "Kies de grond"),
    ({"decision": Decision.GEHEEL, "ground": "d"}, "Motiveer de beperking"),
    ({"decision": Decision.GEHEEL, "ground": "d", "reasoning": "Lopend onderzoek naar deze persoon."},
     "noodzakelijk en evenredig"),
    ({"decision": Decision.GEHEEL, "ground": "d", "reasoning": "Lopend onderzoek naar deze persoon.",
      "necessity": "Alleen dit signaal, tijdelijk."}, "opnieuw wordt beoordeeld"),
    ({"decision": Decision.GEDEELTELIJK, "ground": "d", "reasoning": "Lopend onderzoek naar deze persoon.",
      "necessity": "Alleen dit signaal, tijdelijk.", "review_on": date.today() + timedelta(30)},
     "welke onderdelen"),
    ({"decision": Decision.GEHEEL, "ground": "z", "reasoning": "Lopend onderzoek naar deze persoon.",
      "necessity": "Alleen dit signaal, tijdelijk.", "review_on": date.today()}, "in de toekomst"),
])
def test_a_restriction_needs_ground_reasoning_and_review_date(world, pf, data, message):
    request = register(pf, world)
    services.search(pf, request)
    item = request.items.first()
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(InzageError) as refused:
        services.decide(pf, item, DecisionInput(**data))
    assert any(message in text for text in refused.value.messages), refused.value.messages
    item.refresh_from_db()
    assert item.decision == "" and item.decided_by is None
    assert ProcessingLogEntry.objects.count() == before


# ------------------------------------------------------------------------------ deadlines


def test_deadline_is_one_calendar_month_and_extends_by_at_most_two(world, pf):
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)
    received = timezone.localdate() - timedelta(days=10)
    request = register(pf, world, received_on=received)
    assert request.deadline == add_months(received, 1)
    assert request.status == RequestStatus.ONTVANGEN
    assert not selectors.is_overdue(request)

    for months, informed, message in [(3, timezone.localdate(), "één of twee maanden"),
                                      (2, received - timedelta(1), "vóór de ontvangst"),
                                      (2, None, "geïnformeerd")]:
        with pytest.raises(InzageError, match=message):
            services.extend(pf, request, months, "Veel signalen en een casus: complex verzoek.", informed)
    with pytest.raises(InzageError, match="reden"):
        services.extend(pf, request, 2, "kort", timezone.localdate())
    request.refresh_from_db()
    assert request.extended_until is None and request.status == RequestStatus.ONTVANGEN

    services.extend(pf, request, 2, "Veel signalen en een casus: complex verzoek.", timezone.localdate())
    request.refresh_from_db()
    assert request.extended_until == add_months(request.deadline, 2)
    assert request.effective_deadline == request.extended_until and request.status == RequestStatus.VERLENGD
    with pytest.raises(InzageError, match="al verlengd"):
        services.extend(pf, request, 1, "Nog een keer verlengen want druk.", timezone.localdate())


def test_overdue_and_too_late_extension(world, pf):
    received = timezone.localdate() - timedelta(days=45)
    request = register(pf, world, received_on=received)
    assert selectors.is_overdue(request)
    with pytest.raises(InzageError, match="binnen een maand"):
        services.extend(pf, request, 1, "Te laat bedacht dat het complex is.", timezone.localdate())
    row = next(r for r in selectors.overview(pf) if r["request"].pk == request.pk)
    assert row["overdue"] is True


@pytest.mark.parametrize("changes, message", [
    ({"identity_last4": ""}, "laatste vier tekens"),
    ({"identity_document": ""}, "identiteit"),
    ({"subject_bsn": "123456789", "subject_name": "", "subject_birth_date": None, "subject_address": "",
      "subject_email": ""}, "BSN"),
    ({"subject_bsn": "", "subject_birth_date": None, "subject_address": "", "subject_email": ""}, "geboortedatum"),
    ({"received_on": date.today() + timedelta(days=3)}, "toekomst"),
])
def test_register_refuses_bad_input_and_changes_nothing(world, pf, changes, message):
    before = AccessRequest.objects.count()
    with pytest.raises(InzageError) as refused:
        register(pf, world, **changes)
    assert any(message in text for text in refused.value.messages), refused.value.messages
    assert AccessRequest.objects.count() == before


# ------------------------------------------------------------------------------ who


def test_only_the_privacyfunctionaris_handles_requests(world, pf, make_user):
    request = register(pf, world)
    for role in (Role.FG, Role.BEOORDELAAR, Role.REGISSEUR):
        other = make_user(role)
        with pytest.raises(PermissionDenied):
            register(other, world)
        with pytest.raises(PermissionDenied):
            services.search(other, request)
        with pytest.raises(PermissionDenied):
            package.generate(other, request)
    assert AccessRequest.objects.count() == 1


def test_pages_for_the_privacyfunctionaris(world, pf, client):
    client.force_login(pf)
    subject = world["subject"]
    response = client.post(reverse("inzage:nieuw"), {
        "received_on": timezone.localdate().isoformat(), "requester_name": subject.naam,
        "requester_contact": "per post", "identity_document": "id_kaart", "identity_last4": "",
        "subject_bsn": subject.bsn})
    assert response.status_code == 200
    assert "laatste vier tekens" in response.content.decode()
    assert AccessRequest.objects.count() == 0
    response = client.post(reverse("inzage:nieuw"), {
        "received_on": timezone.localdate().isoformat(), "requester_name": subject.naam,
        "requester_contact": "per post", "identity_document": "id_kaart", "identity_last4": "ab12",
        "subject_bsn": subject.bsn})
    request = AccessRequest.objects.get()
    assert response.status_code == 302 and request.identity_last4 == "AB12"
    assert client.post(reverse("inzage:zoeken", args=[request.reference])).status_code == 302
    item = request.items.filter(kind=ItemKind.SIGNAAL).first()
    url = reverse("inzage:besluit", args=[request.reference, item.pk])
    page = client.get(url).content.decode()
    assert "[afgeschermd]" in page and world["others"][0].naam not in page
    response = client.post(url, {"decision": "geheel"})
    assert response.status_code == 200 and "Kies de grond" in response.content.decode()
    item.refresh_from_db()
    assert item.decision == ""
    assert client.get(reverse("inzage:pakket_pdf", args=[request.reference])).status_code == 302  # not yet
    response = client.post(reverse("inzage:pakket_maken", args=[request.reference]), follow=True)
    assert "Neem eerst over elk onderdeel een besluit" in response.content.decode()
    decide_all(pf, request)
    make_package(client, request)
    response = client.get(reverse("inzage:pakket_pdf", args=[request.reference]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(reverse("inzage:pakket_json", args=[request.reference]))
    assert json.loads(response.content)["kenmerk"] == request.reference
    response = client.post(reverse("inzage:afhandelen", args=[request.reference]), {"mention_restrictions": "ja"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.AFGEHANDELD
    assert client.get(reverse("inzage:overzicht")).status_code == 200


def test_the_fg_sees_requests_read_only(world, pf, client, make_user):
    request = register(pf, world, received_on=timezone.localdate() - timedelta(days=40))
    services.search(pf, request)
    fg = make_user(Role.FG)
    client.force_login(fg)
    page = client.get(reverse("inzage:toezicht")).content.decode()
    assert request.reference in page and "te laat" in page
    detail = client.get(reverse("inzage:toezicht_verzoek", args=[request.reference])).content.decode()
    assert request.reference in detail
    assert world["subject"].bsn not in detail and world["subject"].naam not in detail
    # Read-only: no POST on the oversight pages, no access to the handling pages.
    # (A read-only role's POST is refused before the view with 403; the views themselves accept GET only.)
    assert client.post(reverse("inzage:toezicht")).status_code in (403, 405)
    assert client.post(reverse("inzage:toezicht_verzoek", args=[request.reference])).status_code in (403, 405)
    assert client.post(reverse("inzage:zoeken", args=[request.reference])).status_code == 403
    assert client.get(reverse("inzage:overzicht")).status_code == 403
    assert client.get(reverse("inzage:pakket_json", args=[request.reference])).status_code == 403
    item = request.items.first()
    assert client.post(reverse("inzage:besluit", args=[request.reference, item.pk]),
                       {"decision": "volledig"}).status_code == 403
    item.refresh_from_db()
    assert item.decision == ""


def test_a_false_positive_is_left_out_with_a_reason(world, pf):
    request = register(pf, world)
    services.search(pf, request)
    report = request.items.get(kind=ItemKind.MELDING)
    with pytest.raises(InzageError, match="niet over de betrokkene"):
        services.decide(pf, report, DecisionInput(decision=Decision.NIET_BETROKKENE))
    services.decide(pf, report, DecisionInput(
        decision=Decision.NIET_BETROKKENE, reasoning="Een naamgenoot: ander e-mailadres en andere woonplaats."))
    for item in request.items.exclude(pk=report.pk):
        services.decide(pf, item, DecisionInput(decision=Decision.VOLLEDIG))
    content = package.build(request)
    as_json = json.dumps(content, ensure_ascii=False)
    assert world["signals"]["own_report"].reference not in as_json
    assert "beperking" not in content  # not a restriction, so nothing to mention


def test_reevaluation_pages(world, pf, client):
    request = register(pf, world)
    services.search(pf, request)
    item = request.items.filter(kind=ItemKind.SIGNAAL).first()
    services.decide(pf, item, DecisionInput(
        decision=Decision.GEHEEL, ground="c", reasoning="Openbare veiligheid: een lopende sluiting dreigt.",
        necessity="Alleen dit signaal, alleen tot de sluiting.", review_on=timezone.localdate() + timedelta(days=1)))
    AccessItem.objects.filter(pk=item.pk).update(next_review_on=timezone.localdate())
    client.force_login(pf)
    page = client.get(reverse("inzage:herbeoordelen")).content.decode()
    assert item.label in page
    url = reverse("inzage:herbeoordeling", args=[item.pk])
    assert "c. openbare veiligheid" in client.get(url).content.decode()
    response = client.post(url, {"outcome": "handhaven", "reasoning": "Sluiting loopt nog, beperking blijft nodig."})
    assert response.status_code == 200 and "volgende herbeoordeling" in response.content.decode()
    next_date = timezone.localdate() + timedelta(days=60)
    response = client.post(url, {"outcome": "handhaven", "reasoning": "Sluiting loopt nog, beperking blijft nodig.",
                                 "next_review_on": next_date.isoformat()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.next_review_on == next_date and item.reviews.count() == 1
    assert item.label not in client.get(reverse("inzage:herbeoordelen")).content.decode()


# ------------------------------------------------------------------------------ retention (ADR 0009)


def _request_on(pf, bsn="999993653"):
    """A request about the subject of the retention test helpers' signals, searched."""
    request = services.register(pf, RequestInput(
        received_on=timezone.localdate(), requester_name="A. Bewoner", requester_contact="per post",
        identity_document="digid", subject_bsn=bsn))
    services.search(pf, request)
    return request


def test_records_destroyed_after_the_answer_show_as_destroyed(pf, make_user, client):
    from meldpunt.privacy.retention import destruction
    from meldpunt.privacy.retention import services as retention
    from test_retention_support import age, close_casus, new_signal, niet_in_behandeling, pass_cooling_off, to_casus

    staff = make_user(Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID)
    signal = age(niet_in_behandeling(staff, new_signal(staff)), 400)  # about BSN 999993653
    casus = close_casus(to_casus(staff, new_signal(staff)), "toezicht-afgebroken", days_ago=400)
    in_casus = casus.signal_links.get().signal
    request = _request_on(pf)
    assert {ItemKind.SIGNAAL, ItemKind.CASUS} <= set(request.items.values_list("kind", flat=True))
    decide_all(pf, request)
    services.close(pf, request)
    archivaris = make_user("archivaris")
    destruction_list = retention.compose(archivaris, "Lijst")
    retention.review(make_user("archivaris"), destruction_list, True)
    destruction.execute(pass_cooling_off(destruction_list))
    assert not Casus.objects.filter(pk=casus.pk).exists()
    day = format_date(timezone.localdate())
    client.force_login(pf)
    for item in request.items.exclude(kind=ItemKind.LOG):
        page = client.get(reverse("inzage:besluit", args=[request.reference, item.pk]))
        assert page.status_code == 200 and f"Vernietigd op {day}" in page.content.decode()
    make_package(client, request)
    answer = json.loads(client.get(reverse("inzage:pakket_json", args=[request.reference])).content)
    gone = {g["kenmerk"]: g["status"] for g in answer["gegevens"] if g.get("status", "").startswith("Vernietigd")}
    assert gone == dict.fromkeys([signal.reference, in_casus.reference, casus.reference], f"Vernietigd op {day}")
    assert client.get(reverse("inzage:pakket_pdf", args=[request.reference])).status_code == 200


def test_a_closed_request_gets_a_date_and_is_anonymised_after_it(pf, make_user, client):
    from meldpunt.privacy.retention import jobs
    from meldpunt.privacy.retention.models import ResultClass
    from test_retention_support import new_signal

    new_signal(make_user(Role.BEOORDELAAR))
    request = _request_on(pf)
    assert request.items.filter(kind=ItemKind.SIGNAAL).exists()
    assert AccessRequest.objects.get(pk=request.pk).destroy_after is None  # open: no date
    decide_all(pf, request)
    request = services.close(pf, request)
    closed_on = timezone.localdate(request.closed_at)
    assert request.destroy_after == add_months(closed_on, 60)  # Selectielijst 6.1, 5 years
    result_class = ResultClass.objects.get(code="inzageverzoek-afgehandeld")
    result_class.term_months = 12
    result_class.save()  # recomputed like every other class
    assert AccessRequest.objects.get(pk=request.pk).destroy_after == add_months(closed_on, 12)

    AccessRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert "Inzageverzoeken geanonimiseerd: 1." in str(jobs.run())
    request.refresh_from_db()
    assert request.anonymised_at is not None and request.reference.startswith("IV-")
    assert (request.subject_bsn, request.requester_name, request.requester_contact) == ("", "", "")
    assert all("geanonimiseerd" in i.label and i.found_via == [] and i.decision for i in request.items.all())
    assert ProcessingLogEntry.objects.filter(action="inzageverzoek_anonimiseren", subject_type="bsn").count() == 1
    assert "Inzageverzoeken geanonimiseerd: 0." in str(jobs.run())  # idempotent
    client.force_login(pf)
    page = client.get(reverse("inzage:verzoek", args=[request.reference])).content.decode()
    assert "999993653" not in page and "A. Bewoner" not in page
