"""The planted hotspots of the generator rank at the top of the hotspot list.

Measured recall on the generator's ground truth (``hotspot_buurten``) for seeds the method was
never tuned on (it was developed against seeds 479, 2027, 31337 and 7): K is the number of
planted hotspot buurten; recall@K = share of them among the K highest scores, recall@2K among
the 2K highest. The thresholds were fixed before these seeds were first run.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from meldpunt.demo.generator.build import build
from meldpunt.insight import pipeline, selectors
from meldpunt.insight.sources import SourceSet

UNTUNED_SEEDS = [20261124, 8128]


def recall(directory, out_path, weights) -> tuple[float, float, int]:
    source = SourceSet(directory, "parquet", date(2026, 10, 1), "generator")
    pipeline.run(source, out_path, weights)
    truth = json.loads((directory / "ground_truth.json").read_text())
    planted = {h["buurt"] for h in truth["hotspot_buurten"]}
    ranked = [r[0] for r in duckdb.sql(
        f"SELECT area FROM read_parquet('{out_path}') WHERE measure = 'hotspotscore' ORDER BY value DESC, area"
    ).fetchall()]
    k = len(planted)
    return len(planted & set(ranked[:k])) / k, len(planted & set(ranked[:2 * k])) / k, k


@pytest.mark.django_db
@pytest.mark.parametrize("seed", UNTUNED_SEEDS)
def test_planted_hotspots_rank_at_the_top(tmp_path, seed):
    directory = tmp_path / f"S-{seed}"
    build("S", directory, seed=seed)
    at_k, at_2k, k = recall(directory, tmp_path / "cells.parquet", selectors.hotspot_weights())
    assert k == 8
    assert at_k >= 0.5, f"recall@K {at_k:.2f}"
    assert at_2k >= 0.75, f"recall@2K {at_2k:.2f}"
