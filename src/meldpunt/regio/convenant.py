"""Whether the regio's convenant carries a question today (ADR 0030 §8.1)."""

from __future__ import annotations

from django.utils import timezone

from meldpunt.tenancy.models import Tenant


def convenant_problems(tenant: Tenant, day=None) -> list[str]:
    """Why the regio's convenant does not carry a question of ``tenant`` today (Dutch)."""
    regio = tenant.regio
    day = day or timezone.localdate()
    if regio is None:
        return [f"{tenant.naam} hoort niet bij een regio: er zijn geen andere gemeenten om te vragen."]
    if not (regio.convenant or "").strip():
        return [f"De regio {regio.naam} heeft geen convenant: zonder grondslag wordt niets gevraagd."]
    if regio.convenant_valid_from > day or (regio.convenant_valid_until and regio.convenant_valid_until < day):
        return [f"Het convenant van de regio {regio.naam} is vandaag niet van kracht."]
    return []
