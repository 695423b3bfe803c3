"""Jobs on a queue with a real Celery worker (docs/adr/0028): `celery -A meldpunt worker` in its own
process, on the machine's Redis (db 2, a fresh queue per test run) and on the test database, which
it shares with this process — so the database must be a file or PostgreSQL, not SQLite in memory
(`make test-worker` runs this module on a SQLite file; `make test-postgres` on PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from meldpunt.celery import app
from meldpunt.health import heartbeat
from meldpunt.insight.tasks import beeld_maken
from meldpunt.intake.models import Signal
from meldpunt.jobs.models import JobRun, State
from meldpunt.privacy.retention import services as retention
from test_retention_support import due_signal, pass_cooling_off

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
REDIS = os.environ.get("MELDPUNT_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
QUEUE = f"meldpunt-test-{uuid.uuid4().hex[:10]}"


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        if connection.is_in_memory_db():
            pytest.skip("De werker deelt de testdatabase alleen als bestand of op PostgreSQL "
                        "(make test-worker zet MELDPUNT_TEST_DB_NAME).")
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(what, seconds: float = 60.0, every: float = 0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"Niet binnen {seconds} s: {what.__doc__ or what}")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker process for the module (two processes of its own: jobs can run side by side)."""
    with django_db_blocker.unblock():
        database_url = _database_url()
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis antwoordt niet op {REDIS}: .ci/run start redis-server.")
    beeld = tmp_path_factory.mktemp("werker") / "beeld"
    log = tmp_path_factory.mktemp("werker-log") / "worker.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "meldpunt.settings.test",
           "MELDPUNT_DATABASE_URL": database_url, "MELDPUNT_REDIS_URL": REDIS, "MELDPUNT_CELERY_QUEUE": QUEUE,
           "MELDPUNT_VAR_DIR": str(django_settings.VAR_DIR), "MELDPUNT_BEELD_DIR": str(beeld),
           "MELDPUNT_JOB_RETRIES": "2", "MELDPUNT_JOB_RETRY_SECONDS": "1",
           "MELDPUNT_WORKER_HEARTBEAT_SECONDS": "1", "MELDPUNT_BEELD_THREADS": "1"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "meldpunt", "worker", "-Q", QUEUE, "-c", "2", "-l", "info",
             "--without-gossip", "--without-mingle", "-n", f"{QUEUE}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, 60)
        if process.poll() is not None:
            pytest.fail(f"De werker stopte meteen:\n{log.read_text()[-3000:]}")
        yield type("Worker", (), {"beeld": beeld, "log": log, "process": process})
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        redis.Redis.from_url(REDIS).delete(QUEUE)


@pytest.fixture
def queue(worker, settings):
    """This process sends to the worker's queue and shares its cache, as a web process in production."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}}
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=REDIS, task_default_queue=QUEUE)
    _new_connections()
    yield worker
    app.conf.update(saved)
    _new_connections()


def _new_connections():
    """An in-process job run earlier in the session opened the app's connection pool on the
    memory transport; connect anew to the broker now configured (a web process never switches)."""
    app._pool = None
    app.amqp._producer_pool = None


def _state(pk) -> str:
    return JobRun.objects.get(pk=pk).state


def test_the_analist_starts_a_beeld_that_the_worker_makes(client, make_user, queue, demo_reloaded):
    client.force_login(make_user("analist"))
    response = client.post(reverse("insight:new_snapshot"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nieuw ondermijningsbeeld maken" in page
    assert "In de wachtrij" in page or "Bezig" in page
    assert 'hx-trigger="every 2s"' in page  # the page asks again until the job is done
    run = JobRun.objects.get()

    def finished():
        part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
        return part if "Klaar" in part or "Mislukt" in part else None

    part = wait_for(finished, 120, 1)
    assert "Versie 1 gemaakt" in part and "Bekijk het resultaat" in part, part
    run.refresh_from_db()
    assert run.state == State.KLAAR and run.attempts == 1


def test_a_failing_job_is_retried_then_shown_failed_to_the_beheerder(client, make_user, queue):
    shutil.rmtree(queue.beeld, ignore_errors=True)
    queue.beeld.write_text("een bestand waar de map van het beeld hoort")  # the disk is wrong
    try:
        run = beeld_maken.start(user=make_user("beheerder"))
        assert wait_for(lambda: _state(run.pk) == State.OPNIEUW, 30, 0.1)
        wait_for(lambda: _state(run.pk) == State.MISLUKT, 60)
    finally:
        queue.beeld.unlink()
    run.refresh_from_db()
    assert run.attempts == 3  # the first try and two retries (MELDPUNT_JOB_RETRIES=2)
    client.force_login(make_user("beheerder"))
    page = client.get(reverse("jobs:achtergrondtaken")).content.decode()
    assert "1 taak is mislukt en nog niet opnieuw gestart" in page
    assert "De taak kon een bestand of map niet lezen of schrijven." in page
    # Opnieuw starten, now that the disk is right: the worker runs it and the failure is resolved.
    response = client.post(reverse("jobs:opnieuw", args=[run.pk]))
    again = JobRun.objects.get(retry_of=run)
    wait_for(lambda: _state(again.pk) == State.KLAAR, 120)
    assert response["Location"] == reverse("jobs:taak", args=[again.pk])
    assert "Geen mislukte taken" in client.get(reverse("jobs:achtergrondtaken")).content.decode()


def test_two_starts_at_the_same_moment_run_the_job_once(make_user, queue):
    user = make_user("analist")
    barrier, started = threading.Barrier(2), []

    def start():
        barrier.wait()
        try:
            started.append(beeld_maken.start(user=user, user_id=user.pk).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(started) == 2 and started[0] == started[1]
    wait_for(lambda: _state(started[0]) == State.KLAAR, 120)
    assert JobRun.objects.count() == 1

    # The same job sent twice straight onto the queue (as Celery beat and a shell might): both
    # messages reach the worker's two processes, one runs and the other is skipped.
    beeld_maken.apply_async(kwargs={"user_id": user.pk})
    beeld_maken.apply_async(kwargs={"user_id": user.pk})
    wait_for(lambda: JobRun.objects.filter(state__in=[State.KLAAR, State.OVERGESLAGEN]).count() == 3, 120)
    states = sorted(JobRun.objects.exclude(pk=started[0]).values_list("state", flat=True))
    assert states == [State.KLAAR, State.OVERGESLAGEN]
    assert JobRun.objects.get(state=State.OVERGESLAGEN).result_text == "Niet uitgevoerd: deze taak liep al."


def test_the_archivaris_executes_a_list_through_the_worker(client, make_user, queue, demo_reloaded):
    staff = make_user("beoordelaar", "regisseur", "teamlid")
    archivaris, tweede = make_user("archivaris"), make_user("archivaris")
    signal = due_signal(staff)
    destruction_list = retention.compose(archivaris, "Via de werker")
    retention.review(tweede, destruction_list, True)
    pass_cooling_off(destruction_list)
    client.force_login(archivaris)
    response = client.post(reverse("retention:uitvoeren", args=[destruction_list.pk]))
    run = JobRun.objects.get()
    assert response["Location"] == reverse("jobs:taak", args=[run.pk])  # on the queue: its page

    def finished():
        part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
        return part if "Klaar" in part or "Mislukt" in part else None

    part = wait_for(finished, 60, 0.5)
    assert "1 dossiers vernietigd" in part and "Bekijk het resultaat" in part, part
    assert not Signal.objects.filter(pk=signal.pk).exists()
    assert run.lock_key == f"meldpunt.retention.vernietigen:{destruction_list.pk}"


def test_the_worker_heartbeat_makes_the_worker_probe_green(client, queue, settings):
    settings.MELDPUNT_WORKER_EXPECTED = True
    settings.MELDPUNT_WORKER_HEARTBEAT_MAX_SECONDS = 5
    cache.set(heartbeat.KEY, time.time() - 60)  # a heartbeat of a minute ago: too old
    # The worker records it every second here (every 30 s by default) without any job running.
    wait_for(lambda: client.get("/gezondheid/werker").status_code == 200, 15)
    assert client.get("/gezondheid/werker").json() == {"status": "in orde"}
    assert heartbeat.age_seconds() < 5
    # And through the queue: the beat task 'hartslag' is run by the worker.
    app.send_task("meldpunt.jobs.hartslag")
    wait_for(lambda: "meldpunt.jobs.hartslag" in queue.log.read_text() and "succeeded" in queue.log.read_text(), 15)


def _finished(client, location):
    def finished():
        part = client.get(location, headers={"HX-Request": "true"}).content.decode()
        return part if "Klaar" in part or "Mislukt" in part else None
    return finished


def test_the_beoordelaar_imports_signals_through_the_worker(client, make_user, queue, demo_reloaded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user("beoordelaar"))
    before = set(Signal.objects.values_list("reference", flat=True))
    content = (b"omschrijving;fenomeen\nHennepgeur uit de schuur achter de boerderij.;hennepteelt_drugs\n"
               b"Vaten en jerrycans in het bos gedumpt.;drugslab_buitengebied\n")
    response = client.post(reverse("intake:signalen_importeren"),
                           {"bestand": SimpleUploadedFile("lijst.csv", content, content_type="text/csv")})
    run = JobRun.objects.get()
    assert response["Location"] == reverse("jobs:taak", args=[run.pk])  # on the queue: its page
    part = wait_for(_finished(client, response["Location"]), 60, 0.5)
    new = set(Signal.objects.values_list("reference", flat=True)) - before
    assert "2 signalen ingelezen" in part and len(new) == 2 and all(reference in part for reference in new), part


def test_the_privacyfunctionaris_gets_the_answer_package_from_the_worker(client, make_user, queue, demo_reloaded):
    from test_inzage import _request_on, decide_all
    from test_retention_support import new_signal

    pf = make_user("privacyfunctionaris")
    new_signal(make_user("beoordelaar"))
    access_request = _request_on(pf)
    decide_all(pf, access_request)
    client.force_login(pf)
    response = client.post(reverse("inzage:pakket_maken", args=[access_request.reference]))
    run = JobRun.objects.get()
    assert response["Location"] == reverse("jobs:taak", args=[run.pk])
    part = wait_for(_finished(client, response["Location"]), 60, 0.5)
    assert f"Antwoordpakket voor {access_request.reference} gemaakt op" in part and "Bekijk het resultaat" in part, part
    answer = client.get(reverse("inzage:pakket_json", args=[access_request.reference]))
    assert answer.status_code == 200 and b'"kenmerk": "' + access_request.reference.encode() in answer.content
