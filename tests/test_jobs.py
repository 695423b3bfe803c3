"""Background jobs in the embedded default (docs/adr/0028): without a broker every job runs in the
process that starts it, the page shows the finished result at once, and the lock holds."""

from pathlib import Path

import pytest
from django.urls import reverse

from beeld_support import beeld_dir, forget_snapshots
from meldpunt.cases.tasks import interventie_herinneringen
from meldpunt.insight.models import Snapshot
from meldpunt.insight.tasks import beeld_maken
from meldpunt.jobs import runs
from meldpunt.jobs.models import JobRun, State
from meldpunt.privacy.retention import jobs as retention_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    forget_snapshots()
    with beeld_dir(tmp_path / "beeld") as path:
        yield path


def test_the_analist_makes_a_new_beeld_and_sees_it_finished_at_once(client, make_user, folder):
    client.force_login(make_user("analist"))
    page = client.get(reverse("insight:snapshots")).content.decode()
    assert "Nieuw beeld maken" in page
    response = client.post(reverse("insight:new_snapshot"), follow=True)
    text = response.content.decode()
    snapshot = Snapshot.objects.get()
    assert "Nieuw ondermijningsbeeld maken" in text
    assert "Klaar" in text and f"Versie {snapshot.version} gemaakt" in text
    assert reverse("insight:snapshot", args=[snapshot.version]) in text
    assert 'hx-trigger="every 2s"' not in text  # finished: nothing left to poll
    run = JobRun.objects.get()
    assert (run.state, run.attempts, run.progress_percent) == (State.KLAAR, 1, 100)


def test_only_analist_and_beheerder_may_start_a_beeld(client, make_user, folder):
    for role in ("regisseur", "beoordelaar"):
        client.force_login(make_user(role))
        assert client.post(reverse("insight:new_snapshot")).status_code == 403
    assert not JobRun.objects.exists() and not Snapshot.objects.exists()
    client.force_login(make_user("beheerder"))
    response = client.post(reverse("insight:new_snapshot"), follow=True)
    assert "Klaar" in response.content.decode()


def test_a_job_page_is_for_who_started_it_and_the_beheerder(client, make_user):
    run = interventie_herinneringen.start(user=make_user("analist"))
    assert run.state == State.KLAAR and run.result_text.endswith("herinnering(en) verstuurd.")
    client.force_login(make_user("analist"))
    assert client.get(reverse("jobs:taak", args=[run.pk])).status_code == 403
    client.force_login(run.started_by)
    assert "herinnering(en) verstuurd" in client.get(reverse("jobs:taak", args=[run.pk])).content.decode()
    client.force_login(make_user("beheerder"))
    assert client.get(reverse("jobs:taak", args=[run.pk])).status_code == 200


def test_a_job_already_running_is_not_started_again(make_user):
    running = JobRun.objects.create(task_name=interventie_herinneringen.name, title="x",
                                    lock_key=interventie_herinneringen.name, state=State.BEZIG)
    again = interventie_herinneringen.start(user=make_user("beheerder"))
    assert again.pk == running.pk and JobRun.objects.count() == 1


def test_a_run_that_lost_its_worker_long_ago_no_longer_blocks(make_user, settings):
    stale = JobRun.objects.create(task_name=interventie_herinneringen.name, title="x",
                                  lock_key=interventie_herinneringen.name, state=State.BEZIG)
    JobRun.objects.filter(pk=stale.pk).update(created_at=stale.created_at.replace(year=stale.created_at.year - 1))
    run = interventie_herinneringen.start()
    stale.refresh_from_db()
    assert run.state == State.KLAAR and stale.state == State.MISLUKT
    assert "geen teken van leven" in stale.error_text


def test_a_failure_in_the_process_is_shown_failed_to_the_beheerder(client, make_user, tmp_path):
    blocker = tmp_path / "geen-map"
    blocker.write_text("een bestand waar een map hoort")
    forget_snapshots()
    with beeld_dir(blocker):
        run = beeld_maken.start(user=make_user("beheerder"))
    assert run.state == State.MISLUKT
    assert run.error_text == ("De taak kon een bestand of map niet lezen of schrijven. "
                              "Controleer de schijf en de rechten.")
    client.force_login(make_user("beheerder"))
    page = client.get(reverse("jobs:achtergrondtaken")).content.decode()
    assert "1 taak is mislukt" in page and "Opnieuw starten" in page
    assert "Controleer de schijf en de rechten" in page
    # Restarted once the disk is right: the failure is no longer listed as open.
    with beeld_dir(tmp_path / "beeld"):
        response = client.post(reverse("jobs:opnieuw", args=[run.pk]), follow=True)
    assert "Klaar" in response.content.decode()
    assert "Geen mislukte taken" in client.get(reverse("jobs:achtergrondtaken")).content.decode()


def test_outside_a_job_progress_does_nothing():
    runs.progress("niets")  # a management command calls the same services


def test_the_schedule_in_words_matches_the_timers(client, make_user):
    client.force_login(make_user("beheerder"))
    page = client.get(reverse("jobs:achtergrondtaken")).content.decode()
    assert "Bewaartermijnen (dagelijkse taak): elke dag om 02:30" in page
    assert "Ondermijningsbeeld volgens schema bijwerken: elke dag om 03:30" in page
    assert "Signalen uit registraties (dataregels): elke maandag om 05:00" in page
    assert "Herinneringen interventies: elke dag om 07:00" in page
    assert "Meldingen: wachtend en te laat werk: elke dag om 06:30" in page
    assert "Meldingen: e-mails opnieuw versturen: elk uur, 15 minuten over het hele uur" in page


def test_beat_retries_mails_when_the_hourly_timer_does(settings):
    timer = Path(__file__).resolve().parent.parent / "deploy" / "systemd" / "meldpunt-meldingen-opnieuw.timer"
    assert "OnCalendar=*-*-* *:15:00" in timer.read_text()
    task = "meldpunt.notifications.retry_pending"
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == task]
    assert entry["schedule"].minute == {15} and len(entry["schedule"].hour) == 24


def test_the_daily_retention_run_clears_runs_older_than_a_year():
    old = JobRun.objects.create(task_name="t", title="Oud", lock_key="t", state=State.KLAAR)
    JobRun.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=old.created_at.year - 2))
    recent = JobRun.objects.create(task_name="t", title="Recent", lock_key="t", state=State.MISLUKT)
    summary = retention_jobs.run()
    assert "Achtergrondtaken opgeruimd: 1." in summary.lines
    assert list(JobRun.objects.values_list("pk", flat=True)) == [recent.pk]


TIMERS = {"meldpunt-retention": "meldpunt.retention.dagelijks",
          "meldpunt-beeld": "meldpunt.insight.beeld_volgens_schema",
          "meldpunt-datasignalen": "meldpunt.intake.datasignalen",
          "meldpunt-interventies": "meldpunt.cases.interventie_herinneringen",
          "meldpunt-meldingen-signalering": "meldpunt.notifications.scan",
          "meldpunt-meldingen-samenvatting": "meldpunt.notifications.digest"}


@pytest.mark.parametrize("timer", sorted(TIMERS))
def test_beat_runs_each_job_when_its_systemd_timer_does(settings, timer):
    """Celery beat replaces the timers as the documented schedule: the same moments."""
    text = (Path(__file__).resolve().parent.parent / "deploy" / "systemd" / f"{timer}.timer").read_text()
    calendar = next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith("OnCalendar="))
    day, _, clock = calendar.rpartition(" ")
    hour, minute, _second = (int(part) for part in clock.split(":"))
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == TIMERS[timer]]
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({hour}, {minute})
    weekly = day.startswith("Mon")
    assert schedule.day_of_week == ({1} if weekly else set(range(7)))


def test_a_restart_runs_in_the_name_of_who_restarts_it(client, make_user, folder):
    analist, beheerder = make_user("analist"), make_user("beheerder")
    failed = JobRun.objects.create(task_name=beeld_maken.name, title="Nieuw ondermijningsbeeld maken",
                                   lock_key=beeld_maken.name, state=State.MISLUKT,
                                   arguments={"user_id": analist.pk}, started_by=analist)
    client.force_login(beheerder)
    client.post(reverse("jobs:opnieuw", args=[failed.pk]))
    again = JobRun.objects.get(retry_of=failed)
    assert again.arguments == {"user_id": beheerder.pk} and again.started_by == beheerder
    assert again.state == State.KLAAR


def test_the_beheerder_starts_a_scheduled_job_now(client, make_user):
    beheerder = make_user("beheerder")
    client.force_login(beheerder)
    page = client.get(reverse("jobs:achtergrondtaken")).content.decode()
    assert 'aria-label="Herinneringen interventies nu starten"' in page
    assert 'aria-label="Hartslag van de werker nu starten"' not in page  # not a job with a run
    response = client.post(reverse("jobs:nu_starten", args=["interventieherinneringen"]), follow=True)
    assert "Herinneringen interventies" in response.content.decode() and "Klaar" in response.content.decode()
    assert JobRun.objects.get().started_by == beheerder
    assert client.post(reverse("jobs:nu_starten", args=["hartslag"])).status_code == 404
    assert client.post(reverse("jobs:nu_starten", args=["bestaat-niet"])).status_code == 404
    client.force_login(make_user("analist"))
    assert client.post(reverse("jobs:nu_starten", args=["interventieherinneringen"])).status_code == 403
