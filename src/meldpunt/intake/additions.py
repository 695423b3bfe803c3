"""A reporter adds to an earlier report with the receipt code the receipt page gave them.

The addition arrives as a signal of its own (state 'ontvangen', weighed like any report) that
points at the report it adds to (``Signal.supplements``), so it gets its own weging, retention and
destruction, and a regisseur can link it to the casus the first report went into. The answer to
the reporter is the same whether or not the code is known, and whatever became of the report: we
do not tell reporters what happens with their report, and a wrong code must not become an oracle
for guessing codes.
"""

from __future__ import annotations

import re

from django.db import transaction

from .errors import IntakeError
from .models import Channel, ReporterKind, Signal
from .services import MAX_DESCRIPTION, RECEIPT_ALPHABET, SignalInput, create_signal, visible

_CODE = re.compile(rf"^[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$")
CODE_FORMAT_ERROR = "Een ontvangstcode bestaat uit drie groepjes van vier letters en cijfers, zoals ABCD-EFGH-JK23."


def normalise_code(code: str) -> str:
    """Tolerate what people type: lower case, spaces, no or other dashes."""
    raw = re.sub(r"[^0-9A-Za-z]", "", code or "").upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


@transaction.atomic
def add_to_report(code: str, text: str) -> Signal:
    """Take in an addition; returns the new signal. Raises IntakeError (field errors) on bad input."""
    errors: dict[str, list[str]] = {}
    code = normalise_code(code)
    if not _CODE.match(code):
        errors["code"] = [CODE_FORMAT_ERROR]
    text = (text or "").strip()
    if not visible(text):
        errors["text"] = ["Schrijf wat u wilt aanvullen."]
    elif len(text) > MAX_DESCRIPTION:
        errors["text"] = [f"Gebruik hoogstens {MAX_DESCRIPTION} tekens."]
    if errors:
        raise IntakeError(errors)
    original = Signal.objects.filter(receipt_code=code).select_related("phenomenon").first()
    # Nothing about the sender is kept (P5), also when the first report had contact details.
    signal = create_signal(SignalInput(
        channel=Channel.WEBFORMULIER, reporter_kind=ReporterKind.ANONIEM, description=text,
        phenomenon=original.phenomenon.code if original is not None and original.phenomenon.active else "overig"))
    if original is not None:
        signal.supplements = original
        signal.save(update_fields=["supplements"])
    return signal
