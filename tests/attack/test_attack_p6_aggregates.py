"""Attack P6 (aggregates never identify): every number the analist can fetch from the
ondermijningsbeeld, tried against every suppressed count.

The attacker has the analist role: the dashboards, the report (HTML and PDF), the RIEC export
(CSV and JSON), the version pages with their diff, the indicator matrix with its weights and
the method text. The tests know the truth (white box: the pipeline's own counts before
suppression) only to check whether an attack hit.

Routes tried:

- the hotspot score: with the weights and the published method (version 1.0), solve per buurt
  for the one "<5" count that raises it;
- counterfactual: two data sets whose published counts are identical must give identical
  hotspot cells (a published number that moves with a hidden count leaks it);
- two snapshots, one signal added to a "<5" buurt: the diff, and the hotspot cells before/after;
- totals minus published parts: roll-ups, phenomena, categories, the source row counts of the
  snapshot (a total over the years), and upper bounds from published context (addresses);
- the pages: chart bars and map colours of a suppressed count, the hotspot lists.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from beeld_support import beeld_dir, forget_snapshots
from meldpunt.insight import dashboards, extract, matrix, pipeline, report, selectors, services, storage
from meldpunt.insight.models import Trigger
from meldpunt.insight.sources import SourceSet
from test_beeld_suppression import equations, linear_algebra_attack, relations, single_unknown_attack

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

KEY = ("level", "area", "phenomenon", "period", "measure", "dim", "category")
HIDDEN = ("<5", "×")
ADDED_REFERENCE = "MO-P6-ATTACK-01"
# Measures that count addresses or objects of a buurt: each is at most its number of addresses.
PER_ADDRESS = ("adressen_overbewoning", "adressen_veel_bedrijven", "abc_doorverkopen", "woz_afwijkingen")


# ----------------------------------------------------------------------------- helpers


def number(text: str) -> float | None:
    """A published figure as the attacker reads it ("1.234", "12,5"); None for "<5", "×", "–"."""
    if text in HIDDEN or text in ("", "–"):
        return None
    return float(text.replace(".", "").replace(",", "."))


def exported_cells(client, version: int) -> tuple[dict, dict]:
    """The RIEC JSON export as the analist fetches it: {key: (value, hidden, primary)}, meta."""
    data = json.loads(client.get(reverse("insight:export_json"), {"versie": version}).content)
    cells = {}
    for c in data["cellen"]:
        key = (c["gebiedsniveau"], c["gebiedscode"], c["fenomeen"], c["periode"], c["maat"], c["dimensie"],
               c["categorie"])
        cells[key] = (number(c["waarde"]), c["waarde"] in HIDDEN, c["afgeschermd"] == "primair", c["soort"])
    return cells, data["ondermijningsbeeld"]


def truth(reference_date: date) -> dict:
    """White box: every count as the pipeline makes it before suppression."""
    with tempfile.TemporaryDirectory(prefix="p6-truth-") as tmp:
        extract.export_app_data(Path(tmp), reference_date)
        con = pipeline._connect(2, "1GB", None)
        try:
            pipeline.create_views(con, SourceSet(Path(tmp), "csv", reference_date, "waarheid"))
            pipeline.aggregate(con, reference_date)
            pipeline.build_cells(con)
            rows = con.execute(f"SELECT {', '.join(KEY)}, value FROM cells WHERE kind = 'telling'").fetchall()
        finally:
            con.close()
    return {tuple(r[:7]): r[7] for r in rows}


def geography() -> tuple[dict, dict]:
    from meldpunt.registries.models import Buurt, Wijk

    return (dict(Buurt.objects.values_list("code", "wijk_id")), dict(Wijk.objects.values_list("code", "gemeente_id")))


def v1_expected_range(n: int, low: float, high: float) -> tuple[float, float] | None:
    """Method 1.0: s = (n − X)/√(X + 0.25), falling in X. The X for which s lies in [low, high]
    (closed form: with u = √(X + 0.25), u² + s·u − (n + 0.25) = 0)."""

    def x_for(s: float) -> float:
        u = (-s + math.sqrt(s * s + 4 * (n + 0.25))) / 2
        return u * u - 0.25

    top, bottom = x_for(low), max(0.0, x_for(high))
    return (bottom, top) if top >= 0 and top >= bottom else None


def _intersect(a: list, b: list) -> list:
    out = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo, hi = max(lo1, lo2), min(hi1, hi2)
            if lo <= hi:
                out.append((lo, hi))
    return out


def solve_signal_counts(cells: dict, weights: dict[str, float], year: str) -> dict[str, int]:
    """The tester's attack on a published hotspot score (method 1.0): in a buurt where no weighted
    registry count is published (so those components are 0), score = w·s(n) with n the signals
    of the last twelve months and X = r × inhabitants, one rate r for the whole gemeente. Every
    such buurt confines r to the union over n of an interval; intersect them all, and read off n
    where only one is left. For a buurt whose only published signal year is ``year`` (hidden as
    "<5"), n is that cell."""
    by_buurt = defaultdict(dict)
    for key, value in cells.items():
        if key[0] == "buurt":
            by_buurt[key[1]][key] = value
    w = weights["signalen"]
    options, targets = {}, set()
    for buurt, own in by_buurt.items():
        registry = [k for k, v in own.items() if v[3] == "telling" and k[4] in weights and k[4] != "signalen"]
        score = own.get(("buurt", buurt, "*", "actueel", "hotspotscore", "", "*"), (None,))[0]
        addresses = own.get(("buurt", buurt, "*", "actueel", "adressen", "", "*"), (None,))[0]
        people = own.get(("buurt", buurt, "*", "actueel", "cbs_inwoners", "", "*"), (None,))[0]
        if registry or not score or not addresses or score >= 5 * w:
            continue  # a registry component, no score, or clipped: nothing exact to solve
        inhabitants = people or 2 * addresses
        ranges = {}
        for n in range(1, 80):
            x = v1_expected_range(n, (score - 0.05) / w, (score + 0.05) / w)
            if x:
                ranges[n] = (x[0] / inhabitants, x[1] / inhabitants)
        options[buurt] = ranges
        years = {k[3]: v for k, v in own.items() if k[4] == "signalen" and k[2] == "*" and k[5] == ""}
        if set(years) == {year} and years[year][2]:
            targets.add(buurt)
    feasible = [(0.0, 1.0)]
    for ranges in options.values():
        feasible = _intersect(feasible, list(ranges.values()))
    if not feasible:
        return {}
    recovered = {}
    for buurt in targets:
        possible = {n for n, r in options[buurt].items() if _intersect([r], feasible)}
        if len(possible) == 1:
            recovered[buurt] = possible.pop()
    return recovered


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def beeld(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two snapshots of the demo municipality; between them one signal is added to a buurt whose
    signals of this year are published as "<5" before and after."""
    from meldpunt.intake.models import Signal

    folder = tmp_path_factory.mktemp("beeld-p6")
    with django_db_blocker.unblock(), beeld_dir(folder):
        forget_snapshots()
        Signal.objects.filter(reference=ADDED_REFERENCE).delete()
        first = services.regenerate(trigger=Trigger.ON_DEMAND)
        year = str(first.reference_date.year)
        before = truth(first.reference_date)
        candidates = sorted(
            (k for k, v in before.items() if k[0] == "buurt" and k[3] == year and k[4] == "signalen"
             and k[2] != "*" and v <= 3 and before[k[:2] + ("*",) + k[3:]] <= 3))
        assert candidates, "a buurt with 1-3 signals of one phenomenon this year"
        target = candidates[0]
        buurt, phenomenon = target[1], target[2]
        model = Signal.objects.filter(buurt_id=buurt, phenomenon_id=phenomenon).first()
        when = timezone.make_aware(datetime.combine(first.reference_date - timedelta(days=1), datetime.min.time())
                                   + timedelta(hours=10))
        added = Signal.objects.create(reference=ADDED_REFERENCE, received_at=when, channel=model.channel,
                                      phenomenon_id=phenomenon, buurt_id=buurt, state="ontvangen")
        second = services.regenerate(trigger=Trigger.ON_DEMAND)
        after = truth(second.reference_date)
    yield SimpleNamespace(first=first, second=second, folder=folder, buurt=buurt, phenomenon=phenomenon,
                          year=year, before=before, after=after)
    with django_db_blocker.unblock():
        Signal.objects.filter(pk=added.pk).delete()
        forget_snapshots()


@pytest.fixture
def analist(client, make_user, beeld):
    client.force_login(make_user("analist"))
    with beeld_dir(beeld.folder):
        yield client


# ------------------------------------------------------------------------------- tests


def test_hotspot_score_does_not_give_a_small_signal_count_back(analist, beeld):
    """The finding: with the weights and the method, the score of a buurt raised only by its
    signals gave its "<5" count back exactly."""
    weights = selectors.hotspot_weights()  # as on the indicator matrix page and its CSV
    assert weights["signalen"] > 0
    hits = {}
    for snap, counts in ((beeld.first, beeld.before), (beeld.second, beeld.after)):
        cells, _ = exported_cells(analist, snap.version)
        assert any(k[4] == "hotspotscore" for k in cells), "the export carries the hotspot cells"
        small = [k for k, v in cells.items() if k[0] == "buurt" and k[4] == "signalen" and v[2]]
        assert small, "there are buurten whose signals are shown as <5"
        for buurt, n in solve_signal_counts(cells, weights, beeld.year).items():
            exact = counts[("buurt", buurt, "*", beeld.year, "signalen", "", "*")]
            if n == exact and exact < 5:
                hits[(snap.version, buurt)] = n
    assert hits == {}, f"exact '<5' signal counts recovered from the hotspot score: {hits}"


def test_hotspot_cells_depend_only_on_published_counts(generated_s, tmp_path):
    """Counterfactual: move one signal between two buurten of one wijk whose counts stay "<5".
    Every published count is the same in both worlds, so every published hotspot number must be
    the same too — a score that moves has read the hidden count."""
    ref = date(2026, 10, 1)
    weights = matrix.seed_weights()
    source_dir = Path(generated_s.out_dir)
    signals = duckdb.sql(f"SELECT reference, CAST(timezone('UTC', received_at) AS DATE) AS d, phenomenon, buurt "
                         f"FROM read_parquet('{source_dir / 'signalen.parquet'}') WHERE buurt IS NOT NULL").fetchall()
    buurt_wijk = dict(duckdb.sql(f"SELECT code, wijk FROM read_parquet('{source_dir / 'buurten.parquet'}')").fetchall())

    def world(name: str, moved: tuple[str, str] | None) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for f in source_dir.iterdir():
            if f.name != "signalen.parquet":
                (folder / f.name).symlink_to(f)
        reference, to = moved or ("", "")
        duckdb.sql(f"""COPY (SELECT * REPLACE (CASE WHEN reference = '{reference}' THEN '{to}' ELSE buurt END AS buurt)
                       FROM read_parquet('{source_dir / 'signalen.parquet'}'))
                       TO '{folder / 'signalen.parquet'}' (FORMAT parquet)""")
        pipeline.run(SourceSet(folder, "parquet", ref, name), folder / "cells.parquet", weights)
        return folder / "cells.parquet"

    def published(path: Path, kind: str) -> dict:
        rows = duckdb.sql(f"SELECT {', '.join(KEY)}, value, hidden, primary_hidden FROM read_parquet('{path}') "
                          f"WHERE kind {'=' if kind == 'score' else '<>'} 'score'").fetchall()
        return {tuple(r[:7]): tuple(r[7:]) for r in rows}

    count = defaultdict(int)  # (buurt, phenomenon, year) -> n
    for _ref, d, phen, buurt in signals:
        if d <= ref:
            count[(buurt, phen, d.year)] += 1
            count[(buurt, "*", d.year)] += 1
    base = world("base", None)
    tried = 0
    for reference, d, phen, source in sorted(signals):
        if not (ref - timedelta(days=300) <= d <= ref and d.year == ref.year):
            continue
        if not all(2 <= count[(source, p, d.year)] <= 4 for p in (phen, "*")):
            continue
        for target in sorted(b for b, w in buurt_wijk.items() if w == buurt_wijk[source] and b != source):
            if all(1 <= count[(target, p, d.year)] <= 3 for p in (phen, "*")):
                tried += 1
                other = world(f"moved-{tried}", (reference, target))
                if published(other, "count") == published(base, "count"):
                    assert published(other, "score") == published(base, "score"), (
                        f"moving a signal from {source} to {target} changed no published count but changed "
                        "the hotspot cells")
                    return
                if tried >= 4:
                    break
        if tried >= 4:
            break
    pytest.fail("no move between two '<5' buurten that keeps every published count the same")


def test_two_snapshots_do_not_give_the_added_signal_away(analist, beeld):
    """Between the two snapshots one signal was added to a buurt whose signals are "<5" before and
    after. Nothing published may tell by how much, or from what, its count changed."""
    first, _ = exported_cells(analist, beeld.first.version)
    second, _ = exported_cells(analist, beeld.second.version)
    buurt, year = beeld.buurt, beeld.year
    own = [k for k in set(first) | set(second) if k[0] == "buurt" and k[1] == buurt]
    counts = [k for k in own if (first.get(k) or second.get(k))[3] == "telling"]
    cell = ("buurt", buurt, "*", year, "signalen", "", "*")
    assert first[cell][1] and second[cell][1], "the buurt's signals are hidden in both versions"
    assert beeld.after[cell] == beeld.before[cell] + 1
    assert all(first.get(k, (0,))[:3] == second.get(k, (0,))[:3] for k in counts), "its published counts did not move"
    # 1. Its hotspot numbers may not move either (else Δscore = w/√(X + 0.25) gives X, then n).
    moved = {k[4:]: (first.get(k), second.get(k)) for k in own if (first.get(k) or second.get(k))[3] == "score"
             and first.get(k) != second.get(k)}
    assert moved == {}, f"hotspot cells of {buurt} changed although its published counts did not: {moved}"
    # 2. The tester's solve on the pair of scores (method 1.0): two equations, unknowns n and X.
    s1 = first.get(("buurt", buurt, "*", "actueel", "hotspotscore", "", "*"), (None,))[0]
    s2 = second.get(("buurt", buurt, "*", "actueel", "hotspotscore", "", "*"), (None,))[0]
    if s1 and s2 and s2 > s1:
        x = (1 / (s2 - s1)) ** 2 - 0.25
        n = round(s1 * math.sqrt(x + 0.25) + x)
        assert n != beeld.before[cell], "Δscore gave the '<5' count away"
    # 3. The diff the snapshot page shows: only visible changes at wijk and gemeente level.
    diff = beeld.second.diff
    assert diff["vorige_versie"] == beeld.first.version
    for change in diff["grootste_wijzigingen"]:
        assert change["niveau"] in ("gemeente", "wijk") and change["gebied"] != buurt
        key = (change["niveau"], change["gebied"], change["fenomeen"], change["periode"], change["maat"], "", "*")
        assert not first[key][1] and not second[key][1] and change["verschil"] == second[key][0] - first[key][0]
    page = analist.get(reverse("insight:snapshot", args=[beeld.second.version])).content.decode()
    assert buurt not in page


def test_totals_source_rows_and_bounds_do_not_give_a_small_count_back(analist, beeld):
    """Totals minus published parts, with every relation the attacker can find: roll-ups of buurt
    to wijk to gemeente, phenomena, categories, the snapshot's source row counts (a total over
    the years) and upper bounds from published context (a per-address count ≤ addresses)."""
    cells, meta = exported_cells(analist, beeld.second.version)
    counts = {k: v[:3] for k, v in cells.items() if v[3] == "telling"}
    buurt_wijk, wijk_gemeente = geography()
    rels = set(relations(counts, buurt_wijk, wijk_gemeente))
    # Source rows: Σ over the years of a gemeente's count — if every row has a buurt. The attacker
    # cannot know that; being generous, keep the relation where it holds.
    rows = {s["tabel"]: s.get("rijen") for s in meta["bronnen"]}
    exact = beeld.after
    for table in ("signalen", "casussen", "interventies"):
        for gemeente in set(wijk_gemeente.values()):
            parts = tuple(k for k in exact if k[:3] == ("gemeente", gemeente, "*") and k[4] == table and k[5] == "")
            if isinstance(rows.get(table), int) and parts and sum(exact[p] for p in parts) == rows[table]:
                total = ("bronnen", table, "", "", "", "", "")
                counts[total] = (float(rows[table]), False, False)
                rels.add((total, parts))
    eqs = equations(counts, rels)
    derived = single_unknown_attack(eqs) | linear_algebra_attack(eqs)
    # A padded zero (ADR 0026: a "<5" that is 0) may follow as 0: zeros are no secret, counts are.
    assert {k: exact[k] for k in derived if exact.get(k)} == {}, "hidden counts follow from the published totals"
    # A buurt "<5" under a hidden wijk count may be a padded zero (ADR 0026): there it is 0 or 1.
    may_be_zero = {k for k in counts if k[0] == "buurt"
                   and counts.get(("wijk", buurt_wijk.get(k[1], ""), *k[2:]), (None, False))[1]}
    bounded = {k: 1 for k, (_, hidden, primary) in counts.items() if primary and k[4] in PER_ADDRESS
               and cells.get((k[0], k[1], "*", "actueel", "adressen", "", "*"), (None,))[0] == 1
               and k not in may_be_zero}
    assert bounded == {}, "a '<5' count in a one-address area is exactly 1"
    # The attack is real: with the true values every relation used holds.
    for total, parts in rels:
        if total[0] != "bronnen":
            assert exact.get(total, 0) == sum(exact.get(p, 0) for p in parts), total


def _svg_rects(svg: str) -> list[dict]:
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<rect ([^>]*)/>", svg)]


def test_pages_draw_a_suppressed_count_only_as_suppressed(analist, beeld):
    """Dashboards (every theme, the gemeente and the target's wijk), the report (HTML and PDF):
    a hidden count has one bar width and one map fill whatever its value, and the hotspot lists
    show a place and a band — no number computed from a hidden count."""
    wijk = dict(geography()[0])[beeld.buurt]
    pages = []
    for theme in dashboards.THEMES:
        for params in ({}, {"wijk": wijk, "periode": beeld.year, "kaart": "signalen"}):
            response = analist.get(reverse("insight:dashboard", args=[theme]), params)
            assert response.status_code == 200
            pages.append(response.content.decode())
    report_html = analist.get(reverse("insight:report")).content.decode()
    pages.append(report_html)
    hidden_widths, hidden_drawn, hatched = set(), 0, 0
    for html in pages:
        for svg in re.findall(r'<svg [^>]*class="mp-chart".*?</svg>', html, flags=re.S):
            rects = _svg_rects(svg)
            labels = re.findall(r'font-size="13" fill="#1a1a1a">([^<]*)</text>', svg)[1::2]
            for rect, label in zip(rects, labels, strict=True):
                if label in ("&lt;5", "×"):
                    assert rect.get("fill") == "none", "a hidden bar is an outline"
                    hidden_widths.add(rect["width"])
                    hidden_drawn += 1
        for svg in re.findall(r'<svg [^>]*class="mp-map".*?</svg>', html, flags=re.S):
            for fill, title in re.findall(r'<path d="[^"]*" fill="([^"]*)"[^>]*><title>([^<]*)</title>', svg):
                shown = title.rsplit(": ", 1)[1]
                if shown in ("&lt;5", "×"):
                    assert fill.startswith("url(#") and fill.endswith("-hatch)"), title
                    hatched += 1
                else:
                    assert not fill.endswith("-hatch)"), title
        for table in re.findall(r'<section aria-labelledby="hotspots-kop.*?</section>', html, flags=re.S):
            for row in re.findall(r"<tr class=\"utrecht-table__row\">\s*<td.*?</tr>", table, flags=re.S):
                cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row,
                                                                                   flags=re.S)]
                assert cells[2] in ("hoog", "verhoogd", "gemiddeld"), cells
                assert not re.search(r"\d+,\d", " ".join(cells[:3])), f"a score on the page: {cells}"
    assert hidden_drawn and hatched, "the pages do show hidden counts"
    assert len(hidden_widths) == 1, f"a hidden bar's width depends on something: {hidden_widths}"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.pdf(beeld.second))).pages)
    listed = re.sub(r"-\s+", "-", " ".join(pdf_text[pdf_text.index("Hotspots:"):pdf_text.index("Methode")].split()))
    # A label cut by a page break (footer, repeated header in between) is not removed whole below;
    # its bounds ("≥ 1,35", "≤ 0,65") are no score either: a score never follows "≥" or "≤".
    listed = re.sub(r"[≥≤] \d+,\d+", "", listed)
    for label in pipeline.MEASURES.values():  # indicator names may hold numbers ("1,35 × de WOZ-waarde")
        listed = listed.replace(" ".join(label.split()), "")
    found = re.search(r"\d+,\d", listed)
    assert not found, f"the PDF's hotspot list shows a score: {listed[max(0, found.start() - 120):found.end() + 40]}"


def test_csv_and_json_exports_publish_the_same_cells_and_no_hidden_value(analist, beeld):
    """The RIEC export: CSV and JSON carry the same published cells; a hidden count is only "<5"
    or "×" (never a number), and every hotspot number equals what the published counts give."""
    version = beeld.second.version
    text = analist.get(reverse("insight:export_csv"), {"versie": version}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    body = rows[1:]
    as_csv = {tuple(r[i] for i in (0, 1, 3, 4, 5, 7, 8)): (r[10], r[11]) for r in body}
    cells, _ = exported_cells(analist, version)
    assert set(as_csv) == set(cells)
    for key, (shown, hidden) in as_csv.items():
        assert (shown in HIDDEN) == bool(hidden) == cells[key][1], key
    # The snapshot file itself: hidden values are absent (NULL), not merely not shown.
    path = storage.verified_path(beeld.second)
    assert duckdb.sql(f"SELECT count(*) FROM '{path}' WHERE hidden AND value IS NOT NULL").fetchall()[0][0] == 0
    # Recompute the hotspot cells from nothing but the published cells: they must agree. The set
    # "te bekijken" is the one score cell that is not (it comes from the exact counts, ADR 0026
    # part 9); test_attack_p6_te_bekijken.py attacks it.
    recomputed = _recompute_hotspots(path, selectors.hotspot_weights(), beeld.second.reference_date)
    published = {k: v[0] for k, v in cells.items() if v[3] == "score" and k[4] != "te_bekijken"}
    assert recomputed == published


def _recompute_hotspots(path: Path, weights: dict, reference_date: date) -> dict:
    """Run the hotspot step on a copy of the published file (hidden values are NULL there)."""
    from meldpunt.insight.hotspots import hotspot_rows

    con = duckdb.connect()
    try:
        con.execute(f"""CREATE TEMP TABLE cells AS SELECT 0::BIGINT AS id, level, area, parent, phenomenon, period,
                        measure, dim, category, value, kind, hidden, primary_hidden
                        FROM read_parquet('{path}') WHERE kind <> 'score'""")
        geo_rows = duckdb.sql(f"SELECT DISTINCT area, parent FROM read_parquet('{path}') "
                              "WHERE level IN ('buurt', 'wijk') AND measure = 'adressen'").fetchall()
        parents = dict(geo_rows)
        con.execute("CREATE TEMP TABLE geo (buurt VARCHAR, wijk VARCHAR, gemeente VARCHAR)")
        con.executemany("INSERT INTO geo VALUES (?, ?, ?)",
                        [(b, w, parents.get(w)) for b, w in geo_rows if b.startswith("BU")])
        hotspot_rows(con, weights, reference_date)
        rows = con.execute(f"SELECT {', '.join(KEY)}, value FROM cells WHERE kind = 'score'").fetchall()
    finally:
        con.close()
    return {tuple(r[:7]): (int(r[7]) if r[4] != "hotspotscore" else r[7]) for r in rows}
