"""Whose beeld a snapshot is (ADR 0030 §11): one gemeente's, or one regio's.

A gemeente outside any regio has its own snapshots. A gemeente in a regio has none of its own:
the regio's snapshot holds the cells of every member gemeente plus the regio level, suppressed
once over the whole table, and each member's beeld reads its own areas from it. So no cell is
ever published twice with two different suppression patterns (the differencing attack of
ADR 0013).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from meldpunt.tenancy.home import TenancyError, home_tenant
from meldpunt.tenancy.models import Regio, Tenant


@dataclass(frozen=True)
class Scope:
    gemeente: Tenant | None
    regio: Regio | None
    codes: tuple[str, ...]  # the member gemeenten whose cells the snapshot holds

    @property
    def naam(self) -> str:
        return self.regio.naam if self.regio else self.gemeente.naam

    def snapshots(self) -> Q:
        return Q(regio=self.regio) if self.regio else Q(gemeente=self.gemeente)

    def fields(self) -> dict:
        return {"regio": self.regio} if self.regio else {"gemeente": self.gemeente}


def of_regio(regio: Regio) -> Scope:
    codes = tuple(regio.gemeenten.filter(active=True).order_by("code").values_list("code", flat=True))
    return Scope(None, regio, codes)


def of_gemeente(gemeente: Tenant | str) -> Scope:
    """The snapshot scope a gemeente's beeld is read from: its regio's when it is in one."""
    tenant = gemeente if isinstance(gemeente, Tenant) else Tenant.objects.select_related("regio").get(pk=gemeente)
    if tenant.regio_id:
        return of_regio(tenant.regio)
    return Scope(tenant, None, (tenant.code,))


def default_snapshots() -> Q:
    """The snapshots of the installation's beeld in one query (a page asks this on every request):
    the home gemeente's regio's, or — outside a regio — the home gemeente's own."""
    home = Tenant.objects.filter(key_slot="")
    return Q(regio__in=home.exclude(regio=None).values("regio")) | Q(gemeente__in=home.filter(regio=None))


def default() -> Scope | None:
    """The installation's beeld: the home gemeente's (its regio's, when it is in one). None while
    the installation has no gemeente yet."""
    if not Tenant.objects.exists():
        try:
            return of_gemeente(home_tenant())
        except TenancyError:  # no gemeente configured yet: there is no beeld either
            return None
    home = Tenant.objects.filter(key_slot="").first() or Tenant.objects.order_by("code").first()
    return of_gemeente(home)
