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
    changed = None
    while rounds < MAX_JOINT_ROUNDS:
        rounds += 1
        tighten(con, changed)
        if not te_bekijken.narrow(con, statements):
            break
        changed = "set_tightened"  # only the lines of the cells the statements moved
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


KEY = ("level", "area", "phenomenon", "period", "measure", "dim", "category")


def attack(cells_path: Path, memory_limit: str = "3GB", weights: dict[str, float] | None = None,
           reference_date: date | None = None, known: dict[tuple, tuple[float, float]] | None = None,
           use_statements: bool = True) -> tuple[dict[str, int], dict[tuple, tuple[float, float]]]:
    """Attack the published cell file ``cells_path``: the hidden cells, how many were narrowed,
    how many recovered exactly, the propagation rounds and the statements of the set; and the
    interval of every hidden count by its key. ``weights`` and ``reference_date`` (the method's,
    both public) are needed when the file carries the set "te bekijken". ``known``: what the
    attacker knows from elsewhere, {key: (lo, hi)} (e.g. another snapshot and a change they made
    themselves), applied before propagating. ``use_statements`` False: the cells only (to tell
    what the set adds)."""
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
        if known:
            con.execute(f"CREATE TEMP TABLE known ({', '.join(f'{k} VARCHAR' for k in KEY)}, lo DOUBLE, hi DOUBLE)")
            con.executemany(f"INSERT INTO known VALUES ({', '.join('?' for _ in range(len(KEY) + 2))})",
                            [(*key, lo, hi) for key, (lo, hi) in known.items()])
            con.execute(f"""UPDATE bound SET lo = greatest(bound.lo, x.lo), hi = least(bound.hi, x.hi)
                            FROM published p JOIN known x USING ({', '.join(KEY)})
                            WHERE p.id = bound.id AND bound.hidden""")
        statements = con.execute(
            f"SELECT count(*) FROM published WHERE kind = 'score' AND measure = '{te_bekijken.MEASURE}'"
        ).fetchall()[0][0]
        if statements and use_statements:
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
        pinned = [tuple(row) for row in con.execute(
            f"SELECT {', '.join('p.' + k for k in KEY)}, b.lo FROM bound b JOIN published p USING (id) "
            "WHERE b.hidden AND b.hi <= b.lo AND b.hi > 0 ORDER BY ALL LIMIT 20").fetchall()] if recovered else []
        intervals = {tuple(row[:-2]): (row[-2], row[-1]) for row in con.execute(
            f"SELECT {', '.join('p.' + k for k in KEY)}, b.lo, b.hi FROM bound b JOIN published p USING (id) "
            "WHERE b.hidden").fetchall()} if known is not None else {}
    finally:
        con.close()
    return ({"hidden": hidden, "narrowed": narrowed, "recovered": recovered, "rounds": rounds,
             "statements": statements, "pinned": pinned}, intervals)


def recoverable_cells(cells_path: Path, memory_limit: str = "3GB", weights: dict[str, float] | None = None,
                      reference_date: date | None = None) -> dict[str, int]:
    """``attack`` on one file, the figures only (the pipeline's gate and the bench)."""
    return attack(cells_path, memory_limit, weights, reference_date)[0]


def recoverable_pair(first: Path, second: Path, changes: dict[tuple, float], weights: dict[str, float],
                     reference_dates: tuple[date, date], rounds: int = 3, use_statements: bool = True
                     ) -> dict[str, int]:
    """Attack two consecutive snapshots together: ``changes`` {key: d} are the changes the attacker
    knows exactly (second = first + d; a signal they added themselves); for those cells each
    snapshot's interval narrows the other's, back and forth. Returns the second attack's figures
    with ``recovered`` the cells pinned in either snapshot."""
    known_first: dict[tuple, tuple[float, float]] = {}
    result_first = result_second = None
    for _ in range(rounds):
        result_first, first_bounds = attack(first, weights=weights, reference_date=reference_dates[0],
                                            known=known_first, use_statements=use_statements)
        known_second = {k: (first_bounds[k][0] + d, first_bounds[k][1] + d) for k, d in changes.items()
                        if k in first_bounds}
        result_second, second_bounds = attack(second, weights=weights, reference_date=reference_dates[1],
                                              known=known_second, use_statements=use_statements)
        new_first = {k: (second_bounds[k][0] - d, second_bounds[k][1] - d) for k, d in changes.items()
                     if k in second_bounds}
        if new_first == known_first:
            break
        known_first = new_first
    return {**result_second, "recovered": result_first["recovered"] + result_second["recovered"],
            "pinned": result_first["pinned"] + result_second["pinned"]}
