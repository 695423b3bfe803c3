"""The response package as a printable PDF (WeasyPrint), rendered from the same structure as the JSON."""

from django.template.loader import render_to_string
from weasyprint import HTML


def render(package: dict) -> bytes:
    html = render_to_string("inzage/pakket.html", {"p": package})
    return HTML(string=html).write_pdf()
