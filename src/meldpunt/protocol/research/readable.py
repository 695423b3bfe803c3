"""Registry details in words (issue 12): what a connector or a bronhouder returns is data (ISO
dates, lists of records, keys like ``datumAanvang``); a person reads a sentence. Used wherever a
released detail is shown, so a participant never sees a Python repr or a field path.

Nested records name people (the directors in ``functionarissen``, the residents of an address):
their BSNs are never part of the text. A BSN is shown only as the value of a field that is itself
a BSN field (``burgerservicenummer``, ``ingeschrevenen.burgerservicenummer``), released on its own."""

from __future__ import annotations

import re

from meldpunt.core.datums import format_date

# Keys inside a nested record that are numbers of a person: left out of the text.
HIDDEN_KEYS = frozenset({"burgerservicenummer", "bsn"})
DATE_KEYS = {"datumAanvang": "sinds", "datumEinde": "tot", "datumOprichting": "opgericht",
             "datumOpheffing": "opgeheven", "peildatum": "peildatum"}
NESTED_LABELS = {"vestigingsnummer": "vestigingsnummer", "sbiCode": "SBI-code", "kvkNummer": "KvK-nummer",
                 "waarde": "waarde", "oppervlakte": "oppervlakte"}
# Keys whose value is read without a label ("Jan Jansen, bestuurder, sinds 1 maart 2020").
PLAIN_KEYS = ("naam", "handelsnaam", "functie", "adres", "omschrijving", "soort")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOT_REGISTERED = "niet geregistreerd"


def _scalar(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    text = str(value).strip()
    return format_date(text) if ISO_DATE.match(text) else text


def _record(record: dict) -> str:
    parts = []
    for key in PLAIN_KEYS:
        text = _scalar(record.get(key))
        if text:
            parts.append(text)
    for key, value in record.items():
        if key in HIDDEN_KEYS or key in PLAIN_KEYS or isinstance(value, (dict, list)):
            continue
        text = _scalar(value)
        if not text:
            continue
        label = DATE_KEYS.get(key) or NESTED_LABELS.get(key)
        if label is None:
            # An unknown key: its words, not its code ("datumInschrijving" → "datum inschrijving").
            label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).replace("_", " ").replace(".", " ").lower()
        parts.append(f"{label} {text}")
    return ", ".join(parts)


def readable(value) -> str:
    """One detail value as a Dutch phrase; a list of records as one phrase per record."""
    if value is None or value == "" or value == []:
        return NOT_REGISTERED
    if isinstance(value, dict):
        return _record(value) or NOT_REGISTERED
    if isinstance(value, (list, tuple)):
        texts = [readable(v) if not isinstance(v, dict) else _record(v) for v in value]
        return "; ".join(t for t in texts if t) or NOT_REGISTERED
    return _scalar(value) or NOT_REGISTERED


def readable_lines(value) -> list[str]:
    """The same, one line per record of a list (for a list on a page)."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
        return [_record(v) or NOT_REGISTERED for v in value]
    return [readable(value)]


def nested_bsns(value) -> list[str]:
    """The BSNs inside nested records (the directors of a company): data subjects of the log."""
    found = []
    for record in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(record, dict):
            found += [str(record[k]) for k in HIDDEN_KEYS if record.get(k)]
    return found
