"""Writes on users and roles. Each function is one transaction.

A role is held in one gemeente, or (the analist only) in every gemeente of a regio (ADR 0030 §3).
Callers name the gemeente with ``gemeente=`` (a Tenant or its CBS code); without one, the
installation's only gemeente (refused once there are several: ``tenancy.defaults``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from meldpunt.privacy.security import SecurityEvent, log_event
from meldpunt.tenancy.defaults import only_tenant
from meldpunt.tenancy.models import Regio, Tenant

from .errors import RoleRefused
from .models import REGIO_ONLY_ANALIST, RoleAssignment, User
from .roles import REGIO_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """Where a role is held: a gemeente (CBS code) or a regio (code), exactly one."""

    gemeente: str = ""
    regio: str = ""


def scope_in(gemeente=None, regio=None) -> Scope:
    """The scope for a gemeente (a Tenant or its code), a regio (a Regio or its code), or neither:
    the installation's only gemeente. An unknown gemeente or regio is refused in Dutch."""
    if gemeente is not None and regio is not None:
        raise RoleRefused("Een rol geldt óf in een gemeente óf in een regio, niet in allebei.")
    if regio is not None:
        code = getattr(regio, "pk", regio)
        if not Regio.objects.filter(pk=code).exists():
            raise RoleRefused(f"Onbekende regio: {code}.")
        return Scope(regio=code)
    if gemeente is None:
        return Scope(gemeente=only_tenant().code)
    code = str(getattr(gemeente, "pk", gemeente)).strip().upper()
    if not Tenant.objects.filter(pk=code).exists():
        raise RoleRefused(f"Deze installatie werkt niet voor gemeente {code}.")
    return Scope(gemeente=code)


def _check_roles(roles, scope: Scope) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise RoleRefused(f"Onbekende rol(len): {', '.join(sorted(unknown))}")
    if scope.regio and set(roles) - REGIO_ROLES:
        raise RoleRefused(REGIO_ONLY_ANALIST)


@transaction.atomic
def create_user(username: str, password: str | None, roles: list[str], *, gemeente=None, regio=None,
                **fields) -> User:
    """A user with ``roles`` in ``gemeente`` (or, for the analist, ``regio``); default: the only gemeente."""
    scope = scope_in(gemeente, regio) if roles else Scope()
    _check_roles(roles, scope)
    user = User.objects.create_user(username=username, password=password, **fields)
    _grant(user, [(role, scope) for role in roles])
    return user


def _words(scope: Scope) -> str:
    """Where, in words: "Zaanstad" or "regio Zaanstreek" (a log line never shows a code alone)."""
    if scope.regio:
        return f"regio {Regio.objects.get(pk=scope.regio).naam}"
    return Tenant.objects.get(pk=scope.gemeente).naam


def grant_detail(role: str, username: str, where: str) -> str:
    """The security-log detail of one grant or revocation (also the admin's, privacy.security)."""
    return f"rol {role} voor {username} in {where}"


def _grant(user: User, grants: list[tuple[str, Scope]]) -> None:
    """Grant roles in one insert. bulk_create sends no post_save, so the grants reach the security
    log (BIO 12.4.1) here, each naming its gemeente or regio."""
    granted = RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=role, gemeente_id=scope.gemeente or None, regio_id=scope.regio or None)
        for role, scope in grants)
    for role, scope in grants:
        log_event(SecurityEvent.ROLE_GRANTED, obj=user, detail=grant_detail(role, user.username, _words(scope)))
    if len(granted) > 1:  # BIO 12.4.1: a grant of several roles at once is an event of its own
        log_event(SecurityEvent.ROLES_BULK, obj=user,
                  detail=f"{len(granted)} rollen tegelijk voor {user.username}: "
                         f"{', '.join(f'{role} in {_words(scope)}' for role, scope in grants)}")
    user.forget_roles()


@transaction.atomic
def grant_role(user: User, role: str, *, gemeente=None, regio=None) -> None:
    """One more role for ``user`` in ``gemeente`` (or ``regio``); nothing happens when it is held there."""
    scope = scope_in(gemeente, regio)
    _check_roles([role], scope)
    if not _assignments(user, scope).filter(role=role).exists():
        _grant(user, [(role, scope)])


def _assignments(user: User, scope: Scope):
    if scope.regio:
        return user.role_assignments.filter(regio_id=scope.regio)
    return user.role_assignments.filter(gemeente_id=scope.gemeente)


@transaction.atomic
def set_roles(user: User, roles: list[str], *, gemeente=None, regio=None) -> None:
    """The roles of ``user`` in one gemeente (or regio) become ``roles``; other gemeenten keep theirs.
    A revocation reaches the security log through post_delete (privacy.security)."""
    scope = scope_in(gemeente, regio)
    _check_roles(roles, scope)
    for assignment in _assignments(user, scope).exclude(role__in=roles):
        assignment.delete()
    existing = set(_assignments(user, scope).values_list("role", flat=True))
    _grant(user, [(role, scope) for role in roles if role not in existing])


@transaction.atomic
def set_all_roles(user: User, grants: list[tuple[str, Scope]]) -> None:
    """Every role of ``user``, in every gemeente and regio, becomes exactly ``grants`` (the groups of
    the identity provider, accounts.oidc)."""
    for role, scope in grants:
        _check_roles([role], scope)
    wanted = set(grants)
    for assignment in user.role_assignments.all():
        if (assignment.role, Scope(assignment.gemeente_id or "", assignment.regio_id or "")) not in wanted:
            assignment.delete()
    existing = {(a.role, Scope(a.gemeente_id or "", a.regio_id or "")) for a in user.role_assignments.all()}
    _grant(user, sorted(wanted - existing, key=lambda grant: (grant[0], grant[1].gemeente, grant[1].regio)))


PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - no look-alikes (l/1, o/0, i)


def generate_password() -> str:
    """A password that is easy to type from a terminal and strong enough (~124 bits)."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(5)) for _ in range(5))
    return "-".join(groups)
