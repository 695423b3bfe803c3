"""The aggregate export for the RIEC (CSV and JSON): every published cell of a snapshot, with
suppressed values as "<5" or "×" — the hidden values are not in the snapshot file at all.

A regio's snapshot holds every member gemeente's cells (ADR 0030 §11). Exported for some of its
gemeenten (``gemeenten``), the file holds exactly the cells those gemeenten' pages show — their
gemeente, "buiten de gemeente", wijk and buurt cells, the same published (suppressed) values — and
no regio level and no area of another gemeente."""

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


# How a level is named in the file (the pseudo-area of ADR 0030 §11 in words).
LEVEL_WORDS = {"buiten": "buiten de gemeente"}


def of_gemeenten(cells, gemeenten) -> list:
    """The cells of ``gemeenten`` (CBS codes) among ``cells``: their gemeente and "buiten de
    gemeente" cells, the wijken whose parent is one of them and the buurten of those wijken."""
    codes = set(gemeenten)
    wijken = {c.area for c in cells if c.level == "wijk" and c.parent in codes}
    return [c for c in cells if (c.level in ("gemeente", "buiten") and c.area in codes)
            or (c.level == "wijk" and c.area in wijken) or (c.level == "buurt" and c.parent in wijken)]


def _rows(snap, gemeenten=None):
    cells = selectors.cells(snap)
    if gemeenten is not None:
        cells = of_gemeenten(cells, gemeenten)
    for c in sorted(cells, key=lambda c: (c.level, c.area, c.measure, c.phenomenon, c.period, c.dim, c.category)):
        hidden = ("primair" if c.primary_hidden else "secundair") if c.hidden else ""
        yield [LEVEL_WORDS.get(c.level, c.level), c.area, snap.area_year, c.phenomenon, c.period, c.measure,
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


def csv_bytes(snap, gemeenten=None) -> bytes:
    """The CSV of ``snap``; ``gemeenten``: only the cells of these gemeenten (None: every cell)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADER)
    writer.writerows(_rows(snap, gemeenten))
    return buffer.getvalue().encode("utf-8")


def json_bytes(snap, gemeenten=None) -> bytes:
    """The JSON of ``snap``; ``gemeenten`` as for :func:`csv_bytes` (named in ``gemeenten`` of the meta)."""
    cells = [dict(zip(HEADER, row, strict=True)) for row in _rows(snap, gemeenten)]
    about = meta(snap)
    if gemeenten is not None:
        about["gemeenten"] = sorted(gemeenten)
    return json.dumps({"ondermijningsbeeld": about, "cellen": cells}, ensure_ascii=False).encode("utf-8")
