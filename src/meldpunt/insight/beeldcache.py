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

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from . import storage

TIMEOUT = 15 * 60  # seconds: how long a renamed area or phenomenon may still show its old name
PREFIX = "beeld:v1"

T = TypeVar("T")


def key(snap, *parts: str) -> str:
    return ":".join((PREFIX, str(snap.pk), snap.cells_sha256, *(str(p) for p in parts)))


def remember(snap, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
    """The cached value for this snapshot and these parts, else ``compute()`` (then cached)."""
    storage.verified_path(snap)  # refuse a changed file before anything of it is shown
    name = key(snap, *parts)
    found = cache.get(name)
    if found is None:
        found = compute()
        cache.set(name, found, TIMEOUT)
    return found
