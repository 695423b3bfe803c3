"""The closing of pins (ADR 0026 part 10): where two lines together pin a hidden count, the
pipeline hides the cheapest extra leaf and redoes the attack only in that gemeente, so the gate
accepts — without the full re-suppression that cost minutes and recall at L.

At S and M the suppression leaves nothing pinned, so a leak is made here on purpose (the "×"
cells shown after all, as in ``test_the_pipeline_writes_no_snapshot_the_attack_can_break``): the
closing must repair it, and the interval attack on the written file must recover nothing.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from meldpunt.insight import audit, bounds, pipeline
from meldpunt.insight.matrix import seed_weights
from meldpunt.insight.sources import SourceSet
from meldpunt.insight.suppression import THRESHOLD, build_lines, pad_zeros

pytestmark = [pytest.mark.attack, pytest.mark.django_db]
REFERENCE = date(2026, 10, 1)


def _leaky(shown_share):
    """Zero padding, then a share of the "×" cells shown after all: pins the closing must undo."""
    def leaky_padding(con, table):
        padded = pad_zeros(con, table)
        con.execute(f"UPDATE {table} SET hidden = false WHERE hidden AND NOT primary_hidden "
                    f"AND hash(id) % 100 < {shown_share}")
        return padded
    return leaky_padding


def test_the_closing_repairs_what_the_suppression_leaves_pinned(generated_s, tmp_path, monkeypatch):
    source = SourceSet(generated_s.out_dir, "parquet", REFERENCE, "test")
    monkeypatch.setattr(pipeline, "pad_zeros", _leaky(30))
    target = tmp_path / "cells.parquet"
    result = pipeline.run(source, target, seed_weights())
    assert result.closing["cells"]["pinned"] == 0, result.closing
    assert result.closing["with_set"]["pinned"] == 0, result.closing
    assert result.closing["cells"].get("extra", 0) > 0, "the leak should have needed extra cells"
    attack = audit.recoverable_cells(target, weights=seed_weights(), reference_date=REFERENCE)
    assert attack["recovered"] == 0, attack["pinned"]


def test_incremental_tightening_reaches_the_same_intervals(generated_s, tmp_path, monkeypatch):
    """``bounds.tighten`` looks only at the lines of the cells that moved in the round before;
    the fixpoint is the one of rounds over every line."""
    source = SourceSet(generated_s.out_dir, "parquet", REFERENCE, "test")
    target = tmp_path / "cells.parquet"
    pipeline.run(source, target, seed_weights())
    results = []
    for incremental in (True, False):
        con = duckdb.connect()
        con.execute(f"""CREATE TEMP TABLE published AS
                        SELECT CAST(row_number() OVER (ORDER BY level, area, phenomenon, period, measure, dim,
                                                             category, kind) AS BIGINT) AS id, * EXCLUDE (value),
                               CASE WHEN hidden THEN NULL ELSE value END AS value
                        FROM read_parquet('{target}')""")
        build_lines(con, "published")
        bounds.initial_bounds(con, "published", THRESHOLD)
        if incremental:
            bounds.tighten(con)
        else:  # one round over every line per call, until a round moves nothing
            monkeypatch.setattr(bounds, "MAX_ROUNDS", 1)
            bounds.tighten(con)
            while con.execute("SELECT count(*) FROM tightened").fetchall()[0][0]:
                bounds.tighten(con)
        results.append(con.execute("SELECT id, lo, hi FROM bound ORDER BY id").fetchall())
        con.close()
    assert results[0] == results[1]
    assert any(lo != hi for _, lo, hi in results[0])
