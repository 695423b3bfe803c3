"""The printable agenda of a casusoverleg (PDF, WeasyPrint) for one participant: built from the
same released content as their page, so the print never shows more (P1)."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML


def agenda(view) -> bytes:
    html = render_to_string("cases/agenda_print.html", {"view": view, "printed_at": timezone.localtime()})
    return HTML(string=html).write_pdf()
