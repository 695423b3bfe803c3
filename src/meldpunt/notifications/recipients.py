"""Who is told: the holders of a role (active accounts only) in the gemeente of the record the
work is about (ADR 0030 §3: a role in another gemeente tells nobody of this one's work)."""

from __future__ import annotations

from meldpunt import policy


def with_roles(*roles: str, gemeente=None, exclude=None) -> list:
    users = policy.holders(roles, gemeente).order_by("id")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk if hasattr(exclude, "pk") else exclude)
    return list(users)
