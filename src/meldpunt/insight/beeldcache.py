"""Derived beeld figures, computed once per snapshot and kept in the shared cache (issue 17).

A snapshot never changes once made (its file is sealed and its SHA-256 is in the database), so
the figures a page derives from it — the gemeente list, the cards, charts, map and hotspot list
of a dashboard — are the same for every analist who asks. Reading them from the Parquet file
through DuckDB took most of a beeld page's time; now the first request computes them and the
next ones read them from the cache.

What is kept is aggregate and already suppressed (the published beeld, no personal data) and the
same for every user: keys name the snapshot (id and SHA-256), the page and its filters, never a
user. A new snapshot has a new id, so its pages are computed afresh. Names of areas and
phenomena come from the database and may be renamed; ``TIMEOUT`` bounds how long an old name can
be shown. The file check (storage.verified_path) still runs on every request: a changed file is
refused, also when its figures are in the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from . import storage

TIMEOUT = 15 * 60  # seconds: how long a renamed area or phenomenon may still show its old name
PREFIX = "beeld:v1"  # raise when the cached classes (Dashboard, Chart, Map, Comparison) change shape

T = TypeVar("T")
logger = logging.getLogger(__name__)


def key(snap, *parts: str) -> str:
    return ":".join((PREFIX, str(snap.pk), snap.cells_sha256, *(str(p) for p in parts)))


def remember(snap, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
    """The cached value for this snapshot and these parts, else ``compute()`` (then cached)."""
    storage.verified_path(snap)  # refuse a changed file before anything of it is shown
    name = key(snap, *parts)
    try:
        found = cache.get(name)
    except Exception:  # noqa: BLE001 — a cache that does not answer must not stop the page: compute
        logger.warning("Beeldcache niet bereikbaar; de cijfers worden opnieuw berekend.", exc_info=True)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(name, found, TIMEOUT)
        except Exception:  # noqa: BLE001 — same: the page is shown, only not kept
            logger.warning("Beeldcache niet bereikbaar; de cijfers worden niet bewaard.", exc_info=True)
    return found
