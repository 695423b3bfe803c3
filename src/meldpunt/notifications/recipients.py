"""Who is told: the holders of a role (active accounts only)."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def with_roles(*roles: str, exclude=None) -> list:
    users = (get_user_model().objects.filter(is_active=True, role_assignments__role__in=roles)
             .distinct().order_by("id"))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk if hasattr(exclude, "pk") else exclude)
    return list(users)
