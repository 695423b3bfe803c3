"""The source "Andere gemeenten in de regio" (ADR 0030 §8.1): each tenant in a regio has one. It is
asked through the protocol's connector plugin (regio/plugin.py)."""

from __future__ import annotations

from meldpunt.protocol.research.models import Source
from meldpunt.tenancy.models import Tenant

CONNECTOR = "REGIO"
CODE = "regio"
NAME = "Andere gemeenten in de regio"


def seed_regio_sources(tenants=None) -> int:
    """Each tenant in a regio gets the source (primary basis: the convenant); returns how many were
    added. Never overwrites what functioneel beheer changed."""
    added = 0
    for tenant in (Tenant.objects.filter(regio__isnull=False) if tenants is None else tenants):
        if tenant.regio_id is None:
            continue
        _, created = Source.objects.get_or_create(gemeente=tenant, code=CODE, defaults={
            "name": NAME, "department": f"Samenwerkingsverband {tenant.regio.naam}", "connector": CONNECTOR,
            "fields": {}, "primary_basis": tenant.regio.convenant[:300],
            "legal_note": "Alleen treffer of geen treffer per gemeente. Wat een andere gemeente deelt, weegt die "
                          "gemeente zelf (regionaal verzoek)."})
        added += created
    return added


def seed_tenant_source(tenant, **_kwargs) -> None:
    """Receiver of `tenancy.home.tenant_created`."""
    seed_regio_sources([tenant])
