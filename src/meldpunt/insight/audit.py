"""An attack on a published cell file, fast enough for size L: how many suppressed counts can
someone with the file pin down exactly? The goal is 0 (P6).

It reads only what is published (the Parquet file as the export carries it: hidden values are
empty), rebuilds the additive lines and narrows every hidden count by interval propagation
(``bounds``). A hidden cell whose interval closes to one value is *recovered*; one whose
interval is narrower than its public range ("<5": 1 … 4, or 0 … 4 where it may be a padded zero;
"×": 5 or more) is *narrowed*. A "<5" pinned to 0 is not recovered: it is a zero, and zeros are no
secret (they were published as 0 before zero padding). The pipeline runs this as a gate
(``pipeline.run`` writes no snapshot with ``recovered > 0``). The tests add exact linear algebra
over the rationals for the small sizes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .bounds import propagate
from .suppression import THRESHOLD, build_lines


def recoverable_cells(cells_path: Path, memory_limit: str = "3GB") -> dict[str, int]:
    """Attack the published cell file ``cells_path``: the hidden cells, how many were narrowed,
    how many recovered exactly, and the propagation rounds."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"""
            CREATE TEMP TABLE pub AS
            SELECT CAST(row_number() OVER () AS BIGINT) AS id, level, area, parent, phenomenon, period, measure,
                   dim, category, kind, CASE WHEN hidden THEN NULL ELSE value END AS value, hidden, primary_hidden
            FROM read_parquet('{Path(cells_path)}') WHERE kind = 'telling'
        """)
        build_lines(con, "pub")
        rounds = propagate(con, "pub", THRESHOLD)
        hidden, narrowed, recovered = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE hi - lo < public_width), count(*) FILTER (WHERE hi <= lo AND hi > 0)
            FROM bound WHERE hidden
        """).fetchall()[0]
    finally:
        con.close()
    return {"hidden": hidden, "narrowed": narrowed, "recovered": recovered, "rounds": rounds}
