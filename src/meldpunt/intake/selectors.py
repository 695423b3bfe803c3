"""Reads of signals, always through the access policy."""

from django.db.models import Count

from meldpunt.accounts import policy

from .models import Signal


def visible_signals(user):
    return policy.signals_visible_to(user, Signal.objects.all())


def queue(user, limit: int = 25):
    return visible_signals(user).select_related("buurt").order_by("-received_at")[:limit]


def queue_counts(user) -> dict[str, int]:
    rows = visible_signals(user).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def own_signals(user):
    return Signal.objects.filter(reported_by=user).select_related("buurt").order_by("-received_at")
