"""The casusoverleg and PC2A releases: a participant never sees an unreleased item in any page,
print, export or API response (P1/P3); releases are decided by the privacyfunctionaris with a
complete weging, never on their own request; minutes get their retention class."""

import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from factories import (
    OTHER_NAME,
    SECRET_NAME,
    new_signal,
    open_casus,
    planned_meeting,
    release,
    subject_key,
    to_research,
    weging,
)
from meldpunt.cases import meetings, releases, selectors, services
from meldpunt.cases.models import Casus, Meeting, ReleaseState
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention.models import ResultClass

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-voor-tests"


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


@pytest.fixture
def setting(regie, pf, make_user):
    """A casus with two signals (two subjects) on the agenda; participant A gets only the
    phenomenon, participant B the secret subject too."""
    casus = open_casus(regie)
    further = to_research(regie, new_signal(regie, OTHER_NAME, "999990019", index=1))
    services.link_signal(regie, casus, further, weging("W4", "casus"))
    a, b = make_user("deelnemer"), make_user("deelnemer")
    meeting, item, (seat_a, seat_b) = planned_meeting(regie, casus, a, b)
    release(regie, pf, item, seat_a, ["veld:fenomeen"])
    release(regie, pf, item, seat_b, ["veld:fenomeen", subject_key(casus)])
    return {"casus": casus, "meeting": meeting, "item": item, "a": a, "b": b, "seat_a": seat_a, "seat_b": seat_b}


def client_for(client, user):
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_participant_sees_only_released_items_in_page_print_and_api(client, setting):
    a, b, meeting = setting["a"], setting["b"], setting["meeting"]
    c = client_for(client, a)
    page = c.get(reverse("web:mijn_casussen")).content.decode()
    assert setting["casus"].reference in page and "hennep" in page.lower()
    assert SECRET_NAME not in page and OTHER_NAME not in page and "999993653" not in page
    assert "wietlucht" not in page  # the description was not released
    printed = pdf_text(c.get(reverse("cases:mijn_agenda_pdf", args=[meeting.pk])).content)
    assert setting["casus"].reference in printed and SECRET_NAME not in printed and "999993653" not in printed
    api = c.get("/api/v1/mijn-casussen")
    assert api.status_code == 200
    body = json.dumps(api.json())
    assert setting["casus"].reference in body and SECRET_NAME not in body and "999993653" not in body
    # B was given the subject: it shows, and the read is logged per subject.
    c = client_for(client, b)
    page = c.get(reverse("web:mijn_casussen")).content.decode()
    assert SECRET_NAME in page and OTHER_NAME not in page
    assert ProcessingLogEntry.objects.filter(user_id=b.pk, action="vrijgave_inzien", subject_type="bsn").exists()


def test_participant_cannot_open_the_casus_anywhere_else(client, setting):
    a, casus = setting["a"], setting["casus"]
    c = client_for(client, a)
    assert c.get(reverse("cases:casus", args=[casus.reference])).status_code == 403
    assert c.get(reverse("cases:casussen")).status_code == 403
    assert c.get(reverse("cases:rapportage_export", args=["interventies", "csv"])).status_code == 403
    assert c.get(f"/api/v1/casussen/{casus.reference}").status_code == 403
    assert c.get("/api/v1/casussen").status_code == 403
    assert c.get(reverse("cases:agenda_pdf", args=[setting["meeting"].pk, setting["seat_b"].pk])).status_code == 403


def test_a_denied_or_pending_release_shows_nothing(regie, pf, make_user, client):
    casus = open_casus(regie)
    a, b = make_user("deelnemer"), make_user("deelnemer")
    meeting, item, (seat_a, seat_b) = planned_meeting(regie, casus, a, b)
    release(regie, pf, item, seat_a, ["veld:fenomeen", subject_key(casus)], decision="weigeren")
    releases.request_pc2a(regie, item, seat_b, [subject_key(casus)], "Voor het overleg.")
    for user in (a, b):
        (seat,) = selectors.released_to_participant(user)
        assert seat.items[0].content.empty
        page = client_for(client, user).get(reverse("web:mijn_casussen")).content.decode()
        assert SECRET_NAME not in page and "niets van deze casus vrijgegeven" in page


def test_partial_release_gives_exactly_the_chosen_subset(regie, pf, make_user):
    casus = open_casus(regie)
    a = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, a)
    asked = ["veld:fenomeen", "veld:omschrijving", subject_key(casus)]
    request = releases.request_pc2a(regie, item, seat, asked, "Voor het overleg.")
    with pytest.raises(services.CaseError):  # 'deels' with everything is not partial
        releases.decide(pf, request, weging("PC2A", "deels"), asked)
    releases.decide(pf, request, weging("PC2A", "deels"), ["veld:fenomeen"])
    (view,) = selectors.released_to_participant(a)
    content = view.items[0].content
    assert content.signals and "omschrijving" not in content.signals[0] and not content.subjects


def test_release_rules_four_eyes_complete_weging_and_known_items(regie, pf, make_user):
    casus = open_casus(regie)
    both = make_user("regisseur", "privacyfunctionaris")
    services.set_team(regie, casus, [both])
    _, item, (seat,) = planned_meeting(regie, casus, make_user("deelnemer"))
    with pytest.raises(services.CaseError):  # an item of another casus
        releases.request_pc2a(regie, item, seat, ["betrokkene:999999999"], "Voor het overleg.")
    with pytest.raises(services.CaseError):  # no purpose
        releases.request_pc2a(regie, item, seat, ["veld:fenomeen"], " ")
    own = releases.request_pc2a(both, item, seat, ["veld:fenomeen"], "Voor het overleg.")
    with pytest.raises(services.NotAllowed):  # four eyes per person
        releases.decide(both, own, weging("PC2A", "vrijgeven"))
    with pytest.raises(services.CaseError):  # releasing needs the necessity weighed
        releases.decide(pf, own, weging("PC2A", "vrijgeven", necessity=""))
    with pytest.raises(services.NotAllowed):  # a regisseur cannot decide
        releases.decide(regie, own, weging("PC2A", "vrijgeven"))
    own.refresh_from_db()
    assert own.state == ReleaseState.AANGEVRAAGD and own.weging is None
    releases.decide(pf, own, weging("PC2A", "vrijgeven"))
    own.refresh_from_db()
    assert own.weging.type == "PC2A" and own.weging.casus == casus and own.weging.decided_by == pf


def test_externals_only_where_the_protocol_allows_and_invitees_are_participants(regie, make_user):
    casus = open_casus(regie)
    meeting, item, _ = planned_meeting(regie, casus)
    with pytest.raises(services.CaseError, match="extern"):
        meetings.invite(regie, meeting, make_user("deelnemer"), "Politie", external=True)
    with pytest.raises(services.CaseError, match="rol"):
        meetings.invite(regie, meeting, make_user("analist"), "Analyse")


def test_minutes_get_the_retention_class_of_the_meeting_kind(regie, make_user):
    for item_code, code, term in (("19.1.9", "overleg-intern", 12), ("19.1.11", "overleg-derden", 60)):
        if not ResultClass.objects.filter(selectielijst_item=item_code).exists():
            ResultClass.objects.create(code=code, name=code, selectielijst_item=item_code, term_months=term)
    internal_casus, external_casus = open_casus(regie), open_casus(regie, OTHER_NAME, "999990019")
    _, internal, _ = planned_meeting(regie, internal_casus)
    _, external, _ = planned_meeting(regie, external_casus, third_parties=True)
    meetings.record_minutes(regie, internal, "Besproken.", "")
    meetings.record_minutes(regie, external, "Besproken met de politie.", "")
    internal.refresh_from_db()
    external.refresh_from_db()
    assert internal.minutes_result_class.selectielijst_item == "19.1.9"
    assert external.minutes_result_class.selectielijst_item == "19.1.11"
    with pytest.raises(services.CaseError):
        meetings.record_minutes(regie, internal, "  ", "")


def test_pages_of_the_casusoverleg(client, setting, regie, pf):
    c = client_for(client, regie)
    meeting, casus = setting["meeting"], setting["casus"]
    assert c.get(reverse("cases:casussen")).status_code == 200
    page = c.get(reverse("cases:casus", args=[casus.reference])).content.decode()
    assert SECRET_NAME in page and OTHER_NAME in page
    assert c.get(reverse("cases:overleg", args=[meeting.pk])).status_code == 200
    printed = pdf_text(c.get(reverse("cases:agenda_pdf", args=[meeting.pk, setting["seat_a"].pk])).content)
    assert SECRET_NAME not in printed  # the agenda exactly as participant A gets it
    other = releases.request_pc2a(regie, setting["item"], setting["seat_a"], [subject_key(casus, OTHER_NAME)],
                                  "Ook de tweede betrokkene.")
    c = client_for(client, pf)
    listing = c.get(reverse("web:te_beoordelen")).content.decode()
    assert reverse("cases:vrijgave_besluiten", args=[other.pk]) in listing
    response = c.post(reverse("cases:vrijgave_besluiten", args=[other.pk]), {
        "decision": "weigeren", "reasoning": "Niet nodig voor deze deelnemer.", "purpose": "Casusoverleg",
        "legal_basis": "AVG art. 6 lid 1 sub e"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.state == ReleaseState.GEWEIGERD


def test_a_bad_release_decision_changes_nothing_and_says_why(client, setting, regie, pf):
    request = releases.request_pc2a(regie, setting["item"], setting["seat_a"], [subject_key(setting["casus"])],
                                    "Voor het overleg.")
    c = client_for(client, pf)
    response = c.post(reverse("cases:vrijgave_besluiten", args=[request.pk]), {
        "decision": "vrijgeven", "reasoning": "", "purpose": "Casusoverleg", "legal_basis": "AVG"})
    assert response.status_code == 200 and "verplicht" in response.content.decode().lower()
    request.refresh_from_db()
    assert request.state == ReleaseState.AANGEVRAAGD


@pytest.fixture
def two_regies(regie, pf, make_user):
    """One meeting, organised by ``regie``, with two casussen: ``regie``'s own (the secret
    subject released to the participant) and one led by ``other`` (who put ``regie`` on the team
    so the organiser could add it)."""
    other = make_user("regisseur", "teamlid", "beoordelaar")
    mine = open_casus(regie)
    theirs = open_casus(other, OTHER_NAME, "999990019")
    services.set_team(other, theirs, [regie])
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, mine, deelnemer)
    their_item = meetings.add_to_agenda(regie, meeting, theirs)
    release(regie, pf, item, seat, ["veld:fenomeen", subject_key(mine)])
    release(other, pf, their_item, seat, ["veld:fenomeen", subject_key(theirs, OTHER_NAME)])
    return {"other": other, "mine": mine, "theirs": theirs, "meeting": meeting, "seat": seat,
            "deelnemer": deelnemer}


def test_a_regisseur_prints_only_their_own_casussen_of_a_participants_agenda(client, regie, two_regies):
    other, meeting, seat = two_regies["other"], two_regies["meeting"], two_regies["seat"]
    printed = pdf_text(client_for(client, other).get(reverse("cases:agenda_pdf", args=[meeting.pk, seat.pk])).content)
    assert two_regies["theirs"].reference in printed and OTHER_NAME in printed
    assert two_regies["mine"].reference not in printed and SECRET_NAME not in printed and "999993653" not in printed
    # The read of the print is logged for the regisseur, and only for their casus's subject.
    logged = ProcessingLogEntry.objects.filter(user_id=other.pk, action="vrijgave_inzien", subject_type="bsn")
    assert logged.count() == 1
    # The organiser (on both casussen) prints both; the participant still sees both.
    printed = pdf_text(client_for(client, regie).get(reverse("cases:agenda_pdf", args=[meeting.pk, seat.pk])).content)
    assert SECRET_NAME in printed and OTHER_NAME in printed
    (view,) = selectors.released_to_participant(two_regies["deelnemer"])
    assert len(view.items) == 2


def test_only_the_organiser_puts_a_casus_on_the_agenda(regie, make_user):
    other = make_user("regisseur", "teamlid", "beoordelaar")
    theirs = open_casus(other, OTHER_NAME, "999990019")
    meeting = meetings.plan(regie, "Overleg van een ander", timezone.now() + timedelta(days=2))
    with pytest.raises(services.NotAllowed, match="organisator"):
        meetings.add_to_agenda(other, meeting, theirs)
    assert not meeting.agenda.exists()
    assert not selectors.meetings_for(other).filter(pk=meeting.pk).exists()
    with pytest.raises(services.NotAllowed, match="organisator"):
        meetings.invite(other, meeting, make_user("deelnemer"), "Afdeling Handhaving")
    assert not meeting.participants.exists()


def test_a_field_release_does_not_cover_a_signal_linked_after_the_decision(regie, pf, make_user):
    casus = open_casus(regie)
    first = casus.signal_links.get().signal
    deelnemer = make_user("deelnemer")
    _, item, (seat,) = planned_meeting(regie, casus, deelnemer)
    release(regie, pf, item, seat, ["veld:fenomeen", "veld:locatie"])
    later = to_research(regie, new_signal(regie, OTHER_NAME, "999990019", index=1))
    services.link_signal(regie, casus, later, weging("W4", "casus"))
    (view,) = selectors.released_to_participant(deelnemer)
    shown = [row["kenmerk"] for row in view.items[0].content.signals]
    assert shown == [first.reference] and later.reference not in json.dumps(view.items[0].content.as_dict())
    # A new release names the later signal too.
    release(regie, pf, item, seat, ["veld:fenomeen"])
    (view,) = selectors.released_to_participant(deelnemer)
    rows = {row["kenmerk"]: row for row in view.items[0].content.signals}
    assert set(rows) == {first.reference, later.reference}
    assert "locatie" in rows[first.reference] and "locatie" not in rows[later.reference]


def test_releases_end_after_the_meeting_and_with_the_casus(setting, settings):
    a, meeting, casus = setting["a"], setting["meeting"], setting["casus"]
    assert selectors.released_to_participant(a)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=31), state="gehouden")
    assert selectors.released_to_participant(a) == []
    settings.MELDPUNT_RELEASE_VISIBLE_DAYS = 60
    (view,) = selectors.released_to_participant(a)
    assert not view.items[0].content.empty
    Casus.objects.filter(pk=casus.pk).update(state="afgesloten")
    (view,) = selectors.released_to_participant(a)
    assert view.items == []


def test_showing_the_release_catalogue_and_the_minutes_is_logged(client, setting, regie):
    meeting, item, casus = setting["meeting"], setting["item"], setting["casus"]
    c = client_for(client, regie)
    page = c.get(reverse("cases:vrijgave_vragen", args=[meeting.pk, item.pk, setting["seat_a"].pk])).content.decode()
    assert SECRET_NAME in page
    assert ProcessingLogEntry.objects.filter(user_id=regie.pk, action="vrijgave_onderdelen_inzien",
                                             subject_type="bsn", object_id=str(casus.pk)).exists()
    meetings.record_minutes(regie, item, f"Besproken: {SECRET_NAME}.", "")
    page = c.get(reverse("cases:verslag", args=[meeting.pk, item.pk])).content.decode()
    assert SECRET_NAME in page
    assert ProcessingLogEntry.objects.filter(user_id=regie.pk, action="verslag_inzien", subject_type="bsn",
                                             object_id=str(casus.pk)).exists()


def test_the_meeting_page_reads_release_requests_once_for_the_whole_agenda(client, regie, pf, make_user):
    deelnemer = make_user("deelnemer")
    meeting, item, (seat,) = planned_meeting(regie, open_casus(regie), deelnemer)
    release(regie, pf, item, seat, ["veld:fenomeen"])
    c = client_for(client, regie)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("cases:overleg", args=[meeting.pk])).status_code == 200
        return len(ctx.captured_queries)

    queries()  # a first look writes the session's moment of activity and fills the header's caches
    one = queries()
    for n in range(2):
        casus = open_casus(regie, f"Extra Betrokkene {n}", "999990019")
        more = meetings.add_to_agenda(regie, meeting, casus)
        release(regie, pf, more, seat, ["veld:fenomeen"])
    assert queries() == one
