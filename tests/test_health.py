"""Health for operations (issue 17 part 4, docs/adr/0027): liveness, readiness, the worker's
heartbeat, the beheerder's page, and JSON logs without personal data."""

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db.models import F

from meldpunt.accounts.roles import Role
from meldpunt.core import keys
from meldpunt.core.logformat import JsonFormatter, NoPersonalData
from meldpunt.health import checks, heartbeat
from meldpunt.privacy import chain
from meldpunt.privacy.models import LogChainHead, ProcessingLogEntry, SecurityLogEntry
from meldpunt.privacy.security import log_event

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/15"
# A BSN that passes the elfproef, an e-mail address and a phone number: none may reach the log.
BSN, EMAIL, PHONE = "999993653", "j.jansen@example.org", "06-12345678"


def _answer(response):
    assert response["Content-Type"] == "application/json"
    assert {"no-cache", "no-store"} & set(response["Cache-Control"].replace(" ", "").split(","))
    return response.status_code, json.loads(response.content)


@pytest.fixture
def key_files(settings, tmp_path):
    """A var folder of its own holding the three key files, made as the running app makes them."""
    keys._fernet(), keys._pseudonym_key(), chain._key()  # the real files exist in the test var folder
    for _label, setting, filename in checks.KEYS:
        setattr(settings, setting, "")
        shutil.copy(Path(django_settings.VAR_DIR) / filename, tmp_path / filename)
    settings.VAR_DIR = tmp_path
    return tmp_path


# ----------------------------------------------------------------------------- the probes


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert _answer(client.get("/gezondheid/leeft")) == (200, {"status": "in orde"})


@pytest.mark.django_db
def test_ready_when_every_check_holds(client, key_files):
    log_event("inloggen", username="gezondheid-test")  # a chain with lines, whose last line is checked
    assert _answer(client.get("/gezondheid/gereed")) == (200, {"status": "gereed"})


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["encryption_key", "pseudonym_key", "log_chain_key"])
def test_not_ready_when_a_key_file_is_missing(client, key_files, missing):
    (key_files / missing).unlink()
    status, body = _answer(client.get("/gezondheid/gereed"))
    # The public answer says no more than that: not which key, nor where it lives.
    assert (status, body) == (503, {"status": "niet gereed"})
    (outcome,) = [o for o in checks.run() if o.name == "Sleutels buiten de database"]
    assert outcome.failed and "Ontbreekt" in outcome.explanation
    assert str(key_files) not in outcome.explanation


@pytest.mark.django_db
def test_a_key_in_a_setting_needs_no_file(client, key_files, settings):
    (key_files / "pseudonym_key").unlink()
    settings.MELDPUNT_PSEUDONYM_KEY = "uit-de-omgeving"
    assert _answer(client.get("/gezondheid/gereed"))[0] == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", [SecurityLogEntry, ProcessingLogEntry])
def test_not_ready_when_a_chain_head_was_moved_back(client, key_files, model):
    log_event("inloggen", username="gezondheid-test")
    assert _answer(client.get("/gezondheid/gereed"))[0] == 200
    # Someone with database rights moves the head back to hide the last lines.
    LogChainHead.objects.filter(chain=model.CHAIN).update(last_seq=F("last_seq") - 1)
    assert _answer(client.get("/gezondheid/gereed")) == (503, {"status": "niet gereed"})
    (outcome,) = [o for o in checks.run() if o.name == "Koppen van de logketens"]
    assert "gewijzigd buiten de applicatie om" in outcome.explanation


@pytest.mark.django_db
def test_not_ready_when_the_head_names_another_last_line(client, key_files):
    log_event("inloggen", username="gezondheid-test")
    head = LogChainHead.objects.get(chain=SecurityLogEntry.CHAIN)
    head.last_hash = "f" * 64
    chain.save_head(head)  # even with a valid keyed hash on the head (the key was stolen too)
    assert _answer(client.get("/gezondheid/gereed"))[0] == 503
    (outcome,) = [o for o in checks.run() if o.name == "Koppen van de logketens"]
    assert "niet de regel die de kop noemt" in outcome.explanation


# --------------------------------------------------------------------------------- Redis


@pytest.mark.django_db
def test_redis_is_not_configured_in_the_embedded_default(client, key_files, settings):
    settings.MELDPUNT_REDIS_URL = ""
    assert _answer(client.get("/gezondheid/gereed"))[0] == 200
    (outcome,) = [o for o in checks.run() if o.name == "Redis"]
    assert outcome.state == "niet geconfigureerd" and not outcome.failed


@pytest.mark.django_db
def test_redis_configured_answers_on_the_machines_redis(client, key_files, settings):
    settings.MELDPUNT_REDIS_URL = REDIS
    assert _answer(client.get("/gezondheid/gereed")) == (200, {"status": "gereed"})
    (outcome,) = [o for o in checks.run() if o.name == "Redis"]
    assert outcome.state == "in orde"


@pytest.mark.django_db
def test_redis_configured_but_not_answering_is_not_ready(client, key_files, settings):
    settings.MELDPUNT_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert _answer(client.get("/gezondheid/gereed")) == (503, {"status": "niet gereed"})
    (outcome,) = [o for o in checks.run() if o.name == "Redis"]
    assert outcome.explanation == "Redis antwoordt niet."


# ------------------------------------------------------------------------------- worker


@pytest.mark.django_db
def test_worker_probe_without_a_worker(client, settings):
    settings.MELDPUNT_WORKER_EXPECTED = False
    assert _answer(client.get("/gezondheid/werker")) == (200, {"status": "niet geconfigureerd"})


@pytest.mark.django_db
def test_worker_heartbeat_through_the_machines_redis(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}}
    settings.MELDPUNT_WORKER_EXPECTED = True
    settings.MELDPUNT_WORKER_HEARTBEAT_MAX_SECONDS = 60
    from django.core.cache import cache

    cache.delete(heartbeat.KEY)
    assert _answer(client.get("/gezondheid/werker")) == (503, {"status": "niet in orde"})
    heartbeat.record()  # as a worker in another process does: the shared cache carries it
    assert _answer(client.get("/gezondheid/werker")) == (200, {"status": "in orde"})
    cache.set(heartbeat.KEY, time.time() - 120)
    assert _answer(client.get("/gezondheid/werker")) == (503, {"status": "niet in orde"})
    cache.delete(heartbeat.KEY)


# ------------------------------------------------------------------------- beheerder's page


@pytest.mark.django_db
def test_only_the_beheerder_sees_the_checks_by_name(client, make_user, key_files):
    for role in Role:
        if role == Role.BEHEERDER:
            continue
        client.force_login(make_user(role))
        assert client.get("/beheer/gezondheid/").status_code in (302, 403), role
    client.force_login(make_user(Role.BEHEERDER))
    page = client.get("/beheer/gezondheid/").content.decode()
    for name in ("Database", "Redis", "Sleutels buiten de database", "Koppen van de logketens",
                 "Hartslag van de werker", "Niet geconfigureerd"):
        assert name in page


# ------------------------------------------------------------------------------ JSON logs


def test_json_log_line_parses_and_carries_no_personal_data():
    stream = __import__("io").StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(NoPersonalData())
    logger = logging.getLogger("meldpunt.test.jsonlog")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"ongeldige invoer {BSN} van {EMAIL}")
        except ValueError:
            logger.exception("Niet gevonden: /zoeken?bsn=%s&tel=%s", BSN, PHONE,
                             extra={"status_code": 404, "pad": f"/x/{BSN}"})
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue().strip()
    record = json.loads(line)
    assert record["level"] == "ERROR" and record["logger"] == "meldpunt.test.jsonlog"
    assert record["status_code"] == 404 and "time" in record
    assert record["message"] == "Niet gevonden: /zoeken?bsn=[verwijderd]&tel=[verwijderd]"
    assert "ValueError" in record["exc_info"]
    for secret in (BSN, EMAIL, PHONE, "12345678"):
        assert secret not in line


def test_the_setting_switches_the_application_log_to_json(tmp_path):
    """The real settings, in a process of its own: Django's request logger writes JSON lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MELDPUNT_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="meldpunt.settings.test", MELDPUNT_VAR_DIR=str(tmp_path),
               MELDPUNT_LOG_FORMAT="json", PYTHONPATH=str(ROOT / "src"))
    script = ("import django, logging; django.setup(); "
              f"logging.getLogger('django.request').warning('Not Found: %s', '/melden/{BSN}')")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.strip().splitlines()
    record = json.loads(line)
    assert record["logger"] == "django.request" and record["level"] == "WARNING"
    assert BSN not in line and record["message"] == "Not Found: /melden/[verwijderd]"


def test_an_unknown_log_format_stops_the_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MELDPUNT_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="meldpunt.settings.test", MELDPUNT_VAR_DIR=str(tmp_path),
               MELDPUNT_LOG_FORMAT="xml", PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode != 0 and "MELDPUNT_LOG_FORMAT" in result.stderr
