"""Hide more where the interval attack pins a count (ADR 0026 part 8).

Secondary suppression makes every line safe on its own, but two lines that share hidden cells can
still pin one together: a "×" (≥ 5) and a "<5" (≤ 4) in a line with a visible total, closed by a
second line through the same cells. ``close_pins`` runs the attacker's own interval propagation
(``bounds``, on the cell table, reading visible values only) and, for every hidden count it pins,
hides one more visible part of one of that cell's lines: preferably a *leaf* (a cell that is the
total of no line, e.g. a buurt × phenomenon count), so that no zero padding follows and no total
of a wijk or gemeente disappears; the smallest such. Suppression then continues from the cells
just hidden only (``suppress(start_from=…)``), padding runs, and the attack again, until nothing
is pinned or the passes run out (the gate in ``pipeline.run`` still decides).

History: the first version (hide the smallest visible part, then rerun suppression from scratch)
closed every pin at L but cost 150–200 s and hid wijk totals, whose padding drowned the rare
indicators (recall@K 0.24 → 0.03). This one (leaves first, incremental suppression) is still off
by default: at L (seed 4242, machine under load) it took 330 s and left 4 counts pinned once the
set "te bekijken" was added (ADR 0026 part 9).
"""

from __future__ import annotations

from .bounds import propagate
from .suppression import THRESHOLD, build_lines, pad_zeros, suppress

MAX_PASSES = 6
PINNED = "hidden AND hi <= lo AND hi > 0"


def pinned(con, table: str = "cells") -> int:
    """How many hidden, non-zero counts of ``table`` the interval attack closes to one value."""
    build_lines(con, table)
    propagate(con, table, THRESHOLD)
    return _left(con)


def _left(con) -> int:
    return con.execute(f"SELECT count(*) FROM bound WHERE {PINNED}").fetchall()[0][0]


def close_pins(con, table: str = "cells") -> dict[str, int]:
    """Hide more cells until the interval attack pins nothing. Returns the passes, the extra cells
    hidden here, the zeros padded by the re-runs and what is still pinned at the end. Leaves
    ``member`` and ``bound`` current for ``table``."""
    passes = extra = padded = 0
    left = pinned(con, table)
    while left and passes < MAX_PASSES:
        passes += 1
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE unpin AS
            WITH pin AS (SELECT id FROM bound WHERE {PINNED}),
            totals AS (SELECT DISTINCT id FROM member WHERE is_total),
            candidate AS (
              SELECT c.id, row_number() OVER (
                       PARTITION BY p.id ORDER BY c.id IN (SELECT id FROM totals), c.value, c.id) AS rn
              FROM pin p JOIN member mp ON mp.id = p.id JOIN member m ON m.line = mp.line AND NOT m.is_total
              JOIN {table} c ON c.id = m.id
              WHERE c.kind = 'telling' AND NOT c.hidden
            )
            SELECT DISTINCT id FROM candidate WHERE rn = 1
        """)
        added = con.execute("SELECT count(*) FROM unpin").fetchall()[0][0]
        if not added:  # nothing visible left to hide next to what is pinned
            break
        extra += added
        con.execute(f"UPDATE {table} SET hidden = true WHERE id IN (SELECT id FROM unpin)")
        suppress(con, table, primary_done=True, start_from="unpin")
        new_padding = pad_zeros(con, table)
        padded += new_padding
        if new_padding:
            build_lines(con, table)
        propagate(con, table, THRESHOLD)
        left = _left(con)
    return {"passes": passes, "extra": extra, "padded": padded, "pinned": left}
