"""Hide more where the interval attack pins a count (ADR 0026 part 8).

Secondary suppression makes every line safe on its own, but two lines that share hidden cells can
still pin one together: a "×" (≥ 5) and a "<5" (≤ 4) in a line with a visible total, closed by a
second line through the same cells. ``close_pins`` runs the attacker's own interval propagation
(``bounds``, on the cell table, reading visible values only) and, for every hidden count it pins,
hides the smallest visible part of one of that cell's lines; then suppression and zero padding run
again over what changed, until nothing is pinned or the rounds run out (the gate in
``pipeline.run`` still decides whether the file is published).

Off by default (``pipeline.run(close_pins=True)``, ``bench/beeld.py --close-pins``): measured at
size L it closes every pin (78 → 0 on seed 479, 113 → 0 on seed 2718) but costs 150–200 s and
drops hotspot recall@K from 0.24 to 0.03 — the extra hidden wijk counts pad their buurten, which
drowns the rare indicators. Without it, the gate refuses size L. ADR 0026 part 8."""

from __future__ import annotations

from .bounds import propagate
from .suppression import THRESHOLD, build_lines, pad_zeros, suppress

MAX_PASSES = 6


def pinned(con, table: str = "cells") -> int:
    """How many hidden, non-zero counts of ``table`` the interval attack closes to one value."""
    build_lines(con, table)
    propagate(con, table, THRESHOLD)
    return con.execute("SELECT count(*) FROM bound WHERE hidden AND hi <= lo AND hi > 0").fetchall()[0][0]


def close_pins(con, table: str = "cells") -> dict[str, int]:
    """Hide more cells until the interval attack pins nothing. Returns the passes, the extra cells
    hidden here, the zeros padded by the re-runs and what is still pinned at the end."""
    passes = extra = padded = 0
    left = pinned(con, table)
    while left and passes < MAX_PASSES:
        passes += 1
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE unpin AS
            WITH pin AS (SELECT id FROM bound WHERE hidden AND hi <= lo AND hi > 0),
            candidate AS (
              SELECT c.id, row_number() OVER (PARTITION BY p.id ORDER BY c.value, c.id) AS rn
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
        suppress(con, table, primary_done=True)
        padded += pad_zeros(con, table)
        left = pinned(con, table)
    return {"passes": passes, "extra": extra, "padded": padded, "pinned": left}
