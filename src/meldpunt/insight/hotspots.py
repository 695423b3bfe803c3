"""The hotspot score: an explainable ranking of buurten, never a judgement about people (P7).

Per buurt b and indicator i (a measure of the indicator matrix with a weight > 0):

    expected  X = rate of i in the gemeente × exposure of b
                  (exposure: inhabitants for signals in the last 12 months; establishments for
                  company indicators, so a business park is not a hotspot for having businesses;
                  addresses for the others)
    component s = (observed − X) / √(X + 0.25), clipped to 0 … 5
    score       = Σ weight_i × s_i

So a buurt scores when it has clearly more than its size predicts, on several indicators or
strongly on one. The score and each component's level ("verhoogd" from 0.5, "sterk verhoogd"
from 2) are stored in the snapshot as cells of kind ``score``; observed counts are only shown
through the suppressed count cells. Nothing in it refers to nationality, ethnicity or origin.
"""

from __future__ import annotations

from datetime import date

ELEVATED, STRONG = 0.5, 2.0
CAP = 5.0
STABILISER = 0.25
LEVEL_LABELS = {0: "", 1: "verhoogd", 2: "sterk verhoogd"}
COMPANY_MEASURES = ("risicobranche_vestigingen", "risicobranche_nieuw", "risicobranche_straten",
                    "vestigingen_kortlevend", "adressen_veel_bedrijven")
_COMPANY_SQL = ", ".join(f"'{m}'" for m in COMPANY_MEASURES)

HOTSPOT_SQL = f"""
CREATE OR REPLACE TEMP TABLE hotspot_components AS
WITH obs AS (
  SELECT buurt, 'signalen' AS measure, sum(n_recent) AS o FROM sig GROUP BY buurt
  UNION ALL SELECT buurt, measure, n FROM reg
), addr AS (SELECT buurt, n FROM reg WHERE measure = 'adressen'),
firms AS (SELECT buurt, n FROM reg WHERE measure = 'vestigingen'),
expo AS (
  SELECT g.buurt, g.wijk, g.gemeente, coalesce(a.n, 0) AS addresses, coalesce(f.n, 0) AS establishments,
         coalesce(b.inwoners, 2 * coalesce(a.n, 0)) AS inhabitants
  FROM geo g LEFT JOIN addr a USING (buurt) LEFT JOIN firms f USING (buurt) LEFT JOIN buurten b ON b.code = g.buurt
), comp AS (
  SELECT e.buurt, e.wijk, e.gemeente, w.measure, w.weight, coalesce(o.o, 0) AS observed,
         CASE WHEN w.measure = 'signalen' THEN e.inhabitants
              WHEN w.measure IN ({_COMPANY_SQL}) THEN greatest(e.establishments, 1)
              ELSE e.addresses END AS exposure
  FROM expo e CROSS JOIN hotspot_weights w LEFT JOIN obs o ON o.buurt = e.buurt AND o.measure = w.measure
  WHERE e.addresses > 0
), rated AS (
  SELECT *, coalesce(sum(observed) OVER g / nullif(sum(exposure) OVER g, 0), 0) * exposure AS expected
  FROM comp WINDOW g AS (PARTITION BY gemeente, measure)
)
SELECT buurt, wijk, gemeente, measure, weight, observed, expected,
       least({CAP}, greatest(0, (observed - expected) / sqrt(expected + {STABILISER}))) AS component
FROM rated
"""


def hotspot_rows(con, sql: str, weights: dict[str, float], reference_date: date, top: int = 10) -> list[dict]:
    """Score every buurt, add the score cells to ``cells``, return the top ``top`` per gemeente."""
    con.execute("CREATE OR REPLACE TEMP TABLE hotspot_weights (measure VARCHAR, weight DOUBLE)")
    rows = [(m, float(w)) for m, w in weights.items() if float(w) > 0]
    if rows:
        con.execute("INSERT INTO hotspot_weights VALUES " + ", ".join("(?, ?)" for _ in rows),
                    [v for row in rows for v in row])
    con.execute(sql)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE hotspot_scores AS
        SELECT buurt, wijk, gemeente, round(raw, 1) AS score,
               row_number() OVER (PARTITION BY gemeente ORDER BY raw DESC, buurt) AS rank
        FROM (SELECT buurt, wijk, gemeente, sum(weight * component) AS raw
              FROM hotspot_components GROUP BY buurt, wijk, gemeente)
    """)
    con.execute(f"""
        INSERT INTO cells
        SELECT -1000000000 - row_number() OVER (), 'buurt', buurt, wijk, '*', 'actueel', 'hotspotscore', '', '*',
               score, 'score', false, false FROM hotspot_scores
        UNION ALL
        SELECT -2000000000 - row_number() OVER (), 'buurt', buurt, wijk, '*', 'actueel', 'hotspot', 'component',
               measure, CASE WHEN component >= {STRONG} THEN 2 WHEN component >= {ELEVATED} THEN 1 ELSE 0 END,
               'score', false, false
        FROM hotspot_components
    """)
    top_rows = con.execute(f"""
        SELECT s.gemeente, s.buurt, s.wijk, s.score, s.rank,
               list(c.measure ORDER BY c.weight * c.component DESC) FILTER (WHERE c.component >= {ELEVATED})
        FROM hotspot_scores s JOIN hotspot_components c USING (buurt)
        WHERE s.rank <= {int(top)} GROUP BY s.gemeente, s.buurt, s.wijk, s.score, s.rank ORDER BY s.gemeente, s.rank
    """).fetchall()
    return [{"gemeente": g, "buurt": b, "wijk": w, "score": float(score), "rank": int(rank), "indicatoren": inds or []}
            for g, b, w, score, rank, inds in top_rows]
