"""Benchmark the e-mail of meldingen (``meldpunt.notifications.delivery``, ADR 0029).

It builds its own data: 50 people with an e-mail address and N meldingen waiting to be mailed
(S = 1,000, M = 10,000), each with a kind, a kenmerk and a link like the real ones. Then it delivers
every melding the way the Celery task does (``delivery.deliver``: lock the row, send over SMTP, mark
it sent) to a real SMTP server on 127.0.0.1 (aiosmtpd) and counts what that server received:

- ``notify_per_second`` (mails/s): received mails divided by the wall time from the first delivery
  to the last mail received.

Without a configured Django it sets one up on a throw-away SQLite database in a temporary directory
(nothing of a real installation is read or written); ``measure(size)`` may also be called from a
process that already set Django up (bench/load.py). One JSON line per figure on stdout::

    .venv/bin/python bench/notify.py                # size M
    .venv/bin/python bench/notify.py --size S
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "bench")]

from _support import log  # noqa: E402

SIZES = {"S": 1_000, "M": 10_000}
PEOPLE = 50


def _setup_django(work: Path) -> None:
    from cryptography.fernet import Fernet

    (work / "var").mkdir(parents=True, exist_ok=True)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "meldpunt.settings.base",
        "MELDPUNT_DATABASE_URL": f"sqlite:////{work / 'var' / 'bench.sqlite3'}",
        "MELDPUNT_VAR_DIR": str(work / "var"),
        "MELDPUNT_SECRET_KEY": secrets.token_urlsafe(50),
        "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MELDPUNT_PSEUDONYM_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "MELDPUNT_LOG_LEVEL": "WARNING",
    })
    import django
    from django.core.management import call_command

    django.setup()
    log("Migrating a throw-away SQLite database ...")
    call_command("migrate", verbosity=0)


def _people():
    from django.contrib.auth import get_user_model

    users = []
    for n in range(PEOPLE):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-notify-{n}", defaults={"email": f"bench-notify-{n}@gemeente.example"})
        users.append(user)
    return users


def _queue(size: int, users) -> list[int]:
    from django.utils import timezone

    from meldpunt.notifications.models import EmailState, Kind, Notification

    run = secrets.token_hex(4)
    kinds = list(Kind)
    now = timezone.now()
    rows = [Notification(recipient=users[i % len(users)], kind=kinds[i % len(kinds)],
                         kenmerk=f"SIG-2026-{i:05d}", link=f"/signalen/SIG-2026-{i:05d}/",
                         dedupe_key=f"bench:{run}:{i}", created_at=now, email_state=EmailState.PENDING)
             for i in range(size)]
    Notification.objects.bulk_create(rows, batch_size=2000)
    return list(Notification.objects.filter(dedupe_key__startswith=f"bench:{run}:").values_list("pk", flat=True))


def measure(size: str = "M") -> float:
    """Mails per second that reach a real SMTP server on 127.0.0.1 for ``size`` meldingen."""
    from django.conf import settings

    from meldpunt.notifications import delivery
    from smtp_support import SmtpServer

    server = SmtpServer().start()
    saved = {k: getattr(settings, k) for k in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT")}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    try:
        ids = _queue(SIZES[size], _people())
        log(f"Delivering {len(ids)} meldingen to 127.0.0.1:{server.port} ...")
        started = time.perf_counter()
        for pk in ids:
            delivery.deliver(pk)
        while server.inbox.count() < len(ids) and time.perf_counter() - started < 600:
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        received = server.inbox.count()
        if received != len(ids):
            raise RuntimeError(f"{received} van {len(ids)} e-mails aangekomen")
        return received / elapsed
    finally:
        server.stop()
        for key, value in saved.items():
            setattr(settings, key, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=tuple(SIZES), default="M", help="how many meldingen (default: M)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-notify-"))
    try:
        _setup_django(work)
        value = measure(args.size)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"metric": "notify_per_second", "value": round(value, 1), "unit": "mails/s",
                      "size": args.size}))


if __name__ == "__main__":
    main()
