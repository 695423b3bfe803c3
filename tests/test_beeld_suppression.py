"""P6: small counts are suppressed, and totals cannot give them away.

The attacks use relations derived here from the meaning of the cells and from the CBS
geography (not from the suppression module's own line definitions):

- categories of a breakdown add up to its total; phenomena add up to the all-phenomena cell;
- the buurten of a wijk add up to the wijk, the wijken of a gemeente to the gemeente;
- a count that is not published is 0.

Attack 1 solves every relation with a single unknown, again and again (the classic
"total minus the rest"). Attack 2 is exact linear algebra: a hidden cell is derivable when its
unit vector lies in the row space of all relations together (Gaussian elimination modulo a
large prime, which agrees with the rationals for these 0/±1 systems).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb
import pytest

from meldpunt.insight import pipeline
from meldpunt.insight.sources import SourceSet
from meldpunt.insight.suppression import suppress

PRIME = (1 << 61) - 1
KEY = ("level", "area", "phenomenon", "period", "measure", "dim", "category")


def run_to_suppression(directory):
    con = pipeline._connect(2, "1GB", None)
    pipeline.create_views(con, SourceSet(directory, "parquet", date(2026, 10, 1), "test"))
    pipeline.aggregate(con, date(2026, 10, 1))
    pipeline.build_cells(con)
    counts = suppress(con, "cells")
    return con, counts


def published(con):
    rows = con.execute(f"SELECT {', '.join(KEY)}, value, hidden, primary_hidden FROM cells WHERE kind = 'telling'"
                       ).fetchall()
    return {tuple(r[:7]): (r[7], r[8], r[9]) for r in rows}


def relations(cells, buurt_wijk: dict[str, str], wijk_gemeente: dict[str, str]):
    """Every relation (total key, [part keys]) that involves at least one hidden cell."""
    categories = defaultdict(set)  # (measure, dim) -> categories
    phenomena = defaultdict(set)  # measure -> phenomena
    # (level, measure, dim, per phenomenon?): a breakdown published at that level at all. A relation
    # whose parts are not published says nothing (they are unknown, not zero).
    published = set()
    for level, _area, phen, _period, measure, dim, cat in cells:
        published.add((level, measure, dim, phen != "*"))
        if dim:
            categories[(measure, dim)].add(cat)
        if phen != "*":
            phenomena[measure].add(phen)
    children = defaultdict(set)
    for b, w in buurt_wijk.items():
        children[("wijk", w)].add(("buurt", b))
    for w, g in wijk_gemeente.items():
        children[("gemeente", g)].add(("wijk", w))
    parent_of = {("buurt", b): ("wijk", w) for b, w in buurt_wijk.items()}
    parent_of.update({("wijk", w): ("gemeente", g) for w, g in wijk_gemeente.items()})
    # A gemeente's part "buiten de gemeente" (ADR 0030 §11) adds up with its wijken (absent: 0).
    for g in set(wijk_gemeente.values()):
        children[("gemeente", g)].add(("buiten", g))
        parent_of[("buiten", g)] = ("gemeente", g)

    found = set()
    for key, (_, hidden, _) in cells.items():
        if not hidden:
            continue
        level, area, phen, period, measure, dim, cat = key
        totals = []
        for d in ([dim] if dim else [d for (m, d) in categories if m == measure]):
            if (level, measure, d, phen != "*") not in published:
                continue
            total = (level, area, phen, period, measure, "", "*")
            parts = tuple((level, area, phen, period, measure, d, c) for c in sorted(categories[(measure, d)]))
            totals.append((total, parts))
        if measure in phenomena and (level, measure, dim, True) in published:
            total = (level, area, "*", period, measure, dim, cat)
            parts = tuple((level, area, p, period, measure, dim, cat) for p in sorted(phenomena[measure]))
            totals.append((total, parts))
        for node in (parent_of.get((level, area)), (level, area)):
            child_level = {"wijk": "buurt", "gemeente": "wijk"}.get(node[0]) if node else None
            if node and node in children and (child_level, measure, dim, phen != "*") in published:
                total = (node[0], node[1], phen, period, measure, dim, cat)
                parts = tuple((c[0], c[1], phen, period, measure, dim, cat) for c in sorted(children[node]))
                totals.append((total, parts))
        found.update(totals)
    return found


def equations(cells, rels):
    """Each relation as (coefficients over hidden cells, constant): Σ coef·x = constant."""
    result = []
    for total, parts in rels:
        coef, constant = defaultdict(int), 0
        for key, sign in [(total, -1)] + [(p, 1) for p in parts]:
            value, hidden, _ = cells.get(key, (0.0, False, False))
            if hidden:
                coef[key] += sign
            else:
                constant -= sign * int(value)
        coef = {k: v for k, v in coef.items() if v}
        if coef:
            result.append((coef, constant))
    return result


def single_unknown_attack(eqs) -> set:
    known, derived, progress = set(), set(), True
    while progress:
        progress = False
        for coef, _ in eqs:
            unknown = [k for k in coef if k not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                derived.add(unknown[0])
                progress = True
    return derived


def linear_algebra_attack(eqs) -> set:
    """Hidden cells whose value follows from all relations together (reduced row echelon form)."""
    pivots: dict = {}  # pivot variable -> row {var: coef}, pivot coefficient 1, reduced
    holders: dict = defaultdict(set)  # var -> pivot variables whose row contains var
    for coef, _ in eqs:
        row = {k: v % PRIME for k, v in coef.items() if v % PRIME}
        for var in [v for v in row if v in pivots]:
            factor = row.get(var)
            if not factor:
                continue
            for k, v in pivots[var].items():
                row[k] = (row.get(k, 0) - factor * v) % PRIME
                if not row[k]:
                    del row[k]
        if not row:
            continue
        pivot = min(row, key=str)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other in list(holders.get(pivot, ())):
            other_row = pivots[other]
            factor = other_row.get(pivot)
            if not factor:
                continue
            for k, v in row.items():
                new = (other_row.get(k, 0) - factor * v) % PRIME
                if new:
                    other_row[k] = new
                    holders[k].add(other)
                else:
                    other_row.pop(k, None)
                    holders[k].discard(other)
        pivots[pivot] = row
        for k in row:
            holders[k].add(pivot)
    return {p for p, row in pivots.items() if len(row) == 1}


def geography(directory):
    buurt_wijk = dict(duckdb.sql(f"SELECT code, wijk FROM read_parquet('{directory}/buurten.parquet')").fetchall())
    wijk_gemeente = dict(duckdb.sql(f"SELECT code, gemeente FROM read_parquet('{directory}/wijken.parquet')"
                                    ).fetchall())
    return buurt_wijk, wijk_gemeente


@pytest.fixture(scope="module")
def suppressed_s(generated_s):
    con, counts = run_to_suppression(generated_s.out_dir)
    cells = published(con)
    con.close()
    return cells, counts, geography(generated_s.out_dir)


def test_primary_suppression_hides_every_count_below_five(suppressed_s):
    cells, counts, _ = suppressed_s
    small = [k for k, (v, hidden, primary) in cells.items() if 0 < v < 5]
    assert small and all(cells[k][1] and cells[k][2] for k in small)
    assert all(not primary or v < 5 for v, _, primary in cells.values())
    assert counts["primary"] == len(small) and counts["secondary"] > 0


def test_no_relation_has_exactly_one_hidden_cell(suppressed_s):
    cells, _, (buurt_wijk, wijk_gemeente) = suppressed_s
    eqs = equations(cells, relations(cells, buurt_wijk, wijk_gemeente))
    assert eqs, "there are relations with hidden cells to attack"
    assert [coef for coef, _ in eqs if len(coef) == 1] == []


def test_totals_do_not_give_a_suppressed_cell_away(suppressed_s):
    cells, _, (buurt_wijk, wijk_gemeente) = suppressed_s
    eqs = equations(cells, relations(cells, buurt_wijk, wijk_gemeente))
    assert single_unknown_attack(eqs) == set()
    assert linear_algebra_attack(eqs) == set()


def test_published_values_are_consistent_with_the_relations(suppressed_s):
    """The attack is meaningful: with the true values every relation holds."""
    cells, _, (buurt_wijk, wijk_gemeente) = suppressed_s
    for total, parts in relations(cells, buurt_wijk, wijk_gemeente):
        assert cells.get(total, (0,))[0] == sum(cells.get(p, (0,))[0] for p in parts), total


@pytest.mark.unit
def test_the_attack_finds_a_cell_behind_primary_suppression_alone():
    """Without secondary suppression the attacker succeeds — so the test can tell."""
    a = {("buurt", "B1", "x", "2025", "signalen", "", "*"): (3.0, True, True),
         ("buurt", "B1", "y", "2025", "signalen", "", "*"): (20.0, False, False),
         ("buurt", "B1", "*", "2025", "signalen", "", "*"): (23.0, False, False)}
    eqs = equations(a, relations(a, {}, {}))
    assert single_unknown_attack(eqs) == {("buurt", "B1", "x", "2025", "signalen", "", "*")}
    assert linear_algebra_attack(eqs) == {("buurt", "B1", "x", "2025", "signalen", "", "*")}


@pytest.mark.unit
def test_secondary_suppression_on_a_small_table():
    """Two buurten of one wijk, two phenomena: one small count hides a complement and keeps slack."""
    con = duckdb.connect()
    con.execute("""CREATE TABLE cells (id BIGINT, level VARCHAR, area VARCHAR, parent VARCHAR, phenomenon VARCHAR,
                   period VARCHAR, measure VARCHAR, dim VARCHAR, category VARCHAR, value DOUBLE, kind VARCHAR,
                   hidden BOOLEAN, primary_hidden BOOLEAN)""")
    rows = [("buurt", "B1", "W", "x", 3), ("buurt", "B1", "W", "y", 20), ("buurt", "B1", "W", "*", 23),
            ("buurt", "B2", "W", "x", 9), ("buurt", "B2", "W", "y", 11), ("buurt", "B2", "W", "*", 20),
            ("wijk", "W", "G", "x", 12), ("wijk", "W", "G", "y", 31), ("wijk", "W", "G", "*", 43),
            ("gemeente", "G", "", "x", 12), ("gemeente", "G", "", "y", 31), ("gemeente", "G", "", "*", 43)]
    for i, (level, area, parent, phen, value) in enumerate(rows, start=1):
        con.execute("INSERT INTO cells VALUES (?, ?, ?, ?, ?, '2025', 'signalen', '', '*', ?, 'telling', false, false)",
                    [i, level, area, parent, phen, value])
    counts = suppress(con, "cells")
    result = {(r[0], r[1], r[2], "2025", "signalen", "", "*"): (r[3], r[4], r[5]) for r in con.execute(
        "SELECT level, area, phenomenon, value, hidden, primary_hidden FROM cells").fetchall()}
    assert counts["primary"] == 1 and counts["secondary"] >= 3
    eqs = equations(result, relations(result, {"B1": "W", "B2": "W"}, {"W": "G"}))
    assert single_unknown_attack(eqs) == set() and linear_algebra_attack(eqs) == set()
    # The complement in B1's phenomenon line is big enough that "<5 plus ≥5" cannot pin the small count.
    assert result[("buurt", "B1", "y", "2025", "signalen", "", "*")][1]
