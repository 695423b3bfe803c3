"""The printable forward letter (PDF) from the content as it was sent."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from .services import FORWARD_ITEMS


def forward_letter(sent) -> bytes:
    html = render_to_string("protocol/brief.html", {
        "sent": sent, "items": [FORWARD_ITEMS[i] for i in sent.items], "content": sent.content,
        "printed_at": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()
