"""The aggregate export for the RIEC (CSV and JSON): every published cell of a snapshot, with
suppressed values as "<5" or "×" — the hidden values are not in the snapshot file at all."""

from __future__ import annotations

import csv
import io
import json

from . import selectors
from .hotspots import SCORE_MEASURES
from .pipeline import MEASURES

HEADER = ["gebiedsniveau", "gebiedscode", "cbs_indeling_jaar", "fenomeen", "periode", "maat", "maat_omschrijving",
          "dimensie", "categorie", "soort", "waarde", "afgeschermd"]
# The CSV header is read by people (the JSON keys above stay as they are, for machines).
CSV_HEADER = [{"cbs_indeling_jaar": "CBS-indeling (jaar)", "maat_omschrijving": "omschrijving maat"}.get(h, h)
              for h in HEADER]


def _rows(snap):
    for c in sorted(selectors.cells(snap), key=lambda c: (c.level, c.area, c.measure, c.phenomenon, c.period,
                                                           c.dim, c.category)):
        hidden = ("primair" if c.primary_hidden else "secundair") if c.hidden else ""
        yield [c.level, c.area, snap.area_year, c.phenomenon, c.period, c.measure,
               MEASURES.get(c.measure) or SCORE_MEASURES.get(c.measure, c.measure),
               c.dim, c.category, c.kind, c.display, hidden]


def meta(snap) -> dict:
    return {
        "versie": snap.version, "peildatum": snap.reference_date.isoformat(),
        "gemaakt_op": snap.created_at.isoformat(), "cbs_indeling_jaar": snap.area_year,
        "perioden": snap.periods, "bronnen": snap.sources, "methode": snap.method,
        "methode_versie": snap.pipeline_version, "sha256_cellen": snap.cells_sha256,
        "afscherming": ("Tellingen van 1 tot en met 4 staan als \"<5\"; \"×\" is afgeschermd zodat een kleine "
                        "telling niet uit totalen is terug te rekenen (regel P6). Is het totaal van een optelling "
                        "afgeschermd, dan staan ook de nullen erin als \"<5\" (daar 0 tot en met 4). Niet "
                        "vermelde tellingen zijn 0."),
    }


def csv_bytes(snap) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADER)
    writer.writerows(_rows(snap))
    return buffer.getvalue().encode("utf-8")


def json_bytes(snap) -> bytes:
    cells = [dict(zip(HEADER, row, strict=True)) for row in _rows(snap)]
    return json.dumps({"ondermijningsbeeld": meta(snap), "cellen": cells}, ensure_ascii=False).encode("utf-8")
