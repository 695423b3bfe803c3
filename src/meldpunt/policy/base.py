"""What every rule of the policy starts from: an active, logged-in user and the roles they hold."""

from __future__ import annotations


def active(user) -> bool:
    """A logged-in user whose account is active (an anonymous or blocked user holds no role)."""
    return bool(user and user.is_authenticated and user.is_active)


def holds(user, roles) -> bool:
    """Does ``user`` hold one of ``roles``? The one place outside ``User`` that reads a role."""
    return user.has_role(*roles)
