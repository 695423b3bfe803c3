"""Which processing-log lines belong to which controller (ADR 0030 §6).

A line of format 4 names its gemeente; lines of formats 1-3 have none and belong to the home
gemeente (the one that kept the installation's keys and the "verwerking" chain) by definition.
"""

from __future__ import annotations

from django.db.models import QuerySet

from meldpunt.tenancy.models import Tenant

from .models import ProcessingLogEntry


def home_code() -> str:
    return Tenant.objects.filter(key_slot="").values_list("code", flat=True).first() or ""


def processing_lines(codes) -> QuerySet[ProcessingLogEntry]:
    """The processing-log lines of these gemeenten (CBS codes)."""
    codes = [code for code in codes if code]
    if not codes:
        return ProcessingLogEntry.objects.none()
    home = home_code()
    return ProcessingLogEntry.objects.filter(gemeente_code__in=codes + ([""] if home in codes or not home else []))
