"""One Dutch date format everywhere a person looks, independent of the active locale:
``7 december 2026``, ``7 december 2026 14:05``, ``7 dec. 2026`` (tables). Machine formats (CSV,
JSON, the API) keep ISO dates. The template filters in web/templatetags/woorden.py wrap these."""

import datetime

from django.utils import timezone

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
MONTHS_SHORT = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value, short: bool = False, with_time: bool = False, seconds: bool = False) -> str:
    """``7 december 2026`` (``short``: ``7 dec. 2026``); with ``with_time`` a moment gets `` 14:05``
    (``seconds``: ``14:05:09``). An ISO string is read as a date; other text is returned as it is;
    empty for None."""
    if isinstance(value, str):  # an ISO date from a connector or JSON
        try:
            parse = datetime.date.fromisoformat if len(value) == 10 else datetime.datetime.fromisoformat
            value = parse(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.date):
        return ""
    value = local(value)
    text = f"{value.day} {(MONTHS_SHORT if short else MONTHS)[value.month - 1]} {value.year}"
    if with_time and isinstance(value, datetime.datetime):
        text += f" {value:%H:%M:%S}" if seconds else f" {value:%H:%M}"
    return text


def format_month(value) -> str:
    """``december 2026`` for a month (a date, or ``2026-12`` as CSV keeps it); other text as it is."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(f"{value}-01") if len(value) == 7 else value
        except ValueError:
            return value
    if not isinstance(value, datetime.date):
        return "" if value is None else str(value)
    return f"{MONTHS[value.month - 1]} {value.year}"
