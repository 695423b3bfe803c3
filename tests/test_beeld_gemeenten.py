"""Any of the 342 gemeenten: the buurt map and the CBS key figures ship with the product and load
for a sample of 20 gemeenten, including the smallest (Schiermonnikoog, Vlieland) and the largest
(Amsterdam); the generator and the pipeline run for another gemeente than Zaanstad; and
`meldpunt setup` refuses a code that is not a gemeente."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meldpunt.demo.generator.build import build
from meldpunt.insight import audit, kerncijfers, maps, pipeline
from meldpunt.insight.matrix import seed_weights
from meldpunt.insight.selectors import Cell
from meldpunt.insight.sources import SourceSet

SMALLEST = ("GM0088", "GM0096")  # Schiermonnikoog, Vlieland
LARGEST = "GM0363"  # Amsterdam
SAMPLE = [*SMALLEST, LARGEST, "GM0479", "GM0518", "GM0344", "GM0599", "GM0014", "GM0080", "GM0153",
          "GM0202", "GM0307", "GM0361", "GM0402", "GM0505", "GM0637", "GM0772", "GM0855", "GM0935", "GM1680"]


def test_every_gemeente_has_a_map_and_key_figures():
    codes = set(kerncijfers.gemeenten())
    assert len(codes) == 342
    assert set(maps.gemeenten_with_maps()) == codes


def test_the_sample_covers_the_smallest_and_the_largest():
    by_size = sorted(kerncijfers.gemeenten().values(), key=lambda g: g.inwoners)
    assert {g.code for g in by_size[:2]} == set(SMALLEST)
    assert by_size[-1].code == LARGEST
    assert len(set(SAMPLE)) == 20 and set(SAMPLE) <= set(kerncijfers.gemeenten())


@pytest.mark.parametrize("code", SAMPLE)
def test_map_and_key_figures_load(code):
    shape = maps.outlines(code)
    assert shape is not None and shape["viewBox"].count(" ") == 3
    map_codes = {f["code"] for f in shape["features"]}
    cbs_buurten = kerncijfers.buurten_of_gemeente(code)
    assert map_codes and map_codes <= set(cbs_buurten), "every buurt on the map is a CBS buurt of this gemeente"
    assert len(map_codes) >= 0.9 * len(cbs_buurten)
    # A choropleth of that gemeente draws every buurt, with its name.
    cells = {b: Cell("buurt", b, "", "*", "actueel", "adressen", "", "*", "telling", float(i % 7), i % 5 == 1,
                     i % 5 == 1) for i, b in enumerate(sorted(map_codes))}
    drawn = maps.choropleth(f"k-{code}", code, "Proef", cells, {b: a.naam for b, a in cbs_buurten.items()})
    assert drawn is not None and str(drawn.svg).count("<path ") == len(shape["features"])
    rows = kerncijfers.compare(code)
    assert [r.key for r in rows] == list(kerncijfers.INDICATORS)
    assert all(r.nederland is not None for r in rows)
    assert kerncijfers.similar(code), "every gemeente has gemeenten to compare with"
    assert kerncijfers.gemeente(code).naam in kerncijfers.describe(code)
    assert kerncijfers.children("wijk", code)


def test_no_map_for_an_unknown_code():
    assert maps.outlines("GM9999") is None
    assert kerncijfers.compare("GM9999") == []


@pytest.mark.django_db
def test_generator_and_pipeline_for_the_smallest_gemeente(tmp_path):
    directory = tmp_path / "vlieland"
    result = build("S", directory, seed=5, gemeente="GM0096")
    assert result.counts["gemeenten"] == 1 and result.counts["signalen"] > 0
    out = pipeline.run(SourceSet(directory, "parquet", date(2026, 10, 1), "test"), tmp_path / "cells.parquet",
                       seed_weights())
    assert out.cell_count > 0 and out.primary > 0
    attack = audit.recoverable_cells(tmp_path / "cells.parquet", weights=seed_weights(),
                                     reference_date=date(2026, 10, 1))
    assert attack["hidden"] == out.primary + out.secondary + out.padded
    assert attack["recovered"] == 0


def test_generator_refuses_an_unknown_gemeente(tmp_path):
    with pytest.raises(ValueError, match="geen gemeentecode"):
        build("S", tmp_path / "x", seed=5, gemeente="GM9999")


@pytest.mark.django_db
def test_setup_refuses_an_unknown_gemeente():
    with pytest.raises(CommandError, match="geen gemeentecode"):
        call_command("setup", gemeente="GM9999")
