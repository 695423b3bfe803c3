"""Small-count suppression (P6), primary and secondary, in DuckDB over the whole cell table.

Primary: every count from 1 to 4 is hidden and shown as "<5". Zero is shown as 0.

Secondary (complementary) suppression: the published counts add up along *lines*, and a line
with exactly one hidden cell gives that cell away (total minus the visible rest). Lines:

- category line: the categories of one breakdown (e.g. signals per channel) and their total;
- phenomenon line: the phenomena of one measure and the all-phenomena total;
- geography lines: the buurten of a wijk and the wijk; the wijken of a gemeente plus its part
  "buiten de gemeente" (level ``buiten``, ADR 0030 §11) and the gemeente;
  in a regional table (ADR 0030 §11) also the gemeenten of a regio and the regio.

A line is safe when it has no hidden cell, or at least two hidden cells and — if its total is
visible — at least one secondary (≥ 5) hidden cell and enough *slack*: with p the hidden primary
cells and s the hidden secondary ones, Σ(p − 1) + Σ(s − 5) ≥ 3. Without slack, knowing
"primary is 1–4, secondary is ≥ 5" and the line's sum could pin a value (e.g. 1 + 5 = 6). An
unsafe line hides one more cell: the smallest visible non-total cell that brings the slack to 3,
else the smallest visible one. Rounds repeat until every line is safe; suppression only grows,
so this ends. It is a standard heuristic (as in τ-ARGUS' hypercube method, simplified); the
tests attack the result with exact linear algebra.
"""

from __future__ import annotations

THRESHOLD = 5
MIN_SLACK = 3
MAX_ROUNDS = 500


def build_lines(con, table: str = "cells") -> None:
    """The membership of every count cell in every line it belongs to (lines of ≥ 2 cells)."""
    con.execute("CREATE OR REPLACE TEMP TABLE member (line UBIGINT, id BIGINT, is_total BOOLEAN)")
    counts = f"(SELECT * FROM {table} WHERE kind = 'telling')"
    con.execute(f"""
        INSERT INTO member
        SELECT hash('c', level, area, phenomenon, period, measure, dim), id, false FROM {counts} WHERE dim <> ''
        UNION ALL
        SELECT hash('c', s.level, s.area, s.phenomenon, s.period, s.measure, d.dim), s.id, true
        FROM {counts} s JOIN (SELECT DISTINCT measure, dim FROM {counts} WHERE dim <> '') d USING (measure)
        WHERE s.dim = ''
        UNION ALL
        SELECT hash('p', level, area, period, measure, dim, category), id, phenomenon = '*'
        FROM {counts} WHERE measure IN (SELECT DISTINCT measure FROM {counts} WHERE phenomenon <> '*')
        UNION ALL
        SELECT hash('g', parent, phenomenon, period, measure, dim, category), id, false
        FROM {counts} WHERE level IN ('buurt', 'wijk', 'buiten') OR (level = 'gemeente' AND parent <> '')
        UNION ALL
        SELECT hash('g', area, phenomenon, period, measure, dim, category), id, true
        FROM {counts} WHERE level IN ('wijk', 'gemeente', 'regio')
    """)
    con.execute("""
        DELETE FROM member WHERE line IN (SELECT line FROM member GROUP BY line HAVING count(*) < 2)
    """)


def suppress(con, table: str = "cells", progress=None, primary_done: bool = False,
             start_from: str | None = None) -> dict[str, int]:
    """Set ``hidden`` and ``primary_hidden`` on ``table`` (which needs id, kind, value and the key
    columns). Returns the number of primary and secondary suppressions and the rounds taken.

    Rounds are incremental: a line can only become unsafe when one of its cells was hidden, so
    each round looks only at the lines of the cells hidden in the round before. ``start_from``: a
    table of ids just hidden (the lines in ``member`` are current); only their lines are looked at
    first (used by ``pinning``)."""
    if not primary_done:  # the pipeline sets the primary flags when it creates the cells
        con.execute(f"""
            UPDATE {table} SET primary_hidden = (kind = 'telling' AND value > 0 AND value < {THRESHOLD}),
                               hidden = (kind = 'telling' AND value > 0 AND value < {THRESHOLD})
        """)
    if start_from:
        con.execute(f"CREATE OR REPLACE TEMP TABLE newly AS SELECT id FROM {start_from}")
    else:
        build_lines(con, table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE newly AS SELECT id FROM {table} WHERE hidden")
    rounds = 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE picked AS
            WITH dirty AS (
              SELECT DISTINCT line FROM member WHERE id IN (SELECT id FROM newly)
            ), state AS (
              SELECT m.line,
                     count(*) FILTER (WHERE c.hidden) AS n_hidden,
                     count(*) FILTER (WHERE c.hidden AND NOT c.primary_hidden) AS n_secondary,
                     coalesce(sum(CASE WHEN c.hidden AND c.primary_hidden THEN c.value - 1
                                       WHEN c.hidden THEN c.value - {THRESHOLD} END), 0) AS slack,
                     bool_or(m.is_total AND NOT c.hidden) AS total_visible
              FROM member m SEMI JOIN dirty USING (line) JOIN {table} c USING (id)
              GROUP BY m.line
            ), unsafe AS (
              SELECT line, {THRESHOLD} + {MIN_SLACK} - slack AS need FROM state
              WHERE n_hidden = 1
                 OR (n_hidden >= 1 AND total_visible AND (n_secondary = 0 OR slack < {MIN_SLACK}))
            ), candidate AS (
              SELECT c.id, row_number() OVER (
                       PARTITION BY u.line
                       ORDER BY m.is_total, (c.value >= u.need) DESC, c.value, c.id) AS rn
              FROM unsafe u JOIN member m USING (line) JOIN {table} c USING (id)
              WHERE NOT c.hidden
            )
            SELECT DISTINCT id FROM candidate WHERE rn = 1
        """)
        changed = con.execute("SELECT count(*) FROM picked").fetchall()[0][0]
        if progress:
            progress(rounds, changed)
        if not changed:
            break
        con.execute(f"UPDATE {table} SET hidden = true WHERE id IN (SELECT id FROM picked)")
        con.execute("CREATE OR REPLACE TEMP TABLE newly AS SELECT id FROM picked")
    primary, total = con.execute(
        f"SELECT count(*) FILTER (WHERE primary_hidden), count(*) FILTER (WHERE hidden) FROM {table}"
    ).fetchall()[0]
    return {"primary": primary, "secondary": total - primary, "rounds": rounds}


def display(value: float | None, kind: str, hidden: bool, primary: bool) -> str:
    """How a cell is shown: "<5" for a small count, "×" for a count hidden to protect one."""
    if kind == "telling" and hidden:
        return "<5" if primary else "×"
    if value is None:
        return "–"
    if kind == "telling":
        return f"{int(value):,}".replace(",", ".")
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def pad_zeros(con, table: str = "cells", only: str | None = None) -> int:
    """Zero padding (ADR 0026): in every line whose total is hidden, publish the absent parts (zeros)
    as "<5" too, so a "<5" part may be 0 and a "<5" total no longer pins its parts to 1 (each part
    was known to be ≥ 1 because only non-zero counts were published). Run after ``suppress``; one
    pass over the hidden totals of real cells. Returns the number of padded cells.

    The parts that *could* exist come from the table itself: the areas and their parents (count
    and context rows), the categories of each breakdown, the phenomena of each measure, and which
    (level, measure, breakdown, per phenomenon) combinations are published at all — so padding adds
    no cell of a kind the beeld does not publish. ``bounds`` gives a "<5" the lower bound 0 exactly
    where a padded cell may stand: as a part of a line whose total is hidden.

    ``only``: a table of ids; pad under those hidden totals only (the closing of pins, which hides
    a few more cells: a second pass over every hidden total would also pad under the zeros padded
    by the first, nationwide — ADR 0026 part 10)."""
    counts = f"(SELECT * FROM {table} WHERE kind = 'telling')"
    restrict = f"AND id IN (SELECT id FROM {only})" if only else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE padding AS
        WITH totals AS (SELECT * FROM {counts} WHERE hidden {restrict}),
        shape AS (SELECT DISTINCT level, measure, dim, phenomenon <> '*' AS per_phenomenon FROM {counts}),
        areas AS (SELECT DISTINCT level, area, parent FROM {table}),
        categories AS (SELECT DISTINCT measure, dim, category FROM {counts} WHERE dim <> ''),
        phenomena AS (SELECT DISTINCT measure, phenomenon FROM {counts} WHERE phenomenon <> '*'),
        wanted AS (
          SELECT a.level, a.area, a.parent, t.phenomenon, t.period, t.measure, t.dim, t.category
          FROM totals t JOIN areas a ON a.parent = t.area
           AND ((t.level = 'wijk' AND a.level = 'buurt') OR (t.level = 'gemeente' AND a.level IN ('wijk', 'buiten'))
                OR (t.level = 'regio' AND a.level = 'gemeente'))
          UNION
          SELECT t.level, t.area, t.parent, t.phenomenon, t.period, t.measure, c.dim, c.category
          FROM totals t JOIN categories c USING (measure) WHERE t.dim = ''
          UNION
          SELECT t.level, t.area, t.parent, p.phenomenon, t.period, t.measure, t.dim, t.category
          FROM totals t JOIN phenomena p USING (measure) WHERE t.phenomenon = '*'
        )
        SELECT w.* FROM wanted w
        SEMI JOIN shape s ON s.level = w.level AND s.measure = w.measure AND s.dim = w.dim
                         AND s.per_phenomenon = (w.phenomenon <> '*')
        ANTI JOIN {counts} c ON c.level = w.level AND c.area = w.area AND c.phenomenon = w.phenomenon
                            AND c.period = w.period AND c.measure = w.measure AND c.dim = w.dim
                            AND c.category = w.category
    """)
    con.execute(f"""
        INSERT INTO {table} BY NAME
        SELECT CAST(hash(level, area, phenomenon, period, measure, dim, category) >> 1 AS BIGINT) AS id,
               level, area, parent, phenomenon, period, measure, dim, category, 0.0 AS value,
               'telling' AS kind, true AS hidden, true AS primary_hidden
        FROM padding
    """)
    return con.execute("SELECT count(*) FROM padding").fetchall()[0][0]
