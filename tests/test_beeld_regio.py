"""The regional beeld (ADR 0030 §11, §15): one snapshot per regio holds the cells of every member
gemeente plus the regio level, suppressed once over the whole table with one more geography line
(the gemeenten of the regio and the regio). Each member's beeld and the regional page read that
same snapshot, the disclosure attacks find nothing on it, and a gemeente counts only its own
signals in its own buurten."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
from django.conf import settings
from django.urls import reverse

from meldpunt.accounts import services as account_services
from meldpunt.demo import regio as regio_demo
from meldpunt.insight import audit, extract, pipeline, regional, selectors, services, storage
from meldpunt.insight import scope as scopes
from meldpunt.insight.models import Snapshot
from meldpunt.insight.sources import SourceSet
from meldpunt.insight.suppression import suppress
from meldpunt.intake.models import Signal
from meldpunt.registries.models import Buurt, Wijk
from meldpunt.tenancy.models import Regio, Tenant
from regio_support import regional_demo
from test_beeld_suppression import equations, linear_algebra_attack, relations, single_unknown_attack
from test_words_not_codes import visible_text

KEY = ("level", "area", "phenomenon", "period", "measure", "dim", "category")


def published(path: Path) -> dict:
    rows = duckdb.sql(f"SELECT {', '.join(KEY)}, value, hidden, primary_hidden FROM read_parquet('{path}') "
                      "WHERE kind = 'telling'").fetchall()
    return {tuple(r[:7]): (r[7] or 0.0, r[8], r[9]) for r in rows}


def regio_relations(cells: dict, regio: str, gemeenten: list[str]) -> set:
    """The extra line of a regional table: the gemeenten of the regio add up to the regio."""
    found = set()
    for (level, _area, phen, period, measure, dim, cat), (_, hidden, _) in cells.items():
        if hidden and level in ("regio", "gemeente"):
            total = ("regio", regio, phen, period, measure, dim, cat)
            parts = tuple(("gemeente", g, phen, period, measure, dim, cat) for g in sorted(gemeenten))
            found.add((total, parts))
    return found


def suppressed_regional_table(regio, directory: Path) -> dict:
    """The regio's cells after suppression, before zero padding (the pipeline's steps, as
    test_beeld_suppression.run_to_suppression takes them), with the true values."""
    codes = list(regio.gemeenten.values_list("code", flat=True))
    extract.export_app_data(directory, date(2026, 12, 1), codes)
    con = pipeline._connect(2, "1GB", None)
    try:
        pipeline.create_views(con, SourceSet(directory, "csv", date(2026, 12, 1), "test"))
        pipeline.aggregate(con, date(2026, 12, 1))
        pipeline.build_cells(con, regio.code)
        suppress(con, "cells")
        rows = con.execute(f"SELECT {', '.join(KEY)}, value, hidden, primary_hidden FROM cells "
                           "WHERE kind = 'telling'").fetchall()
    finally:
        con.close()
    return {tuple(r[:7]): (r[7], r[8], r[9]) for r in rows}


@pytest.fixture
def regio_beeld(transactional_db):
    regional_demo()
    regio = Regio.objects.get()
    snap = Snapshot.objects.get()
    return regio, snap, storage.verified_path(snap)


def test_one_snapshot_one_suppression_for_the_gemeente_and_the_regio_pages_and_no_cell_recovered(
        regio_beeld, client, tmp_path):
    regio, snap, path = regio_beeld
    members = sorted(Tenant.objects.values_list("code", flat=True))
    # Every member's beeld, the installation's and the regional page read the one regio snapshot.
    for code in members:
        assert selectors.latest_snapshot(scopes.of_gemeente(code)) == snap
    assert selectors.latest_snapshot() == snap
    # Asking for a member gemeente's beeld makes the regio's next version, never a table of its own.
    again = services.regenerate(gemeente=Tenant.objects.get(code="GM0880"))
    assert (again.regio_id, again.gemeente_id, again.version) == ("zaanstreek", None, 2)
    assert not Snapshot.objects.filter(gemeente__isnull=False).exists()

    # The table holds the gemeenten (parent: the regio) and the regio level.
    cells = published(storage.verified_path(again))
    assert {area for (level, area, *_) in cells if level == "gemeente"} == set(members)
    assert {area for (level, area, *_) in cells if level == "regio"} == {"zaanstreek"}
    parents = duckdb.sql(f"SELECT DISTINCT parent FROM read_parquet('{storage.verified_path(again)}') "
                         "WHERE level = 'gemeente'").fetchall()
    assert parents == [("zaanstreek",)]
    # Where all of it is visible, the regio is the sum of its gemeenten.
    checked = 0
    for key, (value, hidden, _) in cells.items():
        if key[0] != "regio" or hidden:
            continue
        parts = [cells.get(("gemeente", g, *key[2:]), (0.0, False, False)) for g in members]
        if not any(part[1] for part in parts):
            assert value == sum(part[0] for part in parts), key
            checked += 1
    assert checked >= 1  # the small gemeenten (S: ±20 signals each) hide most of their cells

    # The pages: a member's overview and the regional page show the same cells.
    # A regio-wide analist (ADR 0030 §3, §11): the regional page is theirs.
    user = account_services.create_user("analist-regio-test", "een-lang-wachtwoord-voor-tests", ["analist"],
                                        regio=regio)
    client.force_login(user)
    board = regional.table(regio)
    wormerland = board.columns.index("Wormerland")
    row = dict(board.rows)[f"Signalen ({board.period})"]
    cell = selectors.cells(again, level="gemeente", area="GM0880", measure="signalen", phenomenon="*",
                           period=board.period, dim="", category="*")
    assert row[wormerland] == (cell[0].display if cell else "0")
    page = client.get(reverse("insight:regio")).content.decode()
    # People read names, never a CBS code (the switcher's option values are not read).
    assert "Zaanstreek" in page and "Wormerland" in page and "Oostzaan" in page
    assert "GM0880" not in visible_text(page)
    overview = client.get(reverse("web:ondermijningsbeeld"), {"gemeente": "GM0880"}).content.decode()
    assert "De regio en haar gemeenten naast elkaar" in overview

    # The disclosure attacks (ADR 0026 part 5) on the regional table, with the regio line too.
    result = audit.recoverable_cells(path, weights=selectors.hotspot_weights(), reference_date=snap.reference_date)
    assert result["hidden"] > 0 and result["recovered"] == 0

    # Exact attacks (single unknowns, linear algebra) as in test_beeld_suppression, on the regional
    # table as suppressed before zero padding (a padded "<5" that the lines pin to 0 is a zero, no secret).
    cells = suppressed_regional_table(regio, tmp_path)
    buurt_wijk = dict(Buurt.objects.values_list("code", "wijk_id"))
    wijk_gemeente = dict(Wijk.objects.values_list("code", "gemeente_id"))
    extra = regio_relations(cells, regio.code, members)
    assert any(len(coef) > 1 for coef, _ in equations(cells, extra)), "the regio line has hidden cells to attack"
    eqs = equations(cells, relations(cells, buurt_wijk, wijk_gemeente) | extra)
    assert [coef for coef, _ in eqs if len(coef) == 1] == []
    assert single_unknown_attack(eqs) == set()
    assert linear_algebra_attack(eqs) == set()


def test_a_signal_about_an_address_elsewhere_counts_in_no_buurt_of_that_gemeente(regio_beeld, tmp_path):
    truth = json.loads((Path(settings.VAR_DIR) / "generated" / f"S-479-{regio_demo.REGIO_CODE}"
                        / "ground_truth.json").read_text())["recurring"]
    # The loader gives each kenmerk its gemeente's prefix; the number (the id) stays the generator's.
    elsewhere = Signal.objects.get(pk=int(truth["adres"]["signaal_elders"].rsplit("-", 1)[1]))
    assert elsewhere.gemeente_id == "GM0479"
    assert elsewhere.address.verblijfsobject.buurt.wijk.gemeente_id == "GM0880"  # the address is in Wormerland

    wormerland_buurten = set(Buurt.objects.filter(wijk__gemeente="GM0880").values_list("code", flat=True))
    codes = list(Tenant.objects.values_list("code", flat=True))
    extract.export_app_data(tmp_path, date(2026, 12, 1), codes)
    with (tmp_path / "signalen.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    in_wormerland = [r for r in rows if r["buurt"] in wormerland_buurten]
    assert len(in_wormerland) == Signal.objects.filter(gemeente="GM0880").count()
    assert len(rows) == Signal.objects.count()  # it still counts for Zaanstad, outside its buurten

    # The beeld of one gemeente (outside a regio) holds only that gemeente's own signals.
    only = tmp_path / "wormerland"
    only.mkdir()
    extract.export_app_data(only, date(2026, 12, 1), ["GM0880"])
    with (only / "signalen.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == Signal.objects.filter(gemeente="GM0880").count()
    with (only / "buurten.csv").open(encoding="utf-8") as handle:
        assert {r["code"] for r in csv.DictReader(handle)} == wormerland_buurten

    # In the published table no Wormerland buurt counts more signals than Wormerland has there.
    cells = published(storage.verified_path(Snapshot.objects.get()))
    per_buurt = defaultdict(float)
    for (level, area, phen, _period, measure, dim, _cat), (value, hidden, _) in cells.items():
        if level == "buurt" and area in wormerland_buurten and measure == "signalen" and phen == "*" and not dim \
                and not hidden:
            per_buurt[area] += value
    own = defaultdict(int)
    for buurt in Signal.objects.filter(gemeente="GM0880").values_list("buurt", flat=True):
        own[buurt] += 1
    assert all(per_buurt[b] <= own[b] for b in per_buurt)
