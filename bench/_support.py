"""What the PostgreSQL benchmarks share: progress on stderr, a nearest-rank percentile, statements
on the server's maintenance database, and Django set up against a throw-away database with fresh
keys (nothing of a real installation is read or written)."""

from __future__ import annotations

import base64
import contextlib
import math
import os
import secrets
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def admin_execute(pg_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def analyse() -> None:
    """Table statistics for the planner after loading, as autovacuum keeps them on a running
    installation (``bench/load.py``'s ``analyse``). A freshly loaded database on a server with
    autovacuum off, or not yet round, plans with guesses: the werkvoorraad sorted every waiting
    signal (27 ms) instead of reading 25 from its index (0.2 ms)."""
    import time

    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"  ANALYZE: {time.perf_counter() - started:.1f} s")


def clean_up(pg_url: str, db_name: str, work: Path, *, keep: bool = False) -> None:
    """After a bench, also after a failure: close Django's connections, drop the throw-away database
    and the work folder. Reports a failure to drop rather than raising, so the original error stays."""
    import shutil

    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    try:
        admin_execute(pg_url, f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
    except Exception as error:  # report, but keep the original error
        log(f"could not drop database {db_name}: {error}")
    if keep:
        log(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def setup_django(pg_url: str, db_name: str, work: Path) -> None:
    from cryptography.fernet import Fernet

    (work / "var" / "static").mkdir(parents=True, exist_ok=True)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "meldpunt.settings.base",
        "MELDPUNT_DATABASE_URL": f"{pg_url}/{db_name}",
        "MELDPUNT_VAR_DIR": str(work / "var"),
        "MELDPUNT_SECRET_KEY": secrets.token_urlsafe(50),
        "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MELDPUNT_PSEUDONYM_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "MELDPUNT_DEBUG": "false",
        "MELDPUNT_REQUIRE_2FA": "false",
        "MELDPUNT_LOG_LEVEL": "WARNING",
    })
    if str(REPO / "src") not in sys.path:
        sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
