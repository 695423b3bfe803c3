"""The beeld pages keep a snapshot's derived figures in the cache (issue 17, beeldcache): the
second request reads no cell file and few queries, shows the same figures, a new snapshot shows
its own figures at once, and a changed file is still refused."""

from __future__ import annotations

import os
import re
import stat
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beeld_support import beeld_dir, forget_snapshots
from meldpunt.insight import dashboards, selectors, services, storage
from meldpunt.insight.models import Trigger

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def beeld(django_db_setup, django_db_blocker, tmp_path_factory):
    """An older snapshot (peildatum mid-2025) and a newer one (today): their figures differ."""
    folder = tmp_path_factory.mktemp("beeld-cache")
    with django_db_blocker.unblock(), beeld_dir(folder):
        forget_snapshots()
        older = services.regenerate(trigger=Trigger.ON_DEMAND, reference_date=date(2025, 6, 30))
    yield SimpleNamespace(older=older, folder=folder)
    with django_db_blocker.unblock():
        forget_snapshots()


@pytest.fixture
def analist(client, make_user, beeld):
    cache.clear()
    client.force_login(make_user("analist"))
    with beeld_dir(beeld.folder):
        yield client


def _without_token(response) -> str:
    """The page without its CSRF token (masked afresh on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _cell_reads(monkeypatch) -> list:
    """Count the reads of a snapshot's cell file (the real reads still happen)."""
    reads, real = [], selectors.cells

    def counted(*args, **kwargs):
        reads.append(kwargs)
        return real(*args, **kwargs)
    monkeypatch.setattr(selectors, "cells", counted)
    return reads


@pytest.mark.parametrize("url", [reverse("web:ondermijningsbeeld"),
                                 reverse("insight:dashboard", args=["vastgoed"]),
                                 reverse("insight:dashboard", args=["branches"])])
def test_second_request_reads_no_cell_file_and_shows_the_same_page(analist, monkeypatch, url):
    reads = _cell_reads(monkeypatch)
    first = analist.get(url)
    assert first.status_code == 200 and reads, "the first request computes the figures"
    reads.clear()
    with CaptureQueriesContext(connection) as queries:
        second = analist.get(url)
    assert second.status_code == 200
    assert reads == [], "the figures come from the cache, not from the cell file"
    # 10 before the last moment of activity was written at most every 30 s (no session UPDATE and
    # COMMIT on a second page within that time; issue 17, load): 5 and 7 after.
    assert len(queries) <= 7, [q["sql"] for q in queries]
    assert _without_token(second) == _without_token(first), "the same page, figures, charts and map"


def test_filters_are_part_of_the_key(analist, beeld):
    url = reverse("insight:dashboard", args=["vastgoed"])
    whole = analist.get(url).context["board"]
    wijk = "WK047913"
    part = analist.get(url, {"gemeente": "GM0479", "wijk": wijk, "periode": beeld.older.periods[-1], "fenomeen": "*",
                             "kaart": "adressen_overbewoning"}).context["board"]
    assert part.filters.wijk == wijk and part.area_name != whole.area_name
    assert part.map_rows != whole.map_rows
    again = analist.get(url).context["board"]
    assert again.area_name == whole.area_name and again.map_rows == whole.map_rows


def test_a_new_snapshot_shows_its_own_figures(analist, beeld):
    url = reverse("insight:dashboard", args=["drugs"])
    old_page = analist.get(url)
    assert old_page.context["board"].snapshot == beeld.older
    newer = services.regenerate(trigger=Trigger.ON_DEMAND)
    try:
        page = analist.get(url)
        board = page.context["board"]
        assert board.snapshot == newer and board.snapshot.version > beeld.older.version
        fresh = dashboards.build(dashboards.THEMES["drugs"], newer, board.filters)
        assert board.cards == fresh.cards and board.map_rows == fresh.map_rows
        assert board.cards != old_page.context["board"].cards, "the newer peildatum counts more"
        html = page.content.decode()
        assert newer.periods[-1] in html and f"Versie {newer.version}" in analist.get(
            reverse("web:ondermijningsbeeld")).content.decode()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM insight_snapshot WHERE id = %s", [newer.pk])


def test_a_changed_file_is_refused_also_when_its_figures_are_cached(analist, beeld):
    url = reverse("insight:dashboard", args=["financieel"])
    assert analist.get(url).status_code == 200
    path = storage.path_of(beeld.older)
    original = path.read_bytes()
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    try:
        path.write_bytes(original + b"\0")
        with pytest.raises(storage.SnapshotFileError):
            analist.get(url)
    finally:
        path.write_bytes(original)
        os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    assert analist.get(url).status_code == 200


def test_the_page_is_shown_when_the_cache_does_not_answer(analist):
    """A Redis that is down (nothing listens on port 1) costs speed, not the page."""
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=unreachable):
        page = analist.get(reverse("insight:dashboard", args=["vastgoed"]))
    assert page.status_code == 200 and "Hotspots" in page.content.decode()
