"""The plan van aanpak: interventions from the instrument catalogue, an intervention cannot start
without its PC2B release (P3), the uitvoerder sees only what PC2B released (P1), reminders for
overdue interventions are idempotent, and progress is monitored."""

import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factories import (
    OTHER_NAME,
    SECRET_NAME,
    add_intervention,
    new_signal,
    open_casus,
    planned_meeting,
    release,
    subject_key,
    to_research,
    weging,
)
from meldpunt.cases import interventions, meetings, releases, selectors, services
from meldpunt.cases.catalogue import INSTRUMENTS
from meldpunt.cases.models import Casus, Instrument, Intervention, InterventionStatus, Reminder
from meldpunt.privacy.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


@pytest.fixture
def pf(make_user):
    return make_user("privacyfunctionaris")


@pytest.fixture
def planned(regie, pf, make_user):
    """A casus in 'casusoverleg' (PC2A decided, minutes recorded), ready for its plan van aanpak."""
    casus = open_casus(regie)
    meeting, item, (seat,) = planned_meeting(regie, casus, make_user("deelnemer"))
    release(regie, pf, item, seat, ["veld:fenomeen"])
    services.transition(regie, casus, "casus_agenderen")
    meetings.record_minutes(regie, item, "Besproken.", "Sluiting voorbereiden.")
    return casus


def test_the_catalogue_is_seeded_with_basis_authority_and_department():
    assert Instrument.objects.count() >= len(INSTRUMENTS)
    damocles = Instrument.objects.get(code="sluiting-13b-opiumwet")
    assert "13b" in damocles.legal_basis and damocles.competent_authority == "Burgemeester" and damocles.department
    for code in ("sluiting-174a-gemeentewet", "bibob-onderzoek", "last-onder-dwangsom", "brp-adresonderzoek",
                 "bestuurlijke-rapportage-riec", "gebiedsverbod", "preventief-gesprek-zorgtraject"):
        assert Instrument.objects.filter(code=code, active=True).exists()


def test_an_intervention_cannot_start_without_its_pc2b_release(regie, pf, planned, make_user):
    uitvoerder = make_user("uitvoerder")
    action = add_intervention(regie, planned, uitvoerder)
    with pytest.raises(services.CaseError, match="2B"):
        interventions.report(uitvoerder, action, InterventionStatus.IN_UITVOERING, "Start.")
    request = releases.request_pc2b(regie, action, ["veld:locatie"], "Het adres van het pand.")
    with pytest.raises(services.CaseError, match="2B"):  # asked is not released
        interventions.report(uitvoerder, action, InterventionStatus.IN_UITVOERING, "Start.")
    releases.decide(pf, request, weging("PC2B", "weigeren"))
    with pytest.raises(services.CaseError, match="2B"):  # refused is not released either
        interventions.report(uitvoerder, action, InterventionStatus.IN_UITVOERING, "Start.")
    action.refresh_from_db()
    assert action.status == InterventionStatus.GEPLAND and not action.updates.exists()
    # The casus cannot go to 'uitvoering' either.
    services.transition(regie, planned, "pva_vaststellen")
    with pytest.raises(services.CaseError, match="2B"):
        services.transition(regie, planned, "uitvoering_starten")
    again = releases.request_pc2b(regie, action, ["veld:locatie"], "Het adres van het pand.")
    releases.decide(pf, again, weging("PC2B", "vrijgeven"))
    interventions.report(uitvoerder, action, InterventionStatus.IN_UITVOERING, "Start.")
    action.refresh_from_db()
    assert action.status == InterventionStatus.IN_UITVOERING and action.started_at
    services.transition(regie, planned, "uitvoering_starten")


def test_the_uitvoerder_sees_exactly_the_pc2b_release_and_nothing_else(regie, pf, planned, make_user, client):
    uitvoerder, other = make_user("uitvoerder"), make_user("uitvoerder")
    action = add_intervention(regie, planned, uitvoerder)
    add_intervention(regie, planned, other, code="bibob-onderzoek")
    request = releases.request_pc2b(regie, action, ["veld:locatie", subject_key(planned)], "Adres en bewoner.")
    releases.decide(pf, request, weging("PC2B", "deels"), ["veld:locatie"])
    client.force_login(uitvoerder)
    page = client.get(reverse("web:mijn_acties")).content.decode()
    assert "Sluiting drugspand" in page and "Bibob" not in page
    detail = client.get(reverse("cases:actie", args=[action.pk])).content.decode()
    assert "locatie" in detail.lower() and SECRET_NAME not in detail and "999993653" not in detail
    body = json.dumps(client.get("/api/v1/mijn-acties").json())
    assert "Sluiting drugspand" in body and SECRET_NAME not in body and "Bibob" not in body
    assert client.get(reverse("cases:casus", args=[planned.reference])).status_code == 403
    client.force_login(other)  # another uitvoerder cannot open this intervention
    assert client.get(reverse("cases:actie", args=[action.pk])).status_code == 404


def test_progress_through_the_page_and_rules_per_status(regie, pf, planned, make_user, client):
    uitvoerder = make_user("uitvoerder")
    action = add_intervention(regie, planned, uitvoerder)
    releases.decide(pf, releases.request_pc2b(regie, action, ["veld:locatie"], "Adres."), weging("PC2B", "vrijgeven"))
    client.force_login(uitvoerder)
    url = reverse("cases:actie", args=[action.pk])
    assert client.post(url, {"status": "afgerond", "result": "Klaar."}).status_code == 200  # not started yet
    assert client.post(url, {"status": "in_uitvoering", "note": "Gestart."}).status_code == 302
    response = client.post(url, {"status": "afgerond", "result": ""})
    assert response.status_code == 200 and "resultaat" in response.content.decode().lower()
    assert client.post(url, {"status": "afgerond", "result": "Pand gesloten."}).status_code == 302
    action.refresh_from_db()
    assert action.status == InterventionStatus.AFGEROND and action.result == "Pand gesloten." and action.finished_at
    assert list(action.updates.values_list("status", flat=True)) == ["in_uitvoering", "afgerond"]
    assert ProcessingLogEntry.objects.filter(action="interventie_afgerond", user_id=uitvoerder.pk).exists()


def test_adding_interventions_checks_owner_deadline_and_state(regie, planned, make_user):
    damocles = Instrument.objects.get(code="sluiting-13b-opiumwet")
    with pytest.raises(services.CaseError, match="uitvoerder"):
        interventions.add(regie, planned, damocles, "x", make_user("deelnemer"), timezone.localdate())
    with pytest.raises(services.CaseError, match="verleden"):
        interventions.add(regie, planned, damocles, "x", make_user("uitvoerder"),
                          timezone.localdate() - timedelta(days=1))
    fresh = open_casus(regie, "Nog Iemand", "999990019")
    with pytest.raises(services.CaseError, match="plan van aanpak"):
        interventions.add(regie, fresh, damocles, "x", make_user("uitvoerder"), timezone.localdate())


def test_reminders_for_overdue_interventions_are_idempotent(regie, planned, make_user, settings,
                                                           django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    uitvoerder = make_user("uitvoerder")
    uitvoerder.email = "uitvoerder@example.org"
    uitvoerder.save()
    action = add_intervention(regie, planned, uitvoerder)
    add_intervention(regie, planned, uitvoerder, code="bibob-onderzoek", days=60)
    later = timezone.localdate() + timedelta(days=31)
    assert [i.pk for i in interventions.overdue(later)] == [action.pk]
    # The reminder is a melding whose e-mail goes once the reminder has committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert interventions.remind_overdue(later) == 1
        assert interventions.remind_overdue(later) == 0  # same day: nothing new
        call_command("interventie_herinneringen")  # today nothing is overdue
    assert Reminder.objects.filter(intervention=action).count() == 1
    assert len(mail.outbox) == 1 and planned.reference in mail.outbox[0].body
    assert SECRET_NAME not in mail.outbox[0].body
    assert interventions.remind_overdue(later + timedelta(days=1)) == 1  # the next day again
    # Monitoring: the casus list counts what is over its deadline.
    from meldpunt.cases.models import Intervention

    Intervention.objects.filter(pk=action.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    (row,) = [c for c in selectors.case_list(regie) if c.pk == planned.pk]
    assert (row.n_open, row.n_overdue) == (2, 1)


def test_the_reminder_job_takes_a_peildatum(regie, planned, make_user):
    """`meldpunt interventie_herinneringen --peildatum`: rehearse a reminder round (issue 12)."""
    action = add_intervention(regie, planned, make_user("uitvoerder"))
    call_command("interventie_herinneringen", stdout=io.StringIO())
    assert not Reminder.objects.filter(intervention=action).exists()
    later = timezone.localdate() + timedelta(days=31)
    out = io.StringIO()
    call_command("interventie_herinneringen", "--peildatum", later.isoformat(), stdout=out)
    assert "1 herinnering(en) verstuurd." in out.getvalue()
    assert Reminder.objects.get(intervention=action).sent_on == later
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("interventie_herinneringen", "--peildatum", "morgen")
    assert Reminder.objects.filter(intervention=action).count() == 1


def test_selectors_actions_of_only_own(regie, planned, make_user):
    uitvoerder = make_user("uitvoerder")
    add_intervention(regie, planned, uitvoerder)
    assert len(selectors.actions_of(uitvoerder)) == 1
    assert selectors.actions_of(make_user("uitvoerder")) == []
    assert selectors.actions_of(make_user("deelnemer")) == []


def test_the_description_shows_only_once_pc2b_is_released(regie, pf, planned, make_user, client):
    uitvoerder = make_user("uitvoerder")
    action = interventions.add(regie, planned, Instrument.objects.get(code="sluiting-13b-opiumwet"),
                               f"Pand van {SECRET_NAME} sluiten.", uitvoerder, timezone.localdate() + timedelta(days=9))
    client.force_login(uitvoerder)
    url = reverse("cases:actie", args=[action.pk])
    before = client.get(url).content.decode()
    assert SECRET_NAME not in before and "privacytoets 2B" in before
    releases.decide(pf, releases.request_pc2b(regie, action, ["veld:fenomeen"], "Wat er speelt."),
                    weging("PC2B", "vrijgeven"))
    # Free text under the release (ADR 0021): the subject's name only once the subject is released.
    after = client.get(url).content.decode()
    assert "Pand van [persoon] sluiten." in after and SECRET_NAME not in after
    releases.decide(pf, releases.request_pc2b(regie, action, [subject_key(planned)], "Wie het is."),
                    weging("PC2B", "vrijgeven"))
    assert f"Pand van {SECRET_NAME} sluiten." in client.get(url).content.decode()


def test_a_pc2b_release_covers_only_the_signals_linked_when_it_was_decided(regie, pf, planned, make_user):
    uitvoerder = make_user("uitvoerder")
    action = add_intervention(regie, planned, uitvoerder)
    releases.decide(pf, releases.request_pc2b(regie, action, ["veld:locatie"], "Adres."), weging("PC2B", "vrijgeven"))
    first = planned.signal_links.get().signal
    later = to_research(regie, new_signal(regie, OTHER_NAME, "999990019", index=1))
    services.link_signal(regie, planned, later, weging("W4", "casus"))
    (seen,) = selectors.actions_of(uitvoerder)
    assert [row["kenmerk"] for row in seen.content.signals] == [first.reference]


def test_the_uitvoerder_sees_nothing_once_the_release_has_ended(regie, pf, planned, make_user, settings):
    uitvoerder = make_user("uitvoerder")
    action = add_intervention(regie, planned, uitvoerder)
    releases.decide(pf, releases.request_pc2b(regie, action, ["veld:locatie"], "Adres."), weging("PC2B", "vrijgeven"))
    assert selectors.action_of(uitvoerder, action.pk).content.signals
    Intervention.objects.filter(pk=action.pk).update(status="afgerond", finished_at=timezone.now() - timedelta(days=31))
    ended = selectors.action_of(uitvoerder, action.pk)
    assert ended.ended and not ended.released and ended.content.empty
    Intervention.objects.filter(pk=action.pk).update(finished_at=timezone.now() - timedelta(days=2))
    assert selectors.action_of(uitvoerder, action.pk).content.signals
    Casus.objects.filter(pk=planned.pk).update(state="afgesloten")
    assert selectors.action_of(uitvoerder, action.pk).content.empty


def test_the_action_list_loads_no_released_data_per_intervention(regie, pf, planned, make_user, client):
    uitvoerder = make_user("uitvoerder")
    client.force_login(uitvoerder)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("web:mijn_acties")).status_code == 200
        return len(ctx.captured_queries)

    action = add_intervention(regie, planned, uitvoerder)
    releases.decide(pf, releases.request_pc2b(regie, action, ["veld:locatie"], "Adres."), weging("PC2B", "vrijgeven"))
    queries()  # a first look writes the session's moment of activity and fills the header's caches
    one = queries()
    for code in ("bibob-onderzoek", "last-onder-dwangsom"):
        more = add_intervention(regie, planned, uitvoerder, code=code)
        releases.decide(pf, releases.request_pc2b(regie, more, ["veld:locatie"], "Adres."),
                        weging("PC2B", "vrijgeven"))
    assert queries() == one
    assert not ProcessingLogEntry.objects.filter(user_id=uitvoerder.pk, action="vrijgave_inzien").exists()
