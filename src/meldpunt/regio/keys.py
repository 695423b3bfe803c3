"""The match key of a gemeente, from its own key ring (ADR 0030 §5 and §8.2)."""

from __future__ import annotations

from meldpunt.core import keys

from .matching import match_key_label


def match_key(gemeente: str, slot: str) -> bytes:
    """The key that digests the subjects of ``gemeente`` for hit/no-hit. ``slot`` is the
    gemeente's key slot ("" for the gemeente that kept the installation's keys)."""
    return keys.ring(slot).derive(match_key_label(gemeente))
