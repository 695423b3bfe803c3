"""Attack P6 with bounds, not only equations: what the analist fetches (the RIEC JSON export of
two consecutive snapshots, with the public CBS geography) narrowed by interval propagation.

The linear-algebra attacks (test_attack_p6_aggregates.py, test_beeld_suppression.py) use the
additive relations as equations. An attacker also knows *bounds*: "<5" is 1 … 4 (0 … 4 where it
may be a padded zero: a part of a line whose total is hidden), "×" at least 5,
and a count that is not published is 0. Combined over lines that share cells, the bounds can
close: three buurten "<5" of a wijk "<5", one of them ≥ 2 from another line, fixes all three.
``meldpunt.insight.audit`` is that attack; it runs here on the export as the analist downloads it.

What this module shows (ADR 0026):

- the attack itself works (it recovers a planted leak, and recovers nothing where nothing leaks);
- the new figures of issue 14 publish no count of ours beyond the cells: the report's per-wijk
  table and summary show exactly the published cells, the CBS comparison is public CBS data;
- with zero padding (a zero in a line with a hidden total is published as "<5", so "<5" is 0 … 4
  there) the attack recovers no count from two consecutive exports; and the pipeline refuses to
  write a snapshot that the attack can break.
"""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest
from django.urls import reverse
from test_attack_p6_aggregates import analist, beeld  # noqa: F401 (fixtures)

from meldpunt.insight import audit, kerncijfers, pipeline, selectors
from meldpunt.insight.errors import DisclosureError
from meldpunt.insight.matrix import seed_weights
from meldpunt.insight.sources import SourceSet

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

HIDDEN = {"<5": "primair", "×": "secundair"}


def export_to_cell_file(client, version: int, path) -> int:
    """The analist's JSON export as a cell file, with the parent of each area from the public
    CBS geography (buurt → wijk → gemeente). Returns the number of hidden count cells."""
    data = json.loads(client.get(reverse("insight:export_json"), {"versie": version}).content)
    wijk_of = {}
    gemeente_of = {}
    for code in {c["gebiedscode"] for c in data["cellen"] if c["gebiedsniveau"] == "gemeente"}:
        for w in kerncijfers.children("wijk", code):
            gemeente_of[w.code] = code
        for b in kerncijfers.buurten_of_gemeente(code).values():
            wijk_of[b.code] = b.parent
    rows = []
    for c in data["cellen"]:
        level, area = c["gebiedsniveau"], c["gebiedscode"]
        parent = {"buurt": wijk_of.get(area, ""), "wijk": gemeente_of.get(area, ""), "gemeente": ""}[level]
        hidden = c["waarde"] in HIDDEN
        value = None if hidden or c["waarde"] in ("", "–") else float(c["waarde"].replace(".", "").replace(",", "."))
        rows.append((level, area, parent, c["fenomeen"], c["periode"], c["maat"], c["dimensie"], c["categorie"],
                     c["soort"], value, hidden, hidden and c["waarde"] == "<5"))
    con = duckdb.connect()
    con.execute("""CREATE TABLE cells (level VARCHAR, area VARCHAR, parent VARCHAR, phenomenon VARCHAR,
                   period VARCHAR, measure VARCHAR, dim VARCHAR, category VARCHAR, kind VARCHAR, value DOUBLE,
                   hidden BOOLEAN, primary_hidden BOOLEAN)""")
    con.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(f"COPY cells TO '{path}' (FORMAT parquet)")
    con.close()
    return sum(1 for r in rows if r[10] and r[8] == "telling")


def small_file(path, rows) -> None:
    con = duckdb.connect()
    con.execute("""CREATE TABLE cells (level VARCHAR, area VARCHAR, parent VARCHAR, phenomenon VARCHAR,
                   period VARCHAR, measure VARCHAR, dim VARCHAR, category VARCHAR, kind VARCHAR, value DOUBLE,
                   hidden BOOLEAN, primary_hidden BOOLEAN)""")
    con.executemany("INSERT INTO cells VALUES (?, ?, ?, '*', '2025', 'signalen', '', '*', 'telling', ?, ?, ?)", rows)
    con.execute(f"COPY cells TO '{path}' (FORMAT parquet)")
    con.close()


def test_the_interval_attack_finds_a_planted_leak_and_nothing_else(tmp_path):
    leaky = tmp_path / "leaky.parquet"
    # A wijk of 10 with buurten 7 and "<5": total minus the rest gives 3 away.
    small_file(leaky, [("wijk", "W1", "G", 10.0, False, False), ("buurt", "B1", "W1", 7.0, False, False),
                       ("buurt", "B2", "W1", None, True, True)])
    assert audit.recoverable_cells(leaky)["recovered"] == 1
    bounded = tmp_path / "bounded.parquet"
    # A wijk "<5" with four buurten "<5". Before zero padding each buurt was at least 1 and all four
    # were 1; now a part of a line with a hidden total may be a padded zero (0 … 4): nothing is fixed.
    small_file(bounded, [("wijk", "W1", "G", None, True, True)]
               + [("buurt", f"B{i}", "W1", None, True, True) for i in range(4)])
    assert audit.recoverable_cells(bounded)["recovered"] == 0
    safe = tmp_path / "safe.parquet"
    # A wijk of 20 with "<5", "×" and 9: the hidden pair sums to 11; neither is fixed (1+10 … 4+7).
    small_file(safe, [("wijk", "W1", "G", 20.0, False, False), ("buurt", "B1", "W1", None, True, True),
                      ("buurt", "B2", "W1", None, True, False), ("buurt", "B3", "W1", 9.0, False, False)])
    assert audit.recoverable_cells(safe)["recovered"] == 0


def test_the_pipeline_writes_no_snapshot_the_attack_can_break(generated_s, tmp_path, monkeypatch):
    """The audit is a gate: a suppression that leaks (here: the "×" cells shown after all, so a
    total minus the rest gives a "<5" away) makes ``pipeline.run`` refuse with a Dutch message and
    leave no file behind."""

    def leaky_padding(con, table):
        con.execute(f"UPDATE {table} SET hidden = false WHERE hidden AND NOT primary_hidden")
        return 0

    source = SourceSet(generated_s.out_dir, "parquet", date(2026, 10, 1), "test")
    monkeypatch.setattr(pipeline, "pad_zeros", leaky_padding)
    target = tmp_path / "cells.parquet"
    with pytest.raises(DisclosureError, match="niet opgeslagen.*precies te herleiden"):
        # Without the closing of pins (ADR 0026 part 10), which would hide more and repair it.
        pipeline.run(source, target, seed_weights(), close_pinned=False)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    pipeline.run(source, target, seed_weights())
    assert audit.recoverable_cells(target, weights=seed_weights(), reference_date=date(2026, 10, 1))["recovered"] == 0


def test_report_adds_no_count_beyond_the_published_cells(analist, beeld):  # noqa: F811
    """The per-wijk table and the summary of the report show the published cells, character for
    character ("<5" stays "<5"); nothing is summed or derived from our counts."""
    data = json.loads(analist.get(reverse("insight:export_json"), {"versie": beeld.second.version}).content)
    published = {(c["gebiedscode"], c["maat"], c["periode"]): c["waarde"] for c in data["cellen"]
                 if c["fenomeen"] == "*" and c["dimensie"] == "" and c["soort"] == "telling"}
    html = analist.get(reverse("insight:report"), {"versie": beeld.second.version}).content.decode()
    period = beeld.second.periods[-1]
    table = html[html.index('id="wijken-kop"'):]
    table = table[:table.index("</table>")]
    for w in kerncijfers.children("wijk", "GM0479"):
        row = re.search(r">" + re.escape(w.naam.replace("'", "&#x27;")) + r"</th>(.*?)</tr>", table)
        assert row, w.naam
        figures = re.findall(r'mp-num">([^<]*)</td>', row.group(1))
        for measure, shown in zip(("signalen", "casussen", "interventies"), figures[:3], strict=True):
            expected = published.get((w.code, measure, period), "0").replace("&lt;", "<")
            assert shown.replace("&lt;", "<") == expected, (w.naam, measure)


def test_no_count_is_recovered_from_two_consecutive_exports(analist, beeld, tmp_path):  # noqa: F811
    recovered = 0
    for snap in (beeld.first, beeld.second):
        path = tmp_path / f"export-{snap.version}.parquet"
        hidden = export_to_cell_file(analist, snap.version, path)
        result = audit.recoverable_cells(path, weights=selectors.hotspot_weights(), reference_date=snap.reference_date)
        assert result["hidden"] == hidden
        recovered += result["recovered"]
    assert recovered == 0
