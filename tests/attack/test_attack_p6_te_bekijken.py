"""Attack P6 through the set "te bekijken" (ADR 0026 part 9): the one published output computed
from the exact counts. Everything the analist can fetch — the theme pages, the report (HTML), the
RIEC export (CSV and JSON: the beeld has no other API), two consecutive snapshots — is tried.

The set publishes per eligible buurt one statement: its exact score (the published method with the
exact counts) reaches the threshold T, or not. Attacks:

- interval propagation of the lines *and* the statements together (``audit.attack``, which the
  pipeline's gate runs) on each export;
- brute force, independent of the propagation: per buurt with a statement, every combination of
  its hidden inputs within the intervals the published cells allow, kept when it agrees with the
  statement; a hidden input left with one non-zero value is recovered;
- two snapshots: the attacker added one signal to a "<5" buurt between them and knows exactly
  which counts that changed by one; both snapshots' intervals are linked through those changes;
- carry-over: a buurt whose published input cells did not change keeps its statement.

The tests know the truth (white box) only to know which counts the attacker changed.
"""

from __future__ import annotations

import itertools
import json
import math
from datetime import date

import duckdb
import pytest
from django.urls import reverse
from test_attack_p6_aggregates import analist, beeld  # noqa: F401 (fixtures)
from test_attack_p6_intervals import export_to_cell_file

from meldpunt.insight import audit, bounds, hotspots, pipeline, selectors, storage, te_bekijken
from meldpunt.insight.matrix import seed_weights
from meldpunt.insight.sources import SourceSet
from meldpunt.insight.suppression import THRESHOLD, build_lines

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

ENUMERATE_UP_TO = 12  # a "×" (≥ 5, unbounded) is tried up to its lower bound + this


def _statements(path) -> dict[str, bool]:
    return {area: value > 0 for area, value in duckdb.sql(
        f"SELECT area, value FROM read_parquet('{path}') WHERE measure = '{te_bekijken.MEASURE}'").fetchall()}


def test_the_set_is_published_as_membership_only(analist, beeld, tmp_path):  # noqa: F811
    """Statements are 1 or 0, only for buurten of at least N inhabitants, and the pages list the
    members by name only: no score, place or level of the set's own."""
    path = storage.verified_path(beeld.second)
    statements = _statements(path)
    assert statements, "the demo beeld has buurten with a statement"
    inhabitants = dict(duckdb.sql(f"SELECT area, value FROM read_parquet('{path}') "
                                  "WHERE level = 'buurt' AND measure = 'cbs_inwoners'").fetchall())
    assert all(inhabitants[b] >= te_bekijken.MIN_INHABITANTS for b in statements)
    data = json.loads(analist.get(reverse("insight:export_json"), {"versie": beeld.second.version}).content)
    shown = {c["waarde"] for c in data["cellen"] if c["maat"] == te_bekijken.MEASURE}
    assert shown <= {"0", "1"}
    members = sorted(b for b, member in statements.items() if member)
    names = selectors.area_names(set(members))
    html = analist.get(reverse("insight:report"), {"versie": beeld.second.version}).content.decode()
    if members:
        assert "Te bekijken" in html
        section = html[html.index('id="te-bekijken-kop-rapport"'):]
        section = section[:section.index("</ul>")]
        for b in members:
            assert names[b].replace("'", "&#x27;") in section
        assert "score" not in section.split("</p>", 1)[1].lower()
    for slug in ("vastgoed", "drugs"):
        page = analist.get(reverse("insight:dashboard", args=[slug]), {"versie": beeld.second.version})
        assert page.status_code == 200


def test_lines_and_statements_together_recover_no_count(analist, beeld, tmp_path):  # noqa: F811
    for snap in (beeld.first, beeld.second):
        path = tmp_path / f"export-{snap.version}.parquet"
        hidden = export_to_cell_file(analist, snap.version, path)
        result = audit.recoverable_cells(path, weights=selectors.hotspot_weights(), reference_date=snap.reference_date)
        assert result["hidden"] == hidden and result["statements"] > 0
        assert result["recovered"] == 0, result["pinned"]


def _model(path, weights, reference_date):
    """The attacker's inputs per buurt with a statement: lines-only intervals of each hidden input,
    the visible part of each indicator, and the published expected value and weight × rarity."""
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE published AS
                    SELECT CAST(row_number() OVER () AS BIGINT) AS id, * EXCLUDE (value),
                           CASE WHEN hidden THEN NULL ELSE value END AS value FROM read_parquet('{path}')""")
    build_lines(con, "published")
    bounds.propagate(con, "published", THRESHOLD)
    audit._load_set_model(con, reference_date, weights)
    links = con.execute("""SELECT l.buurt, l.measure, l.id, l.coef, b.lo, b.hi, b.hidden
                           FROM set_link l JOIN bound b USING (id)""").fetchall()
    comps = con.execute("SELECT buurt, measure, a, expected FROM set_comp").fetchall()
    statements = dict(con.execute("SELECT buurt, member FROM set_statement").fetchall())
    t = te_bekijken.threshold(con)
    con.close()
    return links, comps, statements, t


def _score(comps, observed) -> float:
    return sum(a * min(hotspots.CAP, max(0.0, (observed.get(m, 0.0) - x) / math.sqrt(x + hotspots.STABILISER)))
               for m, a, x in comps)


def test_brute_force_over_each_statement_recovers_no_count(analist, beeld):  # noqa: F811
    recovered, tried = [], 0
    for snap in (beeld.first, beeld.second):
        links, comps, statements, t = _model(storage.verified_path(snap), selectors.hotspot_weights(),
                                          snap.reference_date)
        per_buurt_comps: dict[str, list] = {}
        for b, m, a, x in comps:
            per_buurt_comps.setdefault(b, []).append((m, a, x))
        per_buurt_links: dict[str, list] = {}
        for row in links:
            per_buurt_links.setdefault(row[0], []).append(row[1:])
        for buurt, member in statements.items():
            cells = per_buurt_links.get(buurt, [])
            visible = [(m, coef * lo) for m, _id, coef, lo, _hi, hidden in cells if not hidden]
            unknown = [(m, cid, coef, int(lo), int(min(hi, lo + ENUMERATE_UP_TO)))
                       for m, cid, coef, lo, hi, hidden in cells if hidden]
            if not unknown:
                continue
            tried += 1
            feasible: dict[int, set[int]] = {cid: set() for _, cid, *_ in unknown}
            for combo in itertools.product(*(range(lo, hi + 1) for *_, lo, hi in unknown)):
                observed: dict[str, float] = {}
                for m, part in visible:
                    observed[m] = observed.get(m, 0.0) + part
                for (m, _cid, coef, _lo, _hi), v in zip(unknown, combo, strict=True):
                    observed[m] = observed.get(m, 0.0) + coef * v
                if (_score(per_buurt_comps.get(buurt, []), observed) >= t) == member:
                    for (_m, cid, *_rest), v in zip(unknown, combo, strict=True):
                        feasible[cid].add(v)
            recovered += [(snap.version, buurt, cid, values) for cid, values in feasible.items()
                          if len(values) == 1 and values != {0}]
    assert tried > 0
    assert recovered == [], recovered


def test_two_snapshots_with_a_signal_of_ones_own_the_set_adds_nothing(analist, beeld):  # noqa: F811
    """The attacker added one signal between the snapshots (the fixture) and knows every count it
    raised by one; the intervals of both snapshots are linked through those counts. Whatever that
    pins, the set "te bekijken" pins nothing more: the pair attack with the statements finds
    exactly what it finds on the cells alone."""
    changes = {k: beeld.after.get(k, 0) - beeld.before.get(k, 0) for k in set(beeld.before) | set(beeld.after)
               if beeld.after.get(k, 0) != beeld.before.get(k, 0)}
    assert changes, "the added signal changed counts"
    args = (storage.verified_path(beeld.first), storage.verified_path(beeld.second), changes,
            selectors.hotspot_weights(), (beeld.first.reference_date, beeld.second.reference_date))
    with_set = audit.recoverable_pair(*args)
    cells_only = audit.recoverable_pair(*args, use_statements=False)
    assert with_set["recovered"] == cells_only["recovered"], with_set["pinned"]
    assert set(with_set["pinned"]) == set(cells_only["pinned"])
    # Open (ADR 0026 part 9): on the cells alone, a count the attacker raised by one from "<5" to a
    # visible 5 (or from a visible number into "×") gives its earlier value away. No buurt cell:
    # only the gemeente's breakdowns per phenomenon and channel, where the added signal is alone.
    assert all(key[0] == "gemeente" for key in cells_only["pinned"]), cells_only["pinned"]


def test_a_statement_stays_while_the_buurts_published_cells_stay(analist, beeld):  # noqa: F811
    first, second = storage.verified_path(beeld.first), storage.verified_path(beeld.second)
    before, after = _statements(first), _statements(second)
    query = """SELECT area, measure, period, hidden, primary_hidden, value FROM read_parquet('{}')
               WHERE level = 'buurt' AND kind = 'telling' AND phenomenon = '*' AND dim = '' AND category = '*'"""
    shown_before: dict[str, set] = {}
    for row in duckdb.sql(query.format(first)).fetchall():
        shown_before.setdefault(row[0], set()).add(row[1:])
    shown_after: dict[str, set] = {}
    for row in duckdb.sql(query.format(second)).fetchall():
        shown_after.setdefault(row[0], set()).add(row[1:])
    same = [b for b in set(before) & set(after) if shown_before.get(b) == shown_after.get(b)]
    assert beeld.buurt not in after or beeld.buurt in same or shown_before.get(beeld.buurt) != shown_after.get(
        beeld.buurt)
    assert same
    assert [b for b in same if before[b] != after[b]] == []


def test_no_statement_without_a_readable_previous_snapshot(generated_s, tmp_path):
    """When the previous snapshot's file cannot be read nothing can be carried over, and a fresh
    statement could be differenced against the earlier one: the pipeline then makes none."""
    source = SourceSet(generated_s.out_dir, "parquet", date(2026, 10, 1), "test")
    made = pipeline.run(source, tmp_path / "with.parquet", seed_weights())
    withheld = pipeline.run(source, tmp_path / "without.parquet", seed_weights(), withhold_set=True)
    assert _statements(tmp_path / "with.parquet") and made.te_bekijken > 0
    assert _statements(tmp_path / "without.parquet") == {} and withheld.te_bekijken == 0
