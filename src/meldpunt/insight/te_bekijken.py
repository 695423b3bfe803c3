"""The set "te bekijken" (ADR 0026 part 9): buurten whose *exact* hotspot score reaches a
threshold, published as membership only — no rank, no score, no band.

The exact score is the method of ``hotspots`` with the exact counts as observed values, but with
the published expected values, rarity and weights (table ``hotspot_components``): so a buurt's
exact score depends on its own counts only and is non-decreasing in each of them. A statement
("te bekijken" or not) is then one monotone inequality over the buurt's hidden input cells, which
the attacker's interval model (``bounds``) can use exactly like a line:

- member (score ≥ T): each hidden input is at least the least value that still reaches T with the
  buurt's other inputs at their upper bounds;
- non-member (score < T): each hidden input is at most the largest value that stays below T with
  the other inputs at their lower bounds.

Who gets a statement is decided on published data only (``eligible``): a buurt with at least
``MIN_INHABITANTS`` (CBS) where neither possible statement would by itself close one of its hidden
inputs to one non-zero value. Between snapshots a statement is carried over while the buurt's
published input cells show the same (``carry_over``), so a change that does not show in the cells
cannot show in the set. The pipeline's gate propagates lines and statements together
(``audit``) and refuses a file in which anything is pinned.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .hotspots import CAP, STABILISER

# T = THRESHOLD_FACTOR × the largest weight × rarity of the beeld: as much as the strongest
# indicator one standard step above its expectation. Relative, because rarity (and so the scale of
# the score) differs between one gemeente and the whole country; both are published. Tuned on seed
# 479 only (the K-th exact score was 1.02 × at M and 1.34 × at L), ADR 0026 part 9.
THRESHOLD_FACTOR = 1.0
MIN_INHABITANTS = 50  # N: a statement about a smaller buurt is nearly one about a household
MEASURE = "te_bekijken"
EPSILON = 1e-9  # rounding always in the direction that claims less


def _previous_share(reference_date: date) -> float:
    year = reference_date.year
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return 1 - reference_date.timetuple().tm_yday / days


def link_inputs(con, table: str, reference_date: date) -> None:
    """Tables ``set_link`` (buurt, measure, id, coef: the score's input cells, visible or hidden)
    and ``set_comp`` (buurt, measure, a = weight × rarity, expected) from ``hotspot_components``."""
    year = reference_date.year
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE set_link AS
        SELECT area AS buurt, measure, id,
               CASE WHEN measure <> 'signalen' OR period = '{year}' THEN 1.0
                    ELSE {_previous_share(reference_date)} END::DOUBLE AS coef
        FROM {table}
        WHERE level = 'buurt' AND kind = 'telling' AND phenomenon = '*' AND dim = '' AND category = '*'
          AND measure IN (SELECT measure FROM hotspot_weights)
          AND ((measure = 'signalen' AND period IN ('{year}', '{year - 1}'))
               OR (measure <> 'signalen' AND period = 'actueel'))
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE set_comp AS
        SELECT buurt, measure, weight * rarity AS a, expected FROM hotspot_components
    """)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE set_threshold AS
                    SELECT coalesce({THRESHOLD_FACTOR} * max(a), 0) AS t FROM set_comp""")


def threshold(con) -> float:
    """T of this beeld (after ``link_inputs``)."""
    return con.execute("SELECT t FROM set_threshold").fetchall()[0][0]


def exact_scores(con, table: str = "cells") -> None:
    """Table ``exact_score`` (buurt, score) from the exact values of ``table`` (pipeline only)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE exact_score AS
        WITH o AS (SELECT l.buurt, l.measure, sum(l.coef * c.value) AS o
                   FROM set_link l JOIN {table} c USING (id) GROUP BY ALL)
        SELECT p.buurt, sum(p.a * least({CAP}, greatest(0, (coalesce(o.o, 0) - p.expected)
                                                        / sqrt(p.expected + {STABILISER})))) AS score
        FROM set_comp p LEFT JOIN o USING (buurt, measure) GROUP BY p.buurt
    """)


def _narrowing_sql(statements: str) -> str:
    """New bounds (id, lo, hi) that the statements of table ``statements`` (buurt, member) give
    the hidden input cells, from the current table ``bound``."""
    t = "(SELECT t FROM set_threshold)"
    return f"""
        WITH h AS (SELECT l.buurt, l.measure, l.id, l.coef, b.lo, b.hi, b.hidden
                   FROM set_link l JOIN bound b USING (id) SEMI JOIN {statements} s USING (buurt)),
        o AS (SELECT buurt, measure, sum(coef * lo) AS o_lo, sum(coef * hi) AS o_hi FROM h GROUP BY ALL),
        c AS (SELECT p.buurt, p.measure, p.a, p.expected, coalesce(o.o_lo, 0) AS o_lo, coalesce(o.o_hi, 0) AS o_hi
              FROM set_comp p SEMI JOIN {statements} s USING (buurt) LEFT JOIN o USING (buurt, measure)),
        cs AS (SELECT *, a * least({CAP}, greatest(0, (o_lo - expected) / sqrt(expected + {STABILISER}))) AS s_lo,
                         a * least({CAP}, greatest(0, (o_hi - expected) / sqrt(expected + {STABILISER}))) AS s_hi
               FROM c),
        total AS (SELECT buurt, sum(s_lo) AS sum_lo, sum(s_hi) AS sum_hi FROM cs GROUP BY buurt),
        room AS (SELECT cs.*, s.member,
                        CASE WHEN s.member THEN {t} - (total.sum_hi - cs.s_hi)
                             ELSE {t} - (total.sum_lo - cs.s_lo) END AS room
                 FROM cs JOIN total USING (buurt) JOIN {statements} s USING (buurt)),
        limit_o AS (
          SELECT buurt, measure, member, o_lo, o_hi,
                 expected + (room / a) * sqrt(expected + {STABILISER}) AS o_edge
          FROM room
          WHERE a > 0 AND ((member AND room > 0 AND room <= a * {CAP})
                           OR (NOT member AND room > 0 AND room <= a * {CAP}))
        )
        SELECT h.id,
               CASE WHEN l.member THEN greatest(h.lo, ceil((l.o_edge - l.o_hi) / h.coef + h.hi - {EPSILON}))
                    ELSE h.lo END AS lo,
               CASE WHEN l.member THEN h.hi
                    ELSE least(h.hi, ceil((l.o_edge - l.o_lo) / h.coef + h.lo + {EPSILON}) - 1) END AS hi
        FROM h JOIN limit_o l USING (buurt, measure)
        WHERE h.hidden AND h.coef > 0
    """


def narrow(con, statements: str = "set_statement") -> int:
    """Apply the statements to ``bound`` once; returns how many cells moved."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE set_tightened AS
        SELECT n.id, max(n.lo) AS lo, min(n.hi) AS hi FROM ({_narrowing_sql(statements)}) n
        JOIN bound b USING (id) GROUP BY n.id
        HAVING max(n.lo) > any_value(b.lo) OR min(n.hi) < any_value(b.hi)
    """)
    moved = con.execute("SELECT count(*) FROM set_tightened").fetchall()[0][0]
    if moved:
        con.execute("UPDATE bound SET lo = t.lo, hi = t.hi FROM set_tightened t WHERE bound.id = t.id")
    return moved


def eligible(con, table: str) -> None:
    """Table ``set_eligible`` (buurt): buurten with at least ``MIN_INHABITANTS`` (published CBS
    figure) where neither statement alone would close a hidden input to one non-zero value, given
    ``bound`` (the intervals the published cells allow). Uses published data only."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE set_candidate AS
        SELECT DISTINCT l.buurt FROM set_link l
        JOIN {table} c ON c.level = 'buurt' AND c.area = l.buurt AND c.kind = 'context'
         AND c.measure = 'cbs_inwoners' AND c.value >= {MIN_INHABITANTS}
    """)
    con.execute("""CREATE OR REPLACE TEMP TABLE set_hypothesis AS
                   SELECT buurt, true AS member FROM set_candidate""")
    unsafe = f"""SELECT DISTINCT l.buurt FROM ({_narrowing_sql('set_hypothesis')}) n JOIN set_link l USING (id)
                 WHERE n.hi <= n.lo AND n.hi > 0"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE set_unsafe AS {unsafe}")
    con.execute("UPDATE set_hypothesis SET member = false")
    con.execute(f"INSERT INTO set_unsafe {unsafe}")
    con.execute("""CREATE OR REPLACE TEMP TABLE set_eligible AS
                   SELECT buurt FROM set_candidate ANTI JOIN set_unsafe USING (buurt)""")


def statements_from(table: str) -> str:
    """The statements published in ``table`` as a query (buurt, member)."""
    return (f"(SELECT area AS buurt, value > 0 AS member FROM {table} "
            f"WHERE level = 'buurt' AND kind = 'score' AND measure = '{MEASURE}')")


def carry_over(con, previous: Path | None, table: str = "cells") -> None:
    """Overwrite ``set_statement`` with the previous snapshot's statement for every buurt whose
    published input cells show the same as before (ADR 0026 part 9, two snapshots)."""
    if previous is None or not Path(previous).exists():
        return
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE set_previous AS
        SELECT * FROM read_parquet('{Path(previous)}')
        WHERE level = 'buurt' AND (kind = 'telling' OR (kind = 'score' AND measure = '{MEASURE}'))
    """)
    shown = """CASE WHEN hidden AND primary_hidden THEN '<5' WHEN hidden THEN 'x' ELSE CAST(value AS VARCHAR) END"""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE set_carried AS
        WITH now AS (SELECT c.area AS buurt, c.measure, c.period, {shown} AS shown
                     FROM {table} c SEMI JOIN set_link l ON l.id = c.id),
        before AS (SELECT p.area AS buurt, p.measure, p.period, {shown} AS shown FROM set_previous p
                   WHERE p.kind = 'telling' AND p.phenomenon = '*' AND p.dim = '' AND p.category = '*'
                     AND (p.measure, p.period) IN (SELECT DISTINCT c.measure, c.period FROM {table} c
                                                   SEMI JOIN set_link l ON l.id = c.id)),
        changed AS (SELECT coalesce(n.buurt, b.buurt) AS buurt FROM now n
                    FULL JOIN before b USING (buurt, measure, period)
                    WHERE n.shown IS DISTINCT FROM b.shown)
        SELECT p.area AS buurt, p.value > 0 AS member FROM set_previous p
        WHERE p.kind = 'score' AND p.measure = '{MEASURE}'
          AND p.area IN (SELECT buurt FROM set_statement) AND p.area NOT IN (SELECT buurt FROM changed)
    """)
    con.execute("""UPDATE set_statement SET member = c.member FROM set_carried c
                   WHERE set_statement.buurt = c.buurt""")


def build(con, reference_date: date, previous: Path | None = None, table: str = "cells",
          withhold: bool = False) -> int:
    """Decide the statements and add them to ``table`` as cells of kind ``score`` (1 te bekijken,
    0 niet). Needs ``hotspot_components`` and ``bound`` (the published cells' intervals).
    ``withhold``: make no statement at all (the previous snapshot's file cannot be read, so no
    statement could be carried over). Returns the number of members."""
    link_inputs(con, table, reference_date)
    exact_scores(con, table)
    eligible(con, table)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE set_statement AS
        SELECT e.buurt, coalesce(x.score, 0) >= (SELECT t FROM set_threshold) AS member
        FROM set_eligible e LEFT JOIN exact_score x USING (buurt)
    """)
    carry_over(con, previous, table)
    if withhold:
        con.execute("DELETE FROM set_statement")
    con.execute(f"""
        INSERT INTO {table} BY NAME
        SELECT -4000000000 - row_number() OVER (ORDER BY s.buurt) AS id, 'buurt' AS level, s.buurt AS area,
               g.wijk AS parent, '*' AS phenomenon, 'actueel' AS period, '{MEASURE}' AS measure, '' AS dim,
               '*' AS category, CASE WHEN s.member THEN 1.0 ELSE 0.0 END AS value, 'score' AS kind,
               false AS hidden, false AS primary_hidden
        FROM set_statement s JOIN geo g USING (buurt)
    """)
    return con.execute("SELECT count(*) FILTER (WHERE member) FROM set_statement").fetchall()[0][0]
