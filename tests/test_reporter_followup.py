"""A reporter adds to a report with the receipt code, and a beoordelaar calls back a reporter who
left contact details (issue 12: two dead ends of the first version)."""

import pytest
from django.urls import reverse

from meldpunt.intake import additions
from meldpunt.intake import services as intake
from meldpunt.intake.errors import IntakeError
from meldpunt.intake.models import ReporterContact, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import selectors as protocol_selectors

pytestmark = pytest.mark.django_db

PHONE = "06-12345678"


def public_report(**contact):
    kind = "burger" if contact else "anoniem"
    return intake.create_signal(intake.SignalInput(
        channel="webformulier", reporter_kind=kind, description="Elke nacht busjes bij de loods.",
        phenomenon="hennepteelt_drugs", **contact))


# ------------------------------------------------------------------------ adding to a report

def test_an_addition_with_a_known_code_is_a_new_signal_pointing_at_the_report():
    original = public_report()
    added = additions.add_to_report(original.receipt_code.lower().replace("-", " "), "Vannacht weer, om 3 uur.")
    assert added.supplements == original
    assert added.state == "ontvangen" and added.reporter_kind == "anoniem"
    assert added.phenomenon_id == original.phenomenon_id
    assert not ReporterContact.objects.filter(signal=added).exists()
    titles = [e.title for e in protocol_selectors.timeline(original)]
    assert "Aanvulling van de melder ontvangen" in titles
    details = [e.detail for e in protocol_selectors.timeline(added)]
    assert f"De melder vult hiermee signaal {original.reference} aan." in details


def test_an_addition_with_an_unknown_code_is_still_read_but_linked_to_nothing():
    added = additions.add_to_report("ABCD-EFGH-JK23", "Ik zag het opnieuw.")
    assert added.supplements is None and added.description == "Ik zag het opnieuw."


@pytest.mark.parametrize(("code", "text", "field"), [
    ("123", "Iets", "code"), ("ABCD-EFGH-JK2I", "Iets", "code"), ("ABCD-EFGH-JK23", "   \u200b", "text"),
    ("ABCD-EFGH-JK23", "x" * 5001, "text"),
])
def test_bad_input_is_refused_per_field_and_changes_nothing(code, text, field):
    before = Signal.objects.count()
    with pytest.raises(IntakeError) as caught:
        additions.add_to_report(code, text)
    assert field in caught.value.field_errors
    assert Signal.objects.count() == before


def test_the_reporter_gets_the_same_answer_for_a_known_and_an_unknown_code(client):
    original = public_report()
    answers = []
    for code in (original.receipt_code, "ABCD-EFGH-JK23"):
        response = client.post(reverse("intake:aanvullen"), {"code": code, "text": "Nog een busje."})
        answers.append(response["Location"])
    assert answers[0] == answers[1] == reverse("intake:aanvulling_ontvangen")
    page = client.get(answers[0]).content.decode()
    assert "uw aanvulling is ontvangen" in page and original.reference not in page


def test_the_receipt_and_the_public_form_point_to_the_addition_page(client):
    form = client.get(reverse("intake:melden")).content.decode()
    assert reverse("intake:aanvullen") in form
    page = client.get(reverse("intake:aanvullen")).content.decode()
    assert "Uw ontvangstcode" in page and "Wat wilt u aanvullen?" in page


def test_a_wrong_code_is_explained_at_the_field(client):
    response = client.post(reverse("intake:aanvullen"), {"code": "12", "text": "Iets"})
    assert response.status_code == 200
    assert additions.CODE_FORMAT_ERROR in response.content.decode()


# --------------------------------------------------------------------------- calling back

def test_a_beoordelaar_calls_back_a_reporter_and_the_read_is_logged(client, make_user):
    beoordelaar = make_user("beoordelaar")
    signal = public_report(contact_name="Jan de Vries", contact_phone=PHONE)
    client.force_login(beoordelaar)
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Contactgegevens tonen" in page and PHONE not in page
    before = ProcessingLogEntry.objects.filter(action="contact_melder_inzien").count()
    shown = client.get(reverse("protocol:contact_melder", args=[signal.reference])).content.decode()
    assert PHONE in shown and "Jan de Vries" in shown
    lines = ProcessingLogEntry.objects.filter(action="contact_melder_inzien")
    assert lines.count() == before + 1
    assert lines.latest("pk").user_id == beoordelaar.pk


def test_no_call_back_for_an_anonymous_report(client, make_user):
    client.force_login(make_user("beoordelaar"))
    signal = public_report()
    page = client.get(reverse("protocol:signaal", args=[signal.reference])).content.decode()
    assert "Contactgegevens tonen" not in page
    assert client.get(reverse("protocol:contact_melder", args=[signal.reference])).status_code == 404


@pytest.mark.attack
def test_a_role_that_does_not_call_back_cannot_open_the_contact_page(client, make_user):
    """P1: an analist or FG guessing the URL of a signal with contact details gets the same 404."""
    signal = public_report(contact_name="Jan de Vries", contact_phone=PHONE)
    for role in ("analist", "fg", "teamlid", "archivaris"):
        client.force_login(make_user(role))
        response = client.get(reverse("protocol:contact_melder", args=[signal.reference]))
        assert response.status_code in (403, 404)
        assert PHONE not in response.content.decode()
    assert not ProcessingLogEntry.objects.filter(action="contact_melder_inzien", object_id=str(signal.pk)).exists()


@pytest.mark.attack
def test_anonymised_contact_details_are_gone_for_everyone(client, make_user):
    from django.utils import timezone

    signal = public_report(contact_name="Jan de Vries", contact_phone=PHONE)
    ReporterContact.objects.filter(signal=signal).update(name="", phone="", anonymised_at=timezone.now())
    client.force_login(make_user("beoordelaar"))
    assert client.get(reverse("protocol:contact_melder", args=[signal.reference])).status_code == 404
