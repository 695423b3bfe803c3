"""Meldingen through real Celery worker processes (issue 17): the e-mail task goes over Redis to two
workers that run at the same time, each task queued twice, and a real SMTP server on 127.0.0.1
receives every melding exactly once.

The workers are separate processes, so they cannot see the test database: this test sets up its
own throw-away SQLite database (migrated by ``manage.py migrate`` in a subprocess) and Redis
database 1, and reads everything back through ``manage.py shell``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from smtp_support import SmtpServer

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("MELDPUNT_TEST_WORKER_BROKER", "redis://127.0.0.1:6379/1")
N = 20

QUEUE = f"""
from django.contrib.auth import get_user_model
from django.db import transaction
from meldpunt.notifications import services, tasks
from meldpunt.notifications.models import Kind, Mode

user = get_user_model().objects.create(username="werker-test", email="werker-test@gemeente.example")
services.set_mode(user, Mode.DIGEST)  # made without queueing: this script queues each one twice
with transaction.atomic():
    ids = [services.notify(user, Kind.INZAGE_TERMIJN, f"INZ-2026-{{n:04d}}", "/inzageverzoeken/", f"w:{{n}}").pk
           for n in range({N})]
for pk in ids + ids:
    tasks.deliver.delay(pk)
"""
STATES = """
import json
from meldpunt.notifications.models import Notification
print("STATES", json.dumps(list(Notification.objects.values_list("email_state", "attempts"))))
"""


def _manage(env, *args, timeout=300):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, timeout=timeout,
                          capture_output=True, text=True)


def test_two_workers_send_each_melding_once(tmp_path):
    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis op {BROKER} is nodig voor de werkertest.")
    client.flushdb()
    server = SmtpServer().start()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "meldpunt.settings.base",
           "PYTHONPATH": str(REPO / "src"), "MELDPUNT_VAR_DIR": str(tmp_path / "var"),
           "MELDPUNT_DATABASE_URL": f"sqlite:////{tmp_path / 'werker.sqlite3'}",
           "MELDPUNT_CELERY_BROKER_URL": BROKER, "MELDPUNT_SMTP_HOST": "127.0.0.1",
           "MELDPUNT_SMTP_PORT": str(server.port), "MELDPUNT_LOG_LEVEL": "WARNING",
           # The installation's gemeente: every melding belongs to one (ADR 0030).
           "MELDPUNT_GEMEENTE": "GM0479"}
    env.pop("MELDPUNT_REDIS_URL", None)
    workers = []
    try:
        _manage(env, "migrate", "--verbosity", "0")
        _manage(env, "shell", "-c", QUEUE)
        for name in ("een", "twee"):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "meldpunt", "worker", "--pool", "solo", "--hostname",
                 f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (server.inbox.count() < N or client.llen("celery")):
            time.sleep(0.2)
        time.sleep(2)  # a duplicate still running would arrive now
        assert server.inbox.count() == N
        assert sorted(str(m["Subject"]) for m in server.inbox.messages)[0].startswith("Meldpunt Ondermijning:")
        out = _manage(env, "shell", "-c", STATES).stdout
        states = json.loads(next(line for line in out.splitlines() if line.startswith("STATES "))[7:])
        assert states == [["verstuurd", 1]] * N
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        server.stop()
        client.flushdb()
