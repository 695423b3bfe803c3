"""'Buiten de gemeente' (ADR 0030 §11): a gemeente's own signals about an address in another gemeente
count in its part "buiten de gemeente" (level ``buiten``), never in a buurt of the other gemeente.
The part is published like a wijk: the gemeente's total is its wijken plus this part, the same
suppression covers the line, and neither differencing nor exact linear algebra recovers it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from django.urls import reverse

from meldpunt.accounts import services as account_services
from meldpunt.insight import audit, pipeline, selectors
from meldpunt.insight.sources import OUTSIDE_PREFIX
from meldpunt.insight.suppression import pad_zeros, suppress
from meldpunt.intake.models import Signal
from meldpunt.registries.models import Buurt, Wijk
from meldpunt.tenancy.models import Tenant
from test_beeld_regio import published, regio_beeld, suppressed_regional_table  # noqa: F401 (a fixture)
from test_beeld_suppression import equations, linear_algebra_attack, relations, single_unknown_attack
from test_words_not_codes import visible_text

KEY = ("level", "area", "phenomenon", "period", "measure", "dim", "category")
BUURT_WIJK = {"B1": "W1", "B2": "W1", "B3": "W2", "B4": "W2"}
WIJK_GEMEENTE = {"W1": "G", "W2": "G"}


def _table(signals: dict[str, dict[str, int]]) -> duckdb.DuckDBPyConnection:
    """The pipeline's inputs by hand: ``signals`` {buurt or "buiten:G": {phenomenon: n}} in 2026,
    through the pipeline's own roll-up (``build_cells``) and suppression."""
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE gemeenten AS SELECT 'G' AS code, 'Gemeente' AS naam, 2024 AS jaar")
    con.execute("CREATE TEMP TABLE geo (buurt VARCHAR, wijk VARCHAR, gemeente VARCHAR)")
    con.executemany("INSERT INTO geo VALUES (?, ?, 'G')", list(BUURT_WIJK.items()))
    con.execute("CREATE TEMP TABLE buurten AS SELECT buurt AS code, wijk, 100 AS inwoners, 300.0 AS woz, "
                "2.0 AS misdrijven_per1000 FROM geo")
    con.execute("CREATE TEMP TABLE wijken AS SELECT DISTINCT wijk AS code, gemeente, 200 AS inwoners, 300.0 AS woz, "
                "4 AS misdrijven_2025, 2.0 AS misdrijven_per1000 FROM geo")
    con.execute("CREATE TEMP TABLE reg AS SELECT buurt, 'adressen' AS measure, 50 AS n FROM geo")
    con.execute("CREATE TEMP TABLE base (buurt VARCHAR, phenomenon VARCHAR, period VARCHAR, measure VARCHAR, "
                "dim VARCHAR, category VARCHAR, n BIGINT)")
    for buurt, per_phenomenon in signals.items():
        for phenomenon, n in per_phenomenon.items():
            con.execute("INSERT INTO base VALUES (?, ?, '2026', 'signalen', '', '*', ?)", [buurt, phenomenon, n])
    pipeline.build_cells(con)
    suppress(con, "cells", primary_done=True)
    pad_zeros(con, "cells")
    return con


def _cells(con) -> dict:
    rows = con.execute(f"SELECT {', '.join(KEY)}, value, hidden, primary_hidden FROM cells WHERE kind = 'telling'"
                       ).fetchall()
    return {tuple(r[:7]): (r[7], r[8], r[9]) for r in rows}


def _key(level, area, phenomenon="*"):
    return (level, area, phenomenon, "2026", "signalen", "", "*")


def _write(con, path: Path) -> Path:
    con.execute(f"""COPY (SELECT level, area, parent, phenomenon, period, measure, dim, category, kind,
                                 CASE WHEN hidden THEN NULL ELSE value END AS value, hidden, primary_hidden
                          FROM cells) TO '{path}' (FORMAT parquet)""")
    return path


@pytest.mark.unit
def test_the_part_outside_the_gemeente_counts_in_the_gemeente_total_and_in_no_wijk_or_buurt():
    con = _table({"B1": {"x": 10, "y": 8}, "B2": {"x": 9}, "B3": {"x": 12}, "B4": {"y": 7},
                  f"{OUTSIDE_PREFIX}G": {"x": 4, "y": 3}})
    cells = _cells(con)
    assert cells[_key("buiten", "G")][0] == 7
    assert cells[_key("buiten", "G", "x")][0] == 4 and cells[_key("buiten", "G", "y")][0] == 3
    # The gemeente's total is its wijken plus the part outside it; no wijk or buurt holds the part.
    assert cells[_key("gemeente", "G")][0] == 10 + 8 + 9 + 12 + 7 + 7
    assert cells[_key("wijk", "W1")][0] + cells[_key("wijk", "W2")][0] + 7 == cells[_key("gemeente", "G")][0]
    assert {k[1] for k in cells if k[0] == "buurt"} == set(BUURT_WIJK)
    parents = con.execute("SELECT DISTINCT parent FROM cells WHERE level = 'buiten'").fetchall()
    assert parents == [("G",)]


@pytest.mark.unit
def test_a_small_part_outside_is_suppressed_and_the_wijken_cannot_give_it_away(tmp_path):
    """Total 50, wijken 27 and 16 visible, "buiten" 7 = 4 + 3: the phenomena (4, 3) are "<5"; were
    the buiten total and a wijk the only hidden cells with the gemeente visible, the gemeente minus
    the wijken would pin the part. The suppression hides enough on that line; the attacks find nothing."""
    con = _table({"B1": {"x": 10, "y": 8}, "B2": {"x": 9}, "B3": {"x": 9}, "B4": {"y": 7},
                  f"{OUTSIDE_PREFIX}G": {"x": 4, "y": 3}})
    cells = _cells(con)
    assert cells[_key("buiten", "G", "x")][1:] == (True, True)  # 4: "<5"
    assert cells[_key("buiten", "G", "y")][1:] == (True, True)  # 3: "<5"
    # Differencing: the gemeente total minus the visible wijken never leaves the part alone.
    line = [_key("gemeente", "G"), _key("wijk", "W1"), _key("wijk", "W2"), _key("buiten", "G")]
    if not cells[_key("gemeente", "G")][1]:
        assert sum(1 for k in line[1:] if cells[k][1]) >= 2 or not cells[_key("buiten", "G")][1]
    eqs = equations(cells, relations(cells, BUURT_WIJK, WIJK_GEMEENTE))
    assert single_unknown_attack(eqs) == set() and linear_algebra_attack(eqs) == set()
    assert audit.recoverable_cells(_write(con, tmp_path / "cellen.parquet"))["recovered"] == 0


@pytest.mark.unit
def test_the_attack_would_find_the_part_if_the_line_were_not_suppressed():
    """The test can tell: with the part hidden alone on the line "wijken + buiten = gemeente",
    the gemeente minus the wijken gives it away."""
    cells = {_key("gemeente", "G"): (50.0, False, False), _key("wijk", "W1"): (27.0, False, False),
             _key("wijk", "W2"): (16.0, False, False), _key("buiten", "G"): (7.0, True, False)}
    eqs = equations(cells, relations(cells, {}, WIJK_GEMEENTE))
    assert single_unknown_attack(eqs) == {_key("buiten", "G")}


@pytest.mark.unit
def test_a_part_outside_of_five_or_more_is_published():
    con = _table({"B1": {"x": 10, "y": 8}, "B2": {"x": 9}, "B3": {"x": 12}, "B4": {"y": 7},
                  f"{OUTSIDE_PREFIX}G": {"x": 6, "y": 5}})
    cells = _cells(con)
    assert cells[_key("buiten", "G")] == (11.0, False, False)
    assert cells[_key("gemeente", "G")] == (10 + 8 + 9 + 12 + 7 + 11.0, False, False)


@pytest.mark.unit
def test_a_part_outside_of_a_gemeente_not_in_the_table_is_dropped():
    con = _table({"B1": {"x": 10}, "B3": {"x": 12}, f"{OUTSIDE_PREFIX}ANDERS": {"x": 6}})
    cells = _cells(con)
    assert not any(k[0] == "buiten" for k in cells)
    assert cells[_key("gemeente", "G")][0] == 22


# ----------------------------------------------------------------- in the regional demo, on the pages


def _outside_truth(gemeente: str, period: str, until: date) -> int:
    """The gemeente's own signals in ``period`` about an address with a buurt outside it (counted here
    from the database, not with the pipeline's code)."""
    own = set(Buurt.objects.filter(wijk__gemeente=gemeente).values_list("code", flat=True))
    n = 0
    for received, buurt, address_buurt in Signal.objects.filter(gemeente=gemeente).values_list(
            "received_at", "buurt_id", "address__verblijfsobject__buurt_id"):
        where = buurt or address_buurt
        if where and where not in own and str(received.year) == period and received.date() <= until:
            n += 1
    return n


def test_zaanstads_signal_about_an_address_in_wormerland_is_its_part_outside_on_the_pages(
        regio_beeld, client, tmp_path):  # noqa: F811 (the fixture, imported)
    regio, snap, path = regio_beeld
    period = snap.periods[-1]
    reference = date(2026, 12, 1)
    exact = suppressed_regional_table(regio, tmp_path)  # the true values, as suppressed (before padding)
    for code in Tenant.objects.values_list("code", flat=True):
        truth = _outside_truth(code, period, reference)
        assert exact.get(("buiten", code, "*", period, "signalen", "", "*"), (0.0,))[0] == truth, code
    assert _outside_truth("GM0479", period, reference) >= 1  # the demo's signal "elders" (in Wormerland)
    # The line holds on the true values: gemeente = its wijken + its part outside.
    for code in Tenant.objects.values_list("code", flat=True):
        wijken = sum(v for (lvl, area, phen, per, m, dim, cat), (v, _, _) in exact.items()
                     if lvl == "wijk" and area in set(Wijk.objects.filter(gemeente=code).values_list("code", flat=True))
                     and (phen, per, m, dim, cat) == ("*", period, "signalen", "", "*"))
        outside = exact.get(("buiten", code, "*", period, "signalen", "", "*"), (0.0,))[0]
        total = exact.get(("gemeente", code, "*", period, "signalen", "", "*"), (0.0,))[0]
        assert total == wijken + outside, code

    # Published: suppressed like any count (a small part is "<5"), and the audit recovers nothing.
    cells = published(path)
    key = ("buiten", "GM0479", "*", period, "signalen", "", "*")
    value, hidden, primary = cells[key]
    truth = _outside_truth("GM0479", period, reference)
    assert hidden == (truth < 5) and (not hidden or primary)
    assert audit.recoverable_cells(path, weights=selectors.hotspot_weights(),
                                   reference_date=snap.reference_date)["recovered"] == 0
    shown = selectors.outside(snap, "GM0479", period)["signalen"]
    assert shown == ("<5" if truth < 5 else str(truth))

    # The pages of a Zaanstad analist: the overview and the report name the part, with its figure.
    user = account_services.create_user("analist-zaanstad-buiten", "een-lang-wachtwoord-voor-tests", ["analist"],
                                        gemeente=Tenant.objects.get(code="GM0479"))
    client.force_login(user)
    overview = visible_text(client.get(reverse("web:ondermijningsbeeld")).content.decode())
    assert f"Buiten de gemeente ({period})" in overview
    assert f"Signalen {shown}" in " ".join(overview.split())
    report = " ".join(visible_text(client.get(reverse("insight:report")).content.decode()).split())
    assert f"Buiten de gemeente {shown}" in report
    export = client.get(reverse("insight:export_csv")).content.decode("utf-8-sig")
    assert f"buiten de gemeente;GM0479;{snap.area_year};*;{period};signalen;" in export
