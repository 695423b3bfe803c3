"""Shared helpers for the ondermijningsbeeld tests: a module-wide snapshot of the demo
municipality in a temporary folder, removed afterwards (snapshots refuse deletion through the
ORM by design, so the clean-up uses SQL)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.conf import settings
from django.db import connection


@contextlib.contextmanager
def beeld_dir(path: Path):
    old = getattr(settings, "MELDPUNT_BEELD_DIR", None)
    settings.MELDPUNT_BEELD_DIR = str(path)
    try:
        yield path
    finally:
        if old is None:
            del settings.MELDPUNT_BEELD_DIR
        else:
            settings.MELDPUNT_BEELD_DIR = old


def forget_snapshots() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM insight_snapshot")
