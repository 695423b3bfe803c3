"""The worker's heartbeat: a time stamp in the shared cache (Redis in production).

A queue worker calls ``record()`` every minute or so; the readiness page of the worker
(``/gezondheid/werker``) and the beheerder's page read ``age_seconds()``. In the embedded default
there is no separate worker (jobs run in the process) and the check is "niet geconfigureerd".
"""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "meldpunt:werker:hartslag"
# Kept a day: a heartbeat that old is long past any threshold, and a missing one says the same.
KEEP_SECONDS = 24 * 60 * 60


def record() -> None:
    cache.set(KEY, time.time(), timeout=KEEP_SECONDS)


def age_seconds() -> float | None:
    """Seconds since the last heartbeat of any worker; None when there was none."""
    last = cache.get(KEY)
    return None if last is None else max(0.0, time.time() - float(last))
