"""Retention of B's regional requests (ADR 0030 §8.8): a request is part of the dossier of the
signals it is about. A's side needs nothing of its own — the question, its answers and a release hang
from A's source request and so go with A's signal (ADR 0009). B's ``RegionalRequest`` holds no
foreign key to a signal (it outlives A's signal, and lists several of B's), so it is destroyed here,
when the last of B's matched signals is: with its RV weging; a release A received stays A's.

Registered as a destroy hook in ``RegioConfig.ready``; it runs inside the destruction's transaction,
before the purge, while the matched signals can still be seen."""

from __future__ import annotations

from django.db.models import Count, Q

from meldpunt.privacy.retention import destroy_hooks, purge
from meldpunt.protocol.models import Weging

from .models import RegionalRequest


def requests_gone_with(signal_ids) -> list[int]:
    """The requests all of whose matched signals are among ``signal_ids``."""
    destroyed = list(signal_ids)
    if not destroyed:
        return []
    touched = RegionalRequest.objects.filter(matched_signals__in=destroyed).values("pk")
    return list(RegionalRequest.objects.filter(pk__in=touched).annotate(
        left=Count("matched_signals", filter=~Q(matched_signals__in=destroyed))).filter(left=0)
        .values_list("pk", flat=True))


def forget_requests(destroyed: destroy_hooks.Destroyed) -> None:
    ids = requests_gone_with(destroyed.signal_ids)
    if not ids:
        return
    wegingen = list(RegionalRequest.objects.filter(pk__in=ids, weging__isnull=False).values_list("weging_id",
                                                                                                 flat=True))
    purge.purge(RegionalRequest, ids)
    if wegingen:
        purge.purge(Weging, wegingen)


def register() -> None:
    destroy_hooks.register(forget_requests, before_purge=True)
