"""The hotspot score: an explainable ranking of buurten, never a judgement about people (P7).

The score is computed from the *published* cells only — after suppression, from what anyone
with the beeld can read — so it can never give a suppressed count away (P6, ADR 0013 amendment
"the hotspot score from published values"). A score computed from the exact counts would: with
the weights and the method public, a buurt whose only raised indicator is a "<5" count gives
that count back from its score (or from its level, or from how it moves between snapshots).

Per buurt b and indicator i (a measure of the indicator matrix with a weight > 0):

    observed  O = the published buurt count; a count shown as "<5" counts as 2.5 (the middle of
                  1 … 4) and one shown as "×" as 5 (it is at least 5). Where the wijk count is hidden
                  too, a buurt's "<5" may be a padded zero (ADR 0026): then the wijk's stand-in (2.5
                  for "<5", 5 for "×") is shared evenly by the buurten of the wijk shown "<5" — the
                  wijk's events are somewhere among them. For signals: the published
                  count of the reference year plus the part of the year before that falls in the
                  last twelve months (pro rata), so a stand early in the year is not empty.
    expected  X = rate of i in the gemeente (Σ O / Σ exposure) × exposure of b
                  (exposure, all published: inhabitants (CBS) for signals, addresses (BAG) for
                  the registry indicators)
    component s = (O − X) / √(X + 0.25), clipped to 0 … 3
    rarity    r = ln(buurten in the beeld / buurten where indicator i is published as non-zero),
                  at least 0.25 (a "<5" or "×" is non-zero too, so this is published as well)
    score       = Σ weight_i × r_i × s_i

So a buurt scores when it has clearly more than its size predicts, on several indicators or
strongly on one — and an indicator that is non-zero in few buurten (a quick resale, an
overcrowded address) counts for more than one that is non-zero almost everywhere (active
establishments in risk branches, signals): a count above expectation in a common indicator is
mostly the noise of a large buurt. (Measured at size L, seed 479: recall@K 0.527 → 0.685,
recall@2K 0.873 → 0.970; see ADR 0026.) The score, the buurt's rank in its gemeente and each component's level
("verhoogd" from 0.5, "sterk verhoogd" from 2) are stored in the snapshot as cells of kind
``score``; pages show the rank and a band ("hoog", "verhoogd"), not the number. Two data sets
with the same published counts get the same hotspots, to the last digit. Nothing in it refers
to nationality, ethnicity or origin.
"""

from __future__ import annotations

from datetime import date

ELEVATED, STRONG = 0.5, 2.0
CAP = 3.0
RARITY_FLOOR = 0.25  # an indicator that is non-zero everywhere still counts a little
STABILISER = 0.25
SMALL_STAND_IN = 2.5  # a count shown as "<5" (1 … 4)
SECONDARY_STAND_IN = 5.0  # a count shown as "×" (at least 5)
# A "<5" of a buurt whose wijk count is hidden may be a padded zero (0 … 4, ADR 0026). Counting it
# as 0 (method 1.3) threw away the planted patterns, which are exactly such cells: recall@K at M
# (seed 479) 0.40, at L 0.13. Sharing the wijk's stand-in evenly over its "<5" buurten: 0.65 and
# 0.235 (tuned on 479; sharing by addresses instead was worse: 0.60 and 0.20). Still a function of
# published cells only: the wijk's display and which buurten show "<5".
LEVEL_LABELS = {0: "", 1: "verhoogd", 2: "sterk verhoogd"}
# The score cells as the export names them (the measure codes are never shown to people).
SCORE_MEASURES = {
    "hotspotscore": "Hotspotscore (berekend uit de gepubliceerde, afgeschermde tellingen)",
    "hotspotrang": "Plaats in de hotspotlijst van de gemeente",
    "hotspot": "Niveau van een indicator in de hotspotscore (0 niet, 1 verhoogd, 2 sterk verhoogd)",
    "te_bekijken": "Te bekijken (1 ja, 0 nee): uit de werkelijke tellingen, alleen of de buurt op de lijst staat",
}
# Bands of the published score (score ≥ bound), shown instead of the number.
BANDS = ((25.0, "hoog"), (8.0, "verhoogd"), (0.0, "gemiddeld"))


def band(score: float | None) -> str:
    for bound, label in BANDS:
        if (score or 0) >= bound:
            return label
    return BANDS[-1][1]


def hotspot_sql(reference_date: date) -> str:
    """The components per buurt and indicator, from the published cells of table ``cells``
    (after suppression) and the geography; weights in ``hotspot_weights``."""
    year = reference_date.year
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    previous_share = 1 - reference_date.timetuple().tm_yday / days
    return f"""
CREATE OR REPLACE TEMP TABLE hotspot_components AS
WITH pub AS (
  SELECT b.area AS buurt, b.measure, b.period,
         CASE WHEN NOT b.hidden THEN b.value
              WHEN b.primary_hidden AND w.hidden
                THEN (CASE WHEN w.primary_hidden THEN {SMALL_STAND_IN} ELSE {SECONDARY_STAND_IN} END)
                     / count(*) FILTER (WHERE b.primary_hidden) OVER (PARTITION BY b.parent, b.measure, b.period)
              WHEN b.primary_hidden THEN {SMALL_STAND_IN} ELSE {SECONDARY_STAND_IN} END AS v
  FROM cells b LEFT JOIN cells w
    ON w.level = 'wijk' AND w.area = b.parent AND w.kind = 'telling' AND w.phenomenon = '*' AND w.dim = ''
   AND w.category = '*' AND w.measure = b.measure AND w.period = b.period
  WHERE b.level = 'buurt' AND b.kind = 'telling' AND b.phenomenon = '*' AND b.dim = '' AND b.category = '*'
), obs AS (
  SELECT buurt, measure, sum(v * CASE WHEN period = '{year}' THEN 1.0 ELSE {previous_share} END) AS o
  FROM pub WHERE measure = 'signalen' AND period IN ('{year}', '{year - 1}') GROUP BY ALL
  UNION ALL
  SELECT buurt, measure, v FROM pub WHERE measure <> 'signalen' AND period = 'actueel'
), ctx AS (
  SELECT area AS buurt, max(value) FILTER (WHERE measure = 'adressen') AS addresses,
         max(value) FILTER (WHERE measure = 'cbs_inwoners') AS inwoners
  FROM cells WHERE level = 'buurt' AND kind = 'context' GROUP BY ALL
), expo AS (
  SELECT g.buurt, g.wijk, g.gemeente, coalesce(c.addresses, 0) AS addresses,
         coalesce(c.inwoners, 2 * coalesce(c.addresses, 0)) AS inhabitants
  FROM geo g LEFT JOIN ctx c USING (buurt)
), comp AS (
  SELECT e.buurt, e.wijk, e.gemeente, w.measure, w.weight, coalesce(o.o, 0) AS observed,
         CASE WHEN w.measure = 'signalen' THEN e.inhabitants ELSE e.addresses END AS exposure
  FROM expo e CROSS JOIN hotspot_weights w LEFT JOIN obs o ON o.buurt = e.buurt AND o.measure = w.measure
  WHERE e.addresses > 0
), rated AS (
  SELECT *, coalesce(sum(observed) OVER g / nullif(sum(exposure) OVER g, 0), 0) * exposure AS expected
  FROM comp WINDOW g AS (PARTITION BY gemeente, measure)
), rarity AS (
  SELECT measure, greatest({RARITY_FLOOR}, ln(count(*) / greatest(1, count(*) FILTER (WHERE observed > 0)))) AS rarity
  FROM rated GROUP BY measure
)
SELECT buurt, wijk, gemeente, measure, weight, rarity, observed, expected,
       least({CAP}, greatest(0, (observed - expected) / sqrt(expected + {STABILISER}))) AS component
FROM rated JOIN rarity USING (measure)
"""


def load_weights(con, weights: dict[str, float]) -> None:
    """Table ``hotspot_weights`` (measure, weight) of the indicators with a weight above 0."""
    con.execute("CREATE OR REPLACE TEMP TABLE hotspot_weights (measure VARCHAR, weight DOUBLE)")
    rows = [(m, float(w)) for m, w in weights.items() if float(w) > 0]
    if rows:
        con.execute("INSERT INTO hotspot_weights VALUES " + ", ".join("(?, ?)" for _ in rows),
                    [v for row in rows for v in row])


def hotspot_rows(con, weights: dict[str, float], reference_date: date, top: int = 10) -> list[dict]:
    """Score every buurt from the published cells, add the score cells to ``cells``, return the
    top ``top`` per gemeente. Run after suppression."""
    load_weights(con, weights)
    con.execute(hotspot_sql(reference_date))
    con.execute("""
        CREATE OR REPLACE TEMP TABLE hotspot_scores AS
        SELECT buurt, wijk, gemeente, round(raw, 1) AS score,
               row_number() OVER (PARTITION BY gemeente ORDER BY round(raw, 1) DESC, buurt) AS rank
        FROM (SELECT buurt, wijk, gemeente, sum(weight * rarity * component) AS raw
              FROM hotspot_components GROUP BY buurt, wijk, gemeente)
    """)
    con.execute(f"""
        INSERT INTO cells
        SELECT -1000000000 - row_number() OVER (), 'buurt', buurt, wijk, '*', 'actueel', 'hotspotscore', '', '*',
               score, 'score', false, false FROM hotspot_scores
        UNION ALL
        SELECT -3000000000 - row_number() OVER (), 'buurt', buurt, wijk, '*', 'actueel', 'hotspotrang', '', '*',
               rank, 'score', false, false FROM hotspot_scores
        UNION ALL
        SELECT -2000000000 - row_number() OVER (), 'buurt', buurt, wijk, '*', 'actueel', 'hotspot', 'component',
               measure, CASE WHEN component >= {STRONG} THEN 2 WHEN component >= {ELEVATED} THEN 1 ELSE 0 END,
               'score', false, false
        FROM hotspot_components
    """)
    top_rows = con.execute(f"""
        SELECT s.gemeente, s.buurt, s.wijk, s.score, s.rank,
               list(c.measure ORDER BY c.weight * c.rarity * c.component DESC, c.measure)
                 FILTER (WHERE c.component >= {ELEVATED})
        FROM hotspot_scores s JOIN hotspot_components c USING (buurt)
        WHERE s.rank <= {int(top)} AND s.score > 0
        GROUP BY s.gemeente, s.buurt, s.wijk, s.score, s.rank ORDER BY s.gemeente, s.rank
    """).fetchall()
    return [{"gemeente": g, "buurt": b, "wijk": w, "score": float(score), "band": band(float(score)),
             "rank": int(rank), "indicatoren": inds or []}
            for g, b, w, score, rank, inds in top_rows]
