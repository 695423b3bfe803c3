"""An attack on a published cell file, fast enough for size L: how many suppressed counts can
someone with the file pin down exactly? The goal is 0 (P6).

It reads only what is published (the Parquet file as the export carries it: hidden values are
empty), rebuilds the additive lines and narrows every hidden count by interval propagation
(``bounds``). A hidden cell whose interval closes to one value is *recovered*; one whose
interval is narrower than its public range ("<5": 1 … 4, or 0 … 4 where it may be a padded zero;
"×": 5 or more) is *narrowed*. A "<5" pinned to 0 is not recovered: it is a zero, and zeros are no
secret (they were published as 0 before zero padding). When the file carries the set "te
bekijken" (ADR 0026 part 9), its statements are propagated together with the lines: the attacker
recomputes the published expected values and rarity from the file and is given the method's
weights and reference date. The pipeline runs this as a gate (``pipeline.run`` writes no
snapshot with ``recovered > 0``). The tests add exact linear algebra over the rationals for the
small sizes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from . import te_bekijken
from .bounds import initial_bounds, tighten
from .hotspots import hotspot_sql, load_weights
from .suppression import THRESHOLD, build_lines

MAX_JOINT_ROUNDS = 20


def joint_propagation(con, table: str, statements: str) -> int:
    """Lines and statements together until nothing moves (``bound``, ``set_link`` and
    ``set_comp`` built). Returns the rounds."""
    rounds = 0
    while rounds < MAX_JOINT_ROUNDS:
        rounds += 1
        tighten(con)
        if not te_bekijken.narrow(con, statements):
            break
    return rounds


def _load_set_model(con, reference_date: date, weights: dict[str, float]) -> None:
    """What the attacker recomputes from the file: the geography and the published hotspot
    components (expected values and rarity), then the links of the set's inputs."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE geo AS
        SELECT DISTINCT b.area AS buurt, b.parent AS wijk, w.parent AS gemeente
        FROM published b JOIN (SELECT DISTINCT area, parent FROM published WHERE level = 'wijk') w
          ON w.area = b.parent
        WHERE b.level = 'buurt'
    """)
    con.execute("CREATE OR REPLACE TEMP VIEW cells AS SELECT * FROM published")
    load_weights(con, weights)
    con.execute(hotspot_sql(reference_date))
    te_bekijken.link_inputs(con, "published", reference_date)
    con.execute(f"CREATE OR REPLACE TEMP TABLE set_statement AS {te_bekijken.statements_from('published')}")


def recoverable_cells(cells_path: Path, memory_limit: str = "3GB", weights: dict[str, float] | None = None,
                      reference_date: date | None = None) -> dict[str, int]:
    """Attack the published cell file ``cells_path``: the hidden cells, how many were narrowed,
    how many recovered exactly, and the propagation rounds. ``weights`` and ``reference_date``
    (the method's, both public) are needed when the file carries the set "te bekijken"."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"""
            CREATE TEMP TABLE published AS
            SELECT CAST(row_number() OVER () AS BIGINT) AS id, level, area, parent, phenomenon, period, measure,
                   dim, category, kind, CASE WHEN hidden THEN NULL ELSE value END AS value, hidden, primary_hidden
            FROM read_parquet('{Path(cells_path)}')
        """)
        build_lines(con, "published")
        initial_bounds(con, "published", THRESHOLD)
        statements = con.execute(
            f"SELECT count(*) FROM published WHERE kind = 'score' AND measure = '{te_bekijken.MEASURE}'"
        ).fetchall()[0][0]
        if statements:
            if weights is None or reference_date is None:
                raise ValueError("The file carries the set 'te bekijken': the attack needs the weights and date.")
            _load_set_model(con, reference_date, weights)
            rounds = joint_propagation(con, "published", "set_statement")
        else:
            rounds = tighten(con)
        hidden, narrowed, recovered = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE hi - lo < public_width), count(*) FILTER (WHERE hi <= lo AND hi > 0)
            FROM bound WHERE hidden
        """).fetchall()[0]
    finally:
        con.close()
    return {"hidden": hidden, "narrowed": narrowed, "recovered": recovered, "rounds": rounds,
            "statements": statements}
