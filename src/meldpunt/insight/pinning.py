"""Hide more where the interval attack pins a count (ADR 0026 parts 8 and 10).

Secondary suppression makes every line safe on its own, but two lines that share hidden cells can
still pin one together: a "×" (≥ 5) and a "<5" (≤ 4) in a line with a visible total, closed by a
second line through the same cells (at L, seed 4242: 83 counts, mostly signals of 2025 per
phenomenon and channel). ``close_pins`` runs the attacker's own interval propagation (``bounds``,
on the cell table, reading visible values only) and, for every pinned count, hides one more
visible cell of one of its lines — the *cheapest*:

1. a leaf (the total of no line, e.g. a buurt × phenomenon count): no zero padding follows and no
   wijk or gemeente total disappears;
2. not an input of the hotspot score or the set "te bekijken" (a count over all phenomena
   without breakdown): the published score and its rarity stay as they were;
3. one whose hiding leaves its other lines safe (no cascade of secondary suppression);
4. one that adds slack ≥ 3 (value ≥ 8), else the smallest.

Then suppression continues from the cells just hidden only (it rarely finds anything), and the
attack runs again *only in the gemeenten where something was hidden*: no line crosses a gemeente
(without a regio level), so the rest of the table cannot have changed. With ``joint`` the set's
statements are propagated together with the lines (the pins the set adds) and only cells that
are no input of score or set may be hidden (they are already computed). The gate in
``pipeline.run`` still attacks the whole file and decides.

History: the first version (hide the smallest visible part, rerun suppression from scratch)
closed every pin at L but cost 150–200 s and hid wijk totals, whose padding drowned the rare
indicators (recall@K 0.24 → 0.03); the second (leaves first, full propagation per pass) took
330 s at L under load and still cost recall (0.60 → 0.45).
"""

from __future__ import annotations

from . import te_bekijken
from .audit import MAX_JOINT_ROUNDS
from .bounds import propagate, tighten
from .suppression import MIN_SLACK, THRESHOLD, build_lines, pad_zeros, suppress

MAX_PASSES = 8
PINNED = "hidden AND hi <= lo AND hi > 0"
# A count over all phenomena without breakdown: an input of the hotspot score and of the set
# (at buurt level), or of the score's wijk stand-in and gemeente rate (above it).
SCORE_INPUT = "(c.phenomenon = '*' AND c.dim = '')"


def pinned(con, table: str = "cells") -> int:
    """How many hidden, non-zero counts of ``table`` the interval attack closes to one value."""
    build_lines(con, table)
    propagate(con, table, THRESHOLD)
    return _left(con)


def _left(con) -> int:
    return con.execute(f"SELECT count(*) FROM bound WHERE {PINNED}").fetchall()[0][0]


def _choose(con, table: str) -> int:
    """Table ``unpin`` (id, gemeente): per pinned count the cheapest visible cell of its lines."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE unpin AS
        WITH pin AS (SELECT id FROM bound WHERE {PINNED}),
        totals AS (SELECT DISTINCT id FROM member WHERE is_total),
        candidate AS (
          SELECT DISTINCT p.id AS pin, m.line AS pin_line, c.id, c.value, {SCORE_INPUT} AS score_input,
                 c.id IN (SELECT id FROM totals) AS is_total, m.is_total AS line_total
          FROM pin p JOIN member mp ON mp.id = p.id JOIN member m ON m.line = mp.line
          JOIN {table} c ON c.id = m.id
          WHERE c.kind = 'telling' AND NOT c.hidden
        ),
        other_line AS (  -- the other lines of a candidate, whose state suppression will check
          SELECT DISTINCT x.pin, x.id, o.line
          FROM candidate x JOIN member o ON o.id = x.id AND o.line <> x.pin_line
        ),
        state AS (
          SELECT m.line, count(*) FILTER (WHERE c.hidden) AS n_hidden,
                 coalesce(sum(CASE WHEN c.hidden AND c.primary_hidden THEN c.value - 1
                                   WHEN c.hidden THEN c.value - {THRESHOLD} END), 0) AS slack,
                 bool_or(m.is_total AND NOT c.hidden) AS total_visible
          FROM member m SEMI JOIN (SELECT DISTINCT line FROM other_line) l USING (line) JOIN {table} c USING (id)
          GROUP BY m.line
        ),
        cost AS (
          SELECT x.pin, x.id, any_value(x.value) AS value, bool_or(x.score_input) AS score_input,
                 bool_or(x.is_total) AS is_total, bool_and(x.line_total) AS line_total,
                 count(s.line) FILTER (WHERE s.n_hidden = 0 OR (s.total_visible
                                       AND s.slack + x.value - {THRESHOLD} < {MIN_SLACK})) AS cascade
          FROM candidate x LEFT JOIN other_line o USING (pin, id) LEFT JOIN state s ON s.line = o.line
          GROUP BY x.pin, x.id
        ),
        ranked AS (
          SELECT id, row_number() OVER (
                   PARTITION BY pin ORDER BY score_input, line_total, is_total, cascade,
                                             value >= {THRESHOLD + MIN_SLACK} DESC, value, id) AS rn
          FROM cost
        )
        SELECT DISTINCT r.id, g.gemeente FROM ranked r JOIN cell_gemeente g USING (id) WHERE rn = 1
    """)
    return con.execute("SELECT count(*) FROM unpin").fetchall()[0][0]


def _gemeenten(con, table: str) -> bool:
    """Table ``cell_gemeente`` (id, gemeente) of every count; False when lines cross gemeenten (a
    regio level), so that only the whole table can be propagated."""
    if con.execute(f"SELECT count(*) FROM {table} WHERE level = 'regio'").fetchall()[0][0]:
        con.execute(f"CREATE OR REPLACE TEMP TABLE cell_gemeente AS SELECT id, '' AS gemeente FROM {table}")
        return False
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cell_gemeente AS
        WITH wijk AS (SELECT DISTINCT area, parent FROM {table} WHERE level = 'wijk')
        SELECT c.id, CASE c.level WHEN 'gemeente' THEN c.area WHEN 'wijk' THEN c.parent ELSE w.parent END
                     AS gemeente
        FROM {table} c LEFT JOIN wijk w ON c.level = 'buurt' AND w.area = c.parent
        WHERE c.kind = 'telling'
    """)
    return True


def _propagate_locally(con, table: str) -> None:
    """Redo the attack for the counts of the gemeenten in ``unpin`` only, and put their new
    intervals into ``bound`` (the full tables are set aside under other names meanwhile)."""
    con.execute("ALTER TABLE member RENAME TO member_all")
    con.execute("ALTER TABLE bound RENAME TO bound_all")
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE local_cells AS SELECT c.* FROM {table} c
                        SEMI JOIN (SELECT id FROM cell_gemeente
                                   WHERE gemeente IN (SELECT gemeente FROM unpin)) g USING (id)""")
        con.execute("CREATE TEMP TABLE member AS SELECT * FROM member_all SEMI JOIN local_cells USING (id)")
        propagate(con, "local_cells", THRESHOLD)
        con.execute("DELETE FROM bound_all WHERE id IN (SELECT id FROM bound)")
        con.execute("INSERT INTO bound_all SELECT * FROM bound")
    finally:
        con.execute("DROP TABLE IF EXISTS member")
        con.execute("DROP TABLE IF EXISTS bound")
        con.execute("ALTER TABLE member_all RENAME TO member")
        con.execute("ALTER TABLE bound_all RENAME TO bound")


def _hide(con, table: str, local: bool, stats: dict[str, int]) -> bool:
    """Hide the cells of ``unpin``, let suppression follow from them, pad under a newly hidden
    total, and redo the attack by the cells (locally where possible). Returns ``local``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE hidden_before AS SELECT id FROM {table} WHERE hidden")
    con.execute(f"UPDATE {table} SET hidden = true WHERE id IN (SELECT id FROM unpin)")
    suppress(con, table, primary_done=True, start_from="unpin")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE hidden_now AS
                    SELECT id FROM {table} WHERE hidden AND id NOT IN (SELECT id FROM hidden_before)""")
    newly, new_totals = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE id IN (SELECT id FROM member WHERE is_total))
        FROM hidden_now""").fetchall()[0]
    stats["extra"] += newly
    # Padding follows only a hidden total (a leaf is the total of nothing), and only under the
    # totals hidden here.
    new_padding = pad_zeros(con, table, only="hidden_now") if new_totals else 0
    stats["padded"] += new_padding
    if new_padding:
        build_lines(con, table)
        local = _gemeenten(con, table)
    if local:
        _propagate_locally(con, table)
    else:
        propagate(con, table, THRESHOLD)
    return local


def close_pins(con, table: str = "cells") -> dict[str, int]:
    """Hide more cells until the interval attack by the cells pins nothing. ``bound`` must be the
    attack's current result (``pinned``), ``member`` current. Returns the passes, the extra cells
    hidden here (with the suppression that followed), the zeros padded and what is still pinned."""
    stats = {"passes": 0, "extra": 0, "padded": 0}
    left = _left(con)
    local = _gemeenten(con, table) if left else False
    while left and stats["passes"] < MAX_PASSES:
        stats["passes"] += 1
        if not _choose(con, table):  # nothing visible left to hide next to what is pinned
            break
        local = _hide(con, table, local, stats)
        left = _left(con)
    return {**stats, "pinned": left}


def joint_pins(con) -> int:
    """Propagate the set's statements (``set_statement``) into ``bound`` together with the lines,
    as the gate will; returns what is pinned then. The intervals of the cells alone are kept as
    ``bound_cells`` (what the set's eligibility is decided on)."""
    con.execute("CREATE OR REPLACE TEMP TABLE bound_cells AS SELECT * FROM bound")
    # ``bound`` is already the fixpoint of the lines: start with the statements, then only the
    # lines of the cells they moved (a full first round of ``tighten`` costs seconds at L).
    for _ in range(MAX_JOINT_ROUNDS):
        if not te_bekijken.narrow(con, "set_statement"):
            break
        tighten(con, "set_tightened")
    return _left(con)


def close_joint_pins(con, table: str = "cells") -> dict[str, int]:
    """After ``joint_pins``: hide the cheapest cell next to each count that the lines and the
    statements pin together, then close what the cells alone pin. ``bound`` is the cells' attack
    again afterwards; the caller must recompute the score and the set (``rescore``), since a
    hidden input changes them and the statements must be decided on the new cells."""
    left = _left(con)
    if not left:
        return {"pinned": 0, "rescore": 0}
    local = _gemeenten(con, table)
    stats = {"passes": 1, "extra": 0, "padded": 0}
    added = _choose(con, table)
    con.execute("CREATE OR REPLACE TEMP TABLE bound AS SELECT * FROM bound_cells")
    if not added:
        return {**stats, "pinned": left, "rescore": 0}
    _hide(con, table, local, stats)
    after = close_pins(con, table)
    return {"passes": stats["passes"] + after["passes"], "extra": stats["extra"] + after["extra"],
            "padded": stats["padded"] + after["padded"], "pinned": after["pinned"], "rescore": 1}
