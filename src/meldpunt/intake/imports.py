"""Bulk import of signals from a CSV or JSON file, all or nothing (P8).

Every row goes through ``intake.services.create_signal``, inside one transaction. When any row is
wrong, the transaction is rolled back and the caller gets every problem with its line number (as
in the file: the header is line 1; for JSON the position of the item, counting from 1). Nothing
is stored then: no signal, no subject, no history, no log line.

CSV: UTF-8 (a byte order mark is allowed), ``;`` or ``,`` as delimiter, a header row with the
columns ``omschrijving``, ``fenomeen``, ``datum``, ``locatie``, ``adres`` (BAG-id of the
nummeraanduiding), ``buurt`` (CBS-buurtcode), ``kanaal`` (default ``import``) and ``soort melder``
(default ``mma``). JSON: a list of objects with the same keys.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from .errors import BulkImportError, IntakeError
from .models import Channel, ReporterKind, Signal
from .services import SignalInput, create_signal

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_REPORTED = 200  # problems listed in one report; the total is always given

COLUMNS = ("omschrijving", "fenomeen", "datum", "locatie", "adres", "buurt", "kanaal", "soort melder")
REQUIRED = ("omschrijving",)
# Other spellings of a column name that are read as the same column.
ALIASES = {"soort_melder": "soort melder", "soortmelder": "soort melder", "soort-melder": "soort melder"}
CHANNELS = (Channel.IMPORT, Channel.DATA_ANALYSE)
DEFAULT_CHANNEL = Channel.IMPORT
DEFAULT_REPORTER = ReporterKind.MMA
# Service field names (IntakeError keys) back to the column a user sees.
FIELD_TO_COLUMN = {
    "description": "omschrijving",
    "phenomenon": "fenomeen",
    "occurred_on": "datum",
    "location_text": "locatie",
    "address": "adres",
    "buurt": "buurt",
    "channel": "kanaal",
    "reporter_kind": "soort melder",
}
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 0: the file as a whole
    field: str  # column name, or "" for the row or file as a whole
    message: str

    def label(self, unit: str) -> str:
        if self.line == 0:
            return "bestand"
        return f"{unit} {self.line}: {self.field}" if self.field else f"{unit} {self.line}"

    def __str__(self) -> str:
        return self.message


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    problem: str = ""  # a problem with the row's shape


def _file_error(message: str, unit: str = "regel") -> BulkImportError:
    return BulkImportError([ImportProblem(0, "", message)], unit=unit)


def _column(name: str) -> str:
    key = " ".join(str(name).strip().lower().split())
    return ALIASES.get(key, key)


def _check_columns(names: list[str], unit: str) -> list[str]:
    columns = [_column(n) for n in names]
    problems = []
    unknown = [n for n, c in zip(names, columns, strict=True) if c not in COLUMNS]
    if unknown:
        problems.append(f"Onbekende kolom(men): {', '.join(unknown)}. Gebruik: {', '.join(COLUMNS)}.")
    doubles = sorted({c for c in columns if columns.count(c) > 1})
    if doubles:
        problems.append(f"Kolom dubbel in de kop: {', '.join(doubles)}.")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(f"Verplichte kolom ontbreekt: {', '.join(missing)}.")
    if problems:
        raise BulkImportError([ImportProblem(1 if unit == "regel" else 0, "", p) for p in problems], unit=unit)
    return columns


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8) of JSON.") from None


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,").delimiter
    except csv.Error:
        return ";" if header_line.count(";") >= header_line.count(",") else ","


def _read_csv(text: str) -> list[_Row]:
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    if not first:
        raise _file_error("Het bestand is leeg.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    rows: list[_Row] = []
    columns: list[str] | None = None
    end_of_previous = 0
    try:
        for record in reader:
            line = end_of_previous + 1  # where this record starts (a quoted field may span lines)
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if columns is None:
                if line != 1:
                    raise _file_error("De eerste regel moet de kop met de kolomnamen zijn.")
                columns = _check_columns(record, "regel")
                continue
            if len(rows) >= MAX_ROWS:
                raise _file_error(f"Het bestand heeft meer dan {MAX_ROWS} signalen. Splits het op.")
            values = {column: record[i].strip() if i < len(record) else "" for i, column in enumerate(columns)}
            extra = [cell for cell in record[len(columns):] if cell.strip()]
            problem = f"Deze regel heeft meer velden ({len(record)}) dan de kop ({len(columns)})." if extra else ""
            rows.append(_Row(line, values, problem))
    except csv.Error as error:
        raise BulkImportError([ImportProblem(reader.line_num, "", f"Dit is geen geldige CSV-regel ({error}).")]) \
            from None
    if columns is None:
        raise _file_error("Het bestand is leeg.")
    return rows


def _read_json(text: str) -> list[_Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _file_error(f"Dit is geen geldige JSON (regel {error.lineno}, kolom {error.colno}).", "item") \
            from None
    except RecursionError:
        raise _file_error("Dit JSON-bestand is te diep genest.", "item") from None
    if not isinstance(data, list):
        raise _file_error("Een JSON-bestand bevat een lijst van signalen: [{\"omschrijving\": ...}, ...].", "item")
    if len(data) > MAX_ROWS:
        raise _file_error(f"Het bestand heeft meer dan {MAX_ROWS} signalen. Splits het op.", "item")
    rows: list[_Row] = []
    problems: list[ImportProblem] = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(ImportProblem(position, "", "Elk item is een object met de velden van een signaal."))
            continue
        values = {}
        for key, value in item.items():
            column = _column(key)
            if column not in COLUMNS:
                problems.append(ImportProblem(position, str(key)[:60], "Onbekend veld."))
                continue
            if value is None:
                value = ""
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                problems.append(ImportProblem(position, column, "Verwacht tekst."))
                continue
            values[column] = str(value).strip()
        rows.append(_Row(position, values))
    if problems:
        raise BulkImportError(problems, unit="item", rows=len(data))
    return rows


def _parse_date(value: str) -> date:
    match = _DUTCH_DATE.match(value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("Geen geldige datum: gebruik JJJJ-MM-DD of DD-MM-JJJJ.") from None


def _to_input(row: _Row) -> tuple[SignalInput, list[ImportProblem]]:
    v = row.values
    problems = [ImportProblem(row.line, "", row.problem)] if row.problem else []
    occurred_on = None
    if v.get("datum"):
        try:
            occurred_on = _parse_date(v["datum"])
        except ValueError as error:
            problems.append(ImportProblem(row.line, "datum", str(error)))
    channel = v.get("kanaal") or DEFAULT_CHANNEL
    if channel not in CHANNELS:
        problems.append(ImportProblem(row.line, "kanaal", f"Kies {' of '.join(CHANNELS)}."))
        channel = DEFAULT_CHANNEL
    data = SignalInput(
        channel=channel, description=v.get("omschrijving", ""), phenomenon=v.get("fenomeen") or "overig",
        reporter_kind=v.get("soort melder") or DEFAULT_REPORTER, location_text=v.get("locatie", "")[:300],
        address=v.get("adres", ""), buurt=v.get("buurt", ""), occurred_on=occurred_on,
    )
    return data, problems


def _intake_problems(line: int, error: IntakeError) -> list[ImportProblem]:
    return [ImportProblem(line, FIELD_TO_COLUMN.get(field, field), message)
            for field, messages in error.field_errors.items() for message in messages]


def read_rows(filename: str, content: bytes) -> tuple[str, list[_Row]]:
    """Parse the file; returns the unit for line labels ("regel" or "item") and the rows."""
    if len(content) > MAX_BYTES:
        raise _file_error(f"Het bestand is te groot (hoogstens {MAX_BYTES // (1024 * 1024)} MB).")
    text = _decode(content)
    name = (filename or "").lower()
    is_json = name.endswith(".json") or (not name.endswith(".csv") and text.lstrip().startswith(("[", "{")))
    if is_json:
        return "item", _read_json(text)
    return "regel", _read_csv(text)


def import_signals(user, filename: str, content: bytes) -> list[Signal]:
    """Import every signal in the file, or none. Raises :class:`BulkImportError` with a line-numbered
    report in Dutch when anything is wrong."""
    unit, rows = read_rows(filename, content)
    if not rows:
        raise _file_error("Het bestand bevat geen signalen.", unit)
    problems: list[ImportProblem] = []
    signals: list[Signal] = []
    with transaction.atomic():
        for row in rows:
            data, row_problems = _to_input(row)
            problems.extend(row_problems)
            try:
                signal = create_signal(data, user=user)
            except IntakeError as error:
                problems.extend(_intake_problems(row.line, error))
                continue
            if not row_problems:
                signals.append(signal)
        if problems:
            # Rolls the whole transaction back: nothing of this file is stored.
            raise BulkImportError(problems, unit=unit, rows=len(rows))
    return signals
