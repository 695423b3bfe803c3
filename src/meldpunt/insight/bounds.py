"""What someone with the published cells can infer about each hidden count: an interval per
cell, narrowed line by line until nothing moves (interval propagation).

The attacker knows every visible value; that a "<5" count is 1 … 4 — or 0 … 4 where it may be a
padded zero (``suppression.pad_zeros``: a part of a line whose total is hidden); that a "×" count
is at least 5; that a count not published is 0; and the additive lines (table ``member`` of
``suppression.build_lines``: a total and its parts). Per line, a part is at least the total's
lower bound minus the others' upper bounds and at most the total's upper bound minus the others'
lower bounds; a total lies between the sums of its parts' bounds. Sound: it never claims more
than the published cells force. Used by ``audit`` (to count what an attacker recovers), which the
pipeline runs as a gate before it writes a snapshot (ADR 0026).
"""

from __future__ import annotations

UNBOUNDED = 1e15
MAX_ROUNDS = 30


def propagate(con, table: str, threshold: int) -> int:
    """Fill temp table ``bound`` (id, hidden, lo, hi, public_width) for the count cells of
    ``table`` (``member`` must be built). Visible values are read from ``value`` only where the
    cell is not hidden, so the inference uses published values only. Returns the rounds taken."""
    initial_bounds(con, table, threshold)
    return tighten(con)


def initial_bounds(con, table: str, threshold: int) -> None:
    """Table ``bound`` with what each published cell says on its own (see ``propagate``)."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE may_be_zero AS
        SELECT DISTINCT p.id FROM member p JOIN member t ON t.line = p.line AND t.is_total
        JOIN {table} c ON c.id = t.id
        WHERE NOT p.is_total AND c.hidden
    """.replace("{table}", table))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE bound AS
        SELECT id, hidden,
               CASE WHEN NOT hidden THEN value WHEN primary_hidden AND id IN (SELECT id FROM may_be_zero) THEN 0
                    WHEN primary_hidden THEN 1 ELSE {threshold} END AS lo,
               CASE WHEN NOT hidden THEN value WHEN primary_hidden THEN {threshold - 1} ELSE {UNBOUNDED} END AS hi,
               CASE WHEN NOT hidden THEN 0 WHEN primary_hidden AND id IN (SELECT id FROM may_be_zero)
                    THEN {threshold - 1} WHEN primary_hidden THEN {threshold - 2} ELSE {UNBOUNDED} END
                 AS public_width
        FROM {table} WHERE kind = 'telling'
    """)


def tighten(con, changed: str | None = None) -> int:
    """Narrow ``bound`` over the lines of ``member`` until nothing moves; returns the rounds.

    Incremental: a line can only narrow a cell again when one of its cells moved, so after the
    first round (all lines, or with ``changed`` — a table of ids whose bounds just moved — only
    their lines) each round looks only at the lines of the cells the round before moved. The
    result is the same fixpoint as rounds over every line (narrowing is monotone), in a fraction
    of the time at size L (ADR 0026 part 10)."""
    rounds = 0
    if changed:
        con.execute(f"CREATE OR REPLACE TEMP TABLE bound_moved AS SELECT DISTINCT id FROM {changed}")
    while rounds < MAX_ROUNDS:
        rounds += 1
        lines = ("member" if rounds == 1 and not changed else
                 "(SELECT * FROM member SEMI JOIN (SELECT DISTINCT line FROM member "
                 "SEMI JOIN bound_moved USING (id)) d USING (line))")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE tightened AS
            WITH m AS (
              SELECT m.line, m.id, m.is_total, b.lo, b.hi, b.hidden FROM {lines} m JOIN bound b USING (id)
            ), line AS (
              SELECT line,
                     max(lo) FILTER (WHERE is_total) AS t_lo, max(hi) FILTER (WHERE is_total) AS t_hi,
                     sum(lo) FILTER (WHERE NOT is_total) AS p_lo, sum(hi) FILTER (WHERE NOT is_total) AS p_hi,
                     bool_or(hidden) AS any_hidden
              FROM m GROUP BY line
            ), cand AS (
              SELECT m.id,
                     CASE WHEN m.is_total THEN l.p_lo ELSE l.t_lo - (l.p_hi - m.hi) END AS lo,
                     CASE WHEN m.is_total THEN l.p_hi ELSE l.t_hi - (l.p_lo - m.lo) END AS hi
              FROM m JOIN line l USING (line)
              WHERE m.hidden AND l.any_hidden AND l.t_lo IS NOT NULL
            )
            SELECT c.id, greatest(max(c.lo), any_value(b.lo)) AS lo, least(min(c.hi), any_value(b.hi)) AS hi
            FROM cand c JOIN bound b USING (id) GROUP BY c.id
            HAVING greatest(max(c.lo), any_value(b.lo)) > any_value(b.lo)
                OR least(min(c.hi), any_value(b.hi)) < any_value(b.hi)
        """)
        if not con.execute("SELECT count(*) FROM tightened").fetchall()[0][0]:
            break
        con.execute("UPDATE bound SET lo = t.lo, hi = t.hi FROM tightened t WHERE bound.id = t.id")
        con.execute("CREATE OR REPLACE TEMP TABLE bound_moved AS SELECT id FROM tightened")
    return rounds
