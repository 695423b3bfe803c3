"""What every rule of the policy starts from: an active, logged-in user and the roles they hold —
and, since the regional meldpunt (ADR 0030 §3), *where* they hold them.

The contract every app builds on (step S3 of ADR 0030 gives it its per-gemeente meaning):

- ``holds(user, roles, gemeente=None)``: one of ``roles`` — in ``gemeente`` when given.
- ``gemeenten_with(user, roles)``: the codes of the gemeenten where the user holds one of ``roles``.
- ``granted(user, roles, path)``: a ``Q`` on a queryset's owner path, limited to those gemeenten.
"""

from __future__ import annotations

from django.db.models import Q


def active(user) -> bool:
    """A logged-in user whose account is active (an anonymous or blocked user holds no role)."""
    return bool(user and user.is_authenticated and user.is_active)


def _code(gemeente) -> str:
    """A Tenant or its CBS code, as the code."""
    return getattr(gemeente, "pk", gemeente)


def holds(user, roles, gemeente=None) -> bool:
    """Does ``user`` hold one of ``roles`` — in ``gemeente`` (a Tenant or its code) when given?
    The one place outside ``User`` that reads a role."""
    if gemeente is None:
        return user.has_role(*roles)
    return _code(gemeente) in gemeenten_with(user, roles)


def gemeenten_with(user, roles) -> frozenset[str]:
    """The CBS codes of the gemeenten where ``user`` holds one of ``roles`` (empty when none)."""
    if not active(user) or not user.has_role(*roles):
        return frozenset()
    # Before roles are held per gemeente (ADR 0030 step S3), a role holds in every active gemeente.
    from meldpunt.tenancy.models import Tenant

    return frozenset(Tenant.objects.filter(active=True).values_list("code", flat=True))


def granted(user, roles, path: str = "gemeente") -> Q:
    """The rows of the gemeenten where ``user`` holds one of ``roles``: ``Q(<path>__in=codes)``,
    or a condition no row meets. Every queryset rule ANDs its clause for a role with this."""
    codes = gemeenten_with(user, roles)
    if not codes:
        return Q(pk__in=[])
    return Q(**{f"{path}__in": sorted(codes)})
