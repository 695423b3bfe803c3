"""Attachments: a whitelist by content (not by name or claimed type), a size limit, and
metadata removal. Images are re-encoded from their pixels, which drops EXIF (GPS, camera,
time), XMP, ICC and comments; PDFs are rewritten page by page without document info or XMP."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from .errors import AttachmentError  # noqa: F401 (re-exported)

ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
ALLOWED_LABEL = "JPG, PNG of PDF"
Image.MAX_IMAGE_PIXELS = 40_000_000  # larger is refused (decompression bombs)


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _clean_image(data: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Apply the EXIF orientation to the pixels before the EXIF goes.
            upright = ImageOps.exif_transpose(image)
            # Only the pixel values travel: no info dict, no EXIF/XMP/ICC, no chunks or comments.
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P":
                pixels.putpalette(upright.getpalette())
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise AttachmentError("Deze afbeelding kunnen we niet lezen. Probeer een andere foto.") from error
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if pixels.mode not in ("RGB", "L"):
            pixels = pixels.convert("RGB")
        pixels.save(out, format="JPEG", quality=88)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentError("Dit PDF-bestand is beveiligd met een wachtwoord. Stuur een onbeveiligde versie.")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.metadata = None  # no /Info dictionary (author, creator, dates); XMP is not copied
        out = io.BytesIO()
        writer.write(out)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, AttachmentError):
            raise
        raise AttachmentError("Dit PDF-bestand kunnen we niet lezen.") from error
    return out.getvalue()


def clean(data: bytes) -> CleanFile:
    limit = settings.MELDPUNT_MAX_ATTACHMENT_MB * 1024 * 1024
    if len(data) > limit:
        raise AttachmentError(f"Een bijlage mag hoogstens {settings.MELDPUNT_MAX_ATTACHMENT_MB} MB zijn.")
    if not data:
        raise AttachmentError("Deze bijlage is leeg.")
    content_type = sniff(data)
    if content_type is None:
        raise AttachmentError(f"Dit soort bestand nemen we niet aan. Stuur een {ALLOWED_LABEL}.")
    content = _clean_pdf(data) if content_type == "application/pdf" else _clean_image(data, content_type)
    return CleanFile(content, content_type, ALLOWED[content_type])
