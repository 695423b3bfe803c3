"""Field-level errors (issue 12, part 4): a refused form shows what is wrong at the field itself,
not only in a message at the top of the next page, and changes nothing. These forms used to
redirect with a flash message ("Kies een casus."); now their page is shown again with the form
bound. Also: no view answers an invalid form with only a flash message any more (except the
bronhouder's one-click hit/no-hit rows, where the row's own radio group is the whole form)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from factories import open_casus, planned_meeting
from meldpunt.cases.models import AgendaItem, Participant
from meldpunt.privacy.retention import services as retention
from meldpunt.privacy.retention.models import DestructionList, LegalHold
from test_retention_support import due_signal

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "meldpunt"
FIELD_ERROR = re.compile(r'<p class="utrecht-form-field-error-message" id="id_([\w-]+)-fout">([^<]+)</p>')


def field_errors(response) -> dict[str, str]:
    assert response.status_code == 200, response.status_code
    return dict(FIELD_ERROR.findall(response.content.decode()))


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


def test_agenda_and_invite_errors_show_at_their_fields(client, regie, make_user):
    casus = open_casus(regie)
    meeting, _item, _seats = planned_meeting(regie, casus)
    client.force_login(regie)
    errors = field_errors(client.post(reverse("cases:agenderen", args=[meeting.pk]), {"casus": ""}))
    assert errors == {"casus": "Kies een casus."}
    errors = field_errors(client.post(reverse("cases:uitnodigen", args=[meeting.pk]), {"user": "", "organisation": ""}))
    assert errors == {"user": "Kies een deelnemer.", "organisation": "Vul de afdeling of organisatie in."}
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1 and not Participant.objects.filter(meeting=meeting)


def test_a_service_refusal_on_the_agenda_form_shows_on_the_form(client, regie):
    casus = open_casus(regie)
    meeting, _item, _seats = planned_meeting(regie, casus)
    client.force_login(regie)
    response = client.post(reverse("cases:agenderen", args=[meeting.pk]), {"casus": casus.pk})  # already on it
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_retention_forms_show_errors_at_their_fields(client, make_user):
    archivaris, tweede = make_user("archivaris"), make_user("archivaris")
    client.force_login(archivaris)
    errors = field_errors(client.post(reverse("retention:opstellen"), {"lijst-name": ""}))
    assert errors == {"lijst-name": "Geef de lijst een naam."}
    errors = field_errors(client.post(reverse("retention:bewaarplicht"), {"bewaarplicht-kind": "signaal"}))
    assert errors == {"bewaarplicht-reference": "Vul het kenmerk van het dossier in.",
                      "bewaarplicht-reason": "Vul de reden van de bewaarplicht in."}
    assert not DestructionList.objects.exists() and not LegalHold.objects.exists()
    due_signal(make_user("beoordelaar", "regisseur", "teamlid"))
    destruction_list = retention.compose(archivaris, "Lijst")
    client.force_login(tweede)
    errors = field_errors(client.post(reverse("retention:beoordelen", args=[destruction_list.pk]), {}))
    assert errors == {"decision": "Kies goedkeuren of afwijzen."}
    destruction_list.refresh_from_db()
    assert destruction_list.status == "ter_beoordeling"


def test_no_view_answers_an_invalid_form_with_only_a_flash_message():
    pattern = re.compile(r"if not form\.is_valid\(\):\s*\n\s*messages\.error")
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*views.py") if pattern.search(p.read_text())]
    assert offenders == ["protocol/research/views.py"], offenders  # the one-click hit/no-hit row


def test_conditionally_required_fields_say_when_and_are_checked_at_the_field(client, make_user):
    from factories import new_signal, weging
    from meldpunt.protocol import services

    walker, teamlid = make_user("beoordelaar", "teamlid"), make_user("teamlid")
    signal = new_signal(walker)
    services.decide(walker, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    client.force_login(teamlid)
    url = reverse("protocol:stap2", args=[signal.reference])
    page = client.get(url).content.decode()
    for label in ("Noodzaak", "Proportionaliteit", "Subsidiariteit"):
        assert re.search(rf"{label} <span class=\"mp-muted\">\(verplicht bij bronnenonderzoek\)</span>", page), label
    errors = field_errors(client.post(url, {"decision": "bronnenonderzoek", "reasoning": "Concreet.",
                                            "purpose": "Doel", "legal_basis": "Grondslag"}))
    assert errors == {"necessity": "Bronnenonderzoek vraagt een afweging van de noodzaak.",
                      "proportionality": "Bronnenonderzoek vraagt een afweging van de proportionaliteit.",
                      "subsidiarity": "Bronnenonderzoek vraagt een afweging van de subsidiariteit."}
    signal.refresh_from_db()
    assert signal.state == "zwaarte"
