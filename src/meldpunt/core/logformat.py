"""The application log (standard error): plain text or one JSON object per line, never personal data.

Messages are written without personal data; a library's message may still carry some (a URL with
a query string, an exception text quoting a value). So every line passes ``NoPersonalData``, which
blanks out what looks like a BSN, an e-mail address or a phone number, and the JSON formatter does
the same to every field it writes (the stack trace included).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

# Nine digits, also written in groups (123.456.782, 123 456 782): a BSN (or an RSIN, also blanked).
_BSN = re.compile(r"(?<![\w.-])\d{3}[ .-]?\d{3}[ .-]?\d{3}(?![\w-]|\.\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch phone numbers: 06-12345678, 010 1234567, +31 6 12345678, 0031612345678.
_PHONE = re.compile(r"(?<![\w.])(?:\+31|0031|0)[ -]?\d(?:[ -]?\d){7,8}(?![\w-]|\.\d)")

BLANK = "[verwijderd]"


def without_personal_data(text: str) -> str:
    text = _EMAIL.sub(BLANK, text)
    text = _PHONE.sub(BLANK, text)
    return _BSN.sub(BLANK, text)


class NoPersonalData(logging.Filter):
    """Blank personal data in the message before any formatter sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, dict):
            record.msg = without_personal_data(record.getMessage())
            record.args = None
        return True


def _clean(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    # Anything else (a request object in Django's 'extra', a path) as its text, cleaned.
    return without_personal_data(str(value))


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger with fixed field names and every value cleaned of personal data."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data):
        # Django's request logger adds the request object itself; its text names the full path.
        log_data.pop("request", None)
        return {key: _clean(value) for key, value in log_data.items()}
