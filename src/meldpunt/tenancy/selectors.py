"""Reads of the tenants for pages without a login (ADR 0030 §4): the public form carries its
gemeente in the URL (``/melden/<slug>/``), because a reporter must know to which controller they
report (AVG art. 13)."""

from __future__ import annotations

from django.utils.text import slugify

from .models import Tenant


def slug_of(tenant: Tenant) -> str:
    """The gemeente's name as it appears in an address: "Nuenen, Gerwen en Nederwetten" ->
    "nuenen-gerwen-en-nederwetten"."""
    return slugify(tenant.naam)


def public_tenants() -> list[Tenant]:
    """The active gemeenten by name, each with ``slug``: the ones a reporter can report to."""
    tenants = list(Tenant.objects.filter(active=True).order_by("naam"))
    for tenant in tenants:
        tenant.slug = slug_of(tenant)
    return tenants


def tenant_for_slug(slug: str) -> Tenant | None:
    return next((t for t in public_tenants() if t.slug == slug), None)
