"""What every rule of the policy starts from: an active, logged-in user and the roles they hold —
and *where* they hold them (ADR 0030 §3): each role in one gemeente, the analist possibly in a regio.

- ``holds(user, roles, gemeente=None)``: one of ``roles`` — in ``gemeente`` when given; without
  a gemeente, in *some* gemeente (the page rules, menus).
- ``gemeenten_with(user, roles)``: the codes of the gemeenten where the user holds one of ``roles``.
- ``granted(user, roles, path)``: a ``Q`` on a queryset's owner path, limited to those gemeenten.
- ``owner(model)``: that path for a model, from ``tenancy.ownership.OWNER_PATHS`` (never repeated here).
"""

from __future__ import annotations

from django.db.models import Q

from meldpunt.tenancy.keys import code_of
from meldpunt.tenancy.ownership import owner_path

NOTHING = Q(pk__in=[])


def active(user) -> bool:
    """A logged-in user whose account is active (an anonymous or blocked user holds no role)."""
    return bool(user and user.is_authenticated and user.is_active)


def holds(user, roles, gemeente=None) -> bool:
    """Does ``user`` hold one of ``roles`` — in ``gemeente`` (a Tenant or its code) when given?
    The one place outside ``User`` that reads a role."""
    if not active(user):
        return False
    if gemeente is None:
        return user.has_role(*roles)
    return code_of(gemeente) in gemeenten_with(user, roles)


def gemeenten_with(user, roles) -> frozenset[str]:
    """The CBS codes of the gemeenten where ``user`` holds one of ``roles`` (empty when none)."""
    if not active(user) or not user.has_role(*roles):
        return frozenset()
    return user.gemeenten_with(*roles)


def granted(user, roles, path: str = "gemeente") -> Q:
    """The rows of the gemeenten where ``user`` holds one of ``roles``: ``Q(<path>__in=codes)``,
    or a condition no row meets. Every queryset rule ANDs its clause for a role with this."""
    codes = gemeenten_with(user, roles)
    if not codes:
        return NOTHING
    return Q(**{f"{path}__in": sorted(codes)})


def owner(model) -> str:
    """The path from ``model`` to its gemeente (tenancy.ownership), for ``granted``. A model whose
    gemeente may come through one of several parents has no single path: its rule names one."""
    path = owner_path(model)
    if not isinstance(path, str):
        raise TypeError(f"{model._meta.label} heeft geen enkel pad naar zijn gemeente.")
    return path


def granted_on(user, roles, model) -> Q:
    """``granted`` on ``model``'s own owner path."""
    return granted(user, roles, owner(model))


def holders(roles, gemeente=None):
    """The active users who hold one of ``roles`` — in ``gemeente`` (a Tenant or its code) when given,
    a regio-wide assignment counting for each of its gemeenten: who may be chosen or told there."""
    from django.contrib.auth import get_user_model  # the user model is the accounts app's, asked at call time

    users = get_user_model().objects.filter(is_active=True)
    where = Q(role_assignments__role__in=list(roles))
    if gemeente is not None:
        code = code_of(gemeente)
        where &= Q(role_assignments__gemeente_id=code) | Q(role_assignments__regio__gemeenten__code=code,
                                                           role_assignments__regio__gemeenten__active=True)
    return users.filter(pk__in=users.filter(where).values("pk"))


def members(gemeenten):
    """Every account (active or not: the FG searches a former colleague's lines too) that holds a
    role in one of ``gemeenten`` (Tenants or codes), a regio-wide assignment counting for each of its
    gemeenten: the staff an FG of those gemeenten may pick in the log filters (ADR 0030 §7)."""
    from django.contrib.auth import get_user_model  # the user model is the accounts app's, asked at call time

    codes = sorted({code_of(g) for g in gemeenten})
    users = get_user_model().objects.all()
    if not codes:
        return users.none()
    where = Q(role_assignments__gemeente_id__in=codes) | Q(role_assignments__regio__gemeenten__code__in=codes)
    return users.filter(pk__in=users.filter(where).values("pk"))
