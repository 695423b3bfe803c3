"""Reads of the tenants for pages without a login (ADR 0030 §4): the public form carries its
gemeente in the URL (``/melden/<slug>/``), because a reporter must know to which controller they
report (AVG art. 13)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.text import slugify

from .models import Tenant

# Every page with a login shows the gemeente in its header: the few tenant rows are kept in the
# cache and forgotten whenever a tenant is saved or deleted (tenancy.apps connects forget_tenants).
_ACTIVE_KEY = "tenancy:actieve-gemeenten"
_ACTIVE_SECONDS = 300


def active_tenants() -> list[Tenant]:
    """The active gemeenten by name (cached; no query on most pages)."""
    tenants = _cache_call(cache.get, _ACTIVE_KEY)
    if tenants is None:
        tenants = list(Tenant.objects.filter(active=True).order_by("naam"))
        _cache_call(cache.set, _ACTIVE_KEY, tenants, _ACTIVE_SECONDS)
    return tenants


def forget_tenants(**_kwargs) -> None:
    _cache_call(cache.delete, _ACTIVE_KEY)


def _cache_call(method, *args):
    # The cache saves a query; when it does not answer (Redis down) the page still works.
    try:
        return method(*args)
    except Exception:  # noqa: BLE001 - any backend's connection error
        return None


def slug_of(tenant: Tenant) -> str:
    """The gemeente's name as it appears in an address: "Nuenen, Gerwen en Nederwetten" ->
    "nuenen-gerwen-en-nederwetten"."""
    return slugify(tenant.naam)


def public_tenants() -> list[Tenant]:
    """The active gemeenten by name, each with ``slug``: the ones a reporter can report to."""
    tenants = active_tenants()
    for tenant in tenants:
        tenant.slug = slug_of(tenant)
    return tenants


def tenant_for_slug(slug: str) -> Tenant | None:
    return next((t for t in public_tenants() if t.slug == slug), None)
