"""Writes on users and roles. Each function is one transaction."""

import secrets

from django.db import transaction

from meldpunt.privacy.security import SecurityEvent, log_event

from .models import RoleAssignment, User
from .roles import Role


@transaction.atomic
def create_user(username: str, password: str, roles: list[str], **fields) -> User:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Onbekende rol(len): {', '.join(sorted(unknown))}")
    user = User.objects.create_user(username=username, password=password, **fields)
    _grant(user, roles)
    return user


def _grant(user: User, roles) -> None:
    """Grant roles in one insert. bulk_create sends no post_save, so the grants reach the security
    log (BIO 12.4.1) here."""
    granted = RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in roles)
    for assignment in granted:
        log_event(SecurityEvent.ROLE_GRANTED, obj=user, detail=f"rol {assignment.role} voor {user.username}")
    if len(granted) > 1:  # BIO 12.4.1: a grant of several roles at once is an event of its own
        log_event(SecurityEvent.ROLES_BULK, obj=user,
                  detail=f"{len(granted)} rollen tegelijk voor {user.username}: "
                         f"{', '.join(a.role for a in granted)}")


@transaction.atomic
def set_roles(user: User, roles: list[str]) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Onbekende rol(len): {', '.join(sorted(unknown))}")
    user.role_assignments.exclude(role__in=roles).delete()
    existing = set(user.role_assignments.values_list("role", flat=True))
    _grant(user, [r for r in roles if r not in existing])
    user._roles_cache = None


PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - no look-alikes (l/1, o/0, i)


def generate_password() -> str:
    """A password that is easy to type from a terminal and strong enough (~124 bits)."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(5)) for _ in range(5))
    return "-".join(groups)
