"""Bench-only settings for bench/load.py: the product's settings with the bench URLconf that adds
the bare baseline views. Never used by the product."""

from meldpunt.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_load_urls"
