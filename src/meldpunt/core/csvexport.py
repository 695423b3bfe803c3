"""CSV downloads: one way to write them, safe to open in a spreadsheet.

Semicolon-separated UTF-8 with a byte order mark (Dutch spreadsheet defaults), never cached, and
cells that would start a formula are prefixed with a quote (CSV injection: a name like
``=HYPERLINK(...)`` typed by a melder must not run in the FG's spreadsheet).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write(target, header: Iterable, rows: Iterable[Iterable]) -> None:
    """Write header and rows to a file-like ``target`` (a response or a StringIO)."""
    writer = csv.writer(target, delimiter=";")
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)


def response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    result = HttpResponse(content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    result["Cache-Control"] = "no-store"
    result.write("\ufeff")  # byte order mark: spreadsheet programs then read UTF-8
    write(result, header, rows)
    return result
