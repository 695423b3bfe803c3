"""What changed between two snapshots, on the published (suppressed) values only."""

from __future__ import annotations

from pathlib import Path

import duckdb

KEY = "level, area, phenomenon, period, measure, dim, category"


def compare(previous: Path, current: Path, previous_version: int, top: int = 15) -> dict:
    """Counts of added, removed, changed and unchanged cells, and the largest visible changes
    at gemeente and wijk level (never a hidden value)."""
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP VIEW a AS SELECT * FROM read_parquet('{previous}') WHERE kind <> 'score'")
        con.execute(f"CREATE TEMP VIEW b AS SELECT * FROM read_parquet('{current}') WHERE kind <> 'score'")
        added, removed, changed, same = con.execute(f"""
            SELECT count(*) FILTER (WHERE a.measure IS NULL),
                   count(*) FILTER (WHERE b.measure IS NULL),
                   count(*) FILTER (WHERE a.measure IS NOT NULL AND b.measure IS NOT NULL
                                    AND (a.hidden <> b.hidden OR a.value IS DISTINCT FROM b.value)),
                   count(*) FILTER (WHERE a.measure IS NOT NULL AND b.measure IS NOT NULL
                                    AND a.hidden = b.hidden AND a.value IS NOT DISTINCT FROM b.value)
            FROM a FULL OUTER JOIN b USING ({KEY})
        """).fetchall()[0]
        largest = con.execute(f"""
            SELECT level, area, phenomenon, period, measure, a.value, b.value, b.value - a.value AS delta
            FROM a JOIN b USING ({KEY})
            WHERE level IN ('gemeente', 'wijk') AND dim = '' AND a.kind = 'telling'
              AND NOT a.hidden AND NOT b.hidden AND a.value <> b.value
            ORDER BY abs(b.value - a.value) DESC, level, area, measure LIMIT {int(top)}
        """).fetchall()
        hotspots_before = [r[0] for r in con.execute(
            f"SELECT area FROM read_parquet('{previous}') WHERE measure = 'hotspotscore' ORDER BY value DESC, area "
            f"LIMIT 10").fetchall()]
        hotspots_after = [r[0] for r in con.execute(
            f"SELECT area FROM read_parquet('{current}') WHERE measure = 'hotspotscore' ORDER BY value DESC, area "
            f"LIMIT 10").fetchall()]
    finally:
        con.close()
    return {
        "vorige_versie": previous_version,
        "toegevoegd": added, "verdwenen": removed, "gewijzigd": changed, "gelijk": same,
        "grootste_wijzigingen": [
            {"niveau": lvl, "gebied": area, "fenomeen": phen, "periode": period, "maat": measure,
             "was": old, "nu": new, "verschil": delta}
            for lvl, area, phen, period, measure, old, new, delta in largest
        ],
        "hotspots_nieuw": [b for b in hotspots_after if b not in hotspots_before],
        "hotspots_weg": [b for b in hotspots_before if b not in hotspots_after],
    }
