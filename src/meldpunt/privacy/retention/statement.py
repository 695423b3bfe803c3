"""The verklaring van vernietiging as PDF (WeasyPrint), rendered from the stored statement and
tombstones — metadata only, so it can be printed and kept permanently (Selectielijst 19.1.18)."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from . import selectors

MAX_LISTED = 2000  # more records: the PDF gives the specification, the CSV every record


def statement_pdf(statement) -> bytes:
    stones = list(selectors.tombstones(statement)[:MAX_LISTED + 1])
    html = render_to_string("retention/verklaring.html", {
        "statement": statement, "destruction_list": statement.destruction_list,
        "tombstones": stones[:MAX_LISTED], "truncated": len(stones) > MAX_LISTED, "max_listed": MAX_LISTED,
        "printed_at": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()
