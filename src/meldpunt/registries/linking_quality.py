"""Measure linking against planted ground truth (``demo.generator.mentions``): precision and
recall of the proposals, and speed. Shared by tests/test_linking.py and bench/linking.py."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from .linking import Linker, Mention


@dataclass
class Quality:
    mentions: int = 0
    linkable: int = 0
    proposals: int = 0
    correct: int = 0
    seconds: float = 0.0
    wrong: list[dict] = field(default_factory=list)  # for diagnosis: wrong proposals
    missed: list[dict] = field(default_factory=list)  # linkable mentions without a (right) proposal

    @property
    def precision(self) -> float:
        return self.correct / self.proposals if self.proposals else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.linkable if self.linkable else 1.0

    @property
    def per_second(self) -> float:
        return self.mentions / self.seconds if self.seconds else 0.0


def mention_of(planted: dict) -> Mention:
    born = planted.get("birth_date")
    return Mention(kind=planted["kind"], name=planted.get("name", ""),
                   birth_date=date.fromisoformat(born) if born else None, bsn=planted.get("bsn", ""),
                   kvk_nummer=planted.get("kvk_nummer", ""), address_text=planted.get("address_text", ""))


def measure(planted: list[dict], linker: Linker | None = None) -> Quality:
    linker = linker or Linker()
    quality = Quality(mentions=len(planted))
    mentions = [mention_of(p) for p in planted]
    started = time.perf_counter()
    results = [linker.link(mention) for mention in mentions]
    quality.seconds = time.perf_counter() - started
    for p, result in zip(planted, results, strict=True):
        truth = p["truth"]
        proposal = result.proposal
        quality.linkable += truth is not None
        if proposal is not None:
            quality.proposals += 1
            if truth is not None and proposal.key == truth["key"]:
                quality.correct += 1
                continue
            quality.wrong.append({**p, "proposal": proposal.key, "score": proposal.score,
                                  "reasons": proposal.reasons})
        if truth is not None:
            quality.missed.append({**p, "candidates": [(c.key, c.score, c.reasons) for c in result.candidates[:3]]})
    return quality
