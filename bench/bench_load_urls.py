"""Bench-only URLconf for bench/load.py and bench/casus.py: the app's URLs plus bare baseline views under /bench/bare/.

Each bare view reads (or writes) the same rows as the page it stands for, with plain ORM and a
JSON response: session login required, nothing else — no access policy, no processing log, no
history, no templates. Load with the same Locust mix against these gives the floor the full pages
are compared with (``mixed_p95_ms_ratio_vs_bare``). Never part of the product's URLs."""

from __future__ import annotations

import secrets

import duckdb
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from meldpunt.cases.models import Casus, CasusSignal, CasusStateChange, Intervention, ReleaseRequest
from meldpunt.insight import storage
from meldpunt.insight.models import Snapshot
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.protocol.models import StateChange, Weging
from meldpunt.urls import handler403, handler404  # noqa: F401
from meldpunt.urls import urlpatterns as app_urlpatterns

ACTIVE = ("ontvangen", "zwaarte", "bronnenonderzoek")
SIGNAL_FIELDS = ("id", "reference", "received_at", "channel", "phenomenon_id", "description", "location_text",
                 "buurt_id", "address_id", "state", "state_since", "deadline")


def _logged_in(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponse(status=403)
        return view(request, *args, **kwargs)
    return wrapped


@_logged_in
def bare_queue(request):
    rows = Signal.objects.filter(state__in=ACTIVE).order_by("deadline", "received_at").values(*SIGNAL_FIELDS)[:25]
    return JsonResponse({"count": Signal.objects.filter(state__in=ACTIVE).count(), "results": list(rows)})


@_logged_in
def bare_signal(request, reference):
    signal = Signal.objects.filter(reference=reference).values(*SIGNAL_FIELDS).first()
    if signal is None:
        return HttpResponse(status=404)
    changes = list(StateChange.objects.filter(signal_id=signal["id"]).values("transition", "target", "at"))
    wegingen = list(Weging.objects.filter(signal_id=signal["id"]).values("type", "decision", "decided_at"))
    return JsonResponse({"signal": signal, "changes": changes, "wegingen": wegingen})


@csrf_exempt
@_logged_in
def bare_weging(request, reference):
    """W1, W2A and W2B and the step, as three INSERTs and an UPDATE in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        signal = Signal.objects.select_for_update().filter(reference=reference).first()
        if signal is None:
            return HttpResponse(status=404)
        Weging.objects.bulk_create([
            Weging(signal=signal, type=kind, decision=request.POST.get(f"{prefix}_decision", "ja"),
                   reasoning=request.POST.get(f"{prefix}_reasoning", ""), purpose=request.POST.get("purpose", ""),
                   legal_basis=request.POST.get("legal_basis", ""), decided_by=request.user, role="beoordelaar",
                   decided_at=now) for kind, prefix in (("W1", "w1"), ("W2A", "w2a"), ("W2B", "w2b"))])
        Signal.objects.filter(pk=signal.pk).update(state="zwaarte", state_since=now)
    return JsonResponse({"reference": reference}, status=201)


@csrf_exempt
@_logged_in
def bare_intake(request):
    signal = Signal.objects.create(
        reference=f"BARE-{secrets.token_hex(7)}", received_at=timezone.now(), channel="intern",
        reporter_kind="medewerker", reported_by=request.user, phenomenon_id=request.POST.get("phenomenon"),
        description=request.POST.get("description", ""), location_text=request.POST.get("location_text", ""))
    return JsonResponse({"reference": signal.reference}, status=201)


@_logged_in
def bare_casus(request, reference):
    casus = Casus.objects.filter(reference=reference).values("id", "reference", "title", "state", "opened_at").first()
    if casus is None:
        return HttpResponse(status=404)
    signals = list(CasusSignal.objects.filter(casus_id=casus["id"]).values(
        "signal_id", "signal__reference", "signal__phenomenon_id", "signal__description", "signal__state"))
    subjects = list(MentionedSubject.objects.filter(signal_id__in=[s["signal_id"] for s in signals]).values(
        "kind", "name", "bsn", "kvk_nummer", "address_id"))
    interventions = list(Intervention.objects.filter(casus_id=casus["id"]).values("description", "status",
                                                                                    "deadline", "owner__username"))
    history = list(CasusStateChange.objects.filter(casus_id=casus["id"]).values("transition", "target", "at"))
    return JsonResponse({"casus": casus, "signals": signals, "subjects": subjects, "interventions": interventions,
                         "history": history})


@_logged_in
def bare_released(request):
    """What the participant view reads: the releases to this user, their casus, and the released rows
    (the casus fields, the subjects and the wegingen the approved items name)."""
    releases = list(ReleaseRequest.objects.filter(recipient=request.user, state="vrijgegeven").values(
        "casus_id", "casus__reference", "casus__title", "kind", "approved_items", "decided_at"))
    keys = {key for release in releases for key in release["approved_items"]}
    ids = {kind: [int(k.split(":", 1)[1]) for k in keys if k.startswith(f"{kind}:")]
           for kind in ("betrokkene", "weging")}
    subjects = list(MentionedSubject.objects.filter(pk__in=ids["betrokkene"]).values(
        "kind", "name", "bsn", "kvk_nummer", "address_id", "description"))
    wegingen = list(Weging.objects.filter(pk__in=ids["weging"]).values("type", "decision", "reasoning", "decided_at"))
    signals = list(CasusSignal.objects.filter(casus_id__in={r["casus_id"] for r in releases}).values(
        "signal__reference", "signal__phenomenon_id", "signal__description", "signal__location_text"))
    return JsonResponse({"releases": releases, "subjects": subjects, "wegingen": wegingen, "signals": signals})


@_logged_in
def bare_beeld(request):
    """The latest snapshot's gemeente cells straight from its Parquet file (no checksum, no charts)."""
    snap = Snapshot.objects.order_by("-version").first()
    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT * FROM read_parquet('{storage.path_of(snap)}') WHERE level = 'gemeente'"
                           ).fetchall()
    finally:
        con.close()
    return JsonResponse({"version": snap.version, "cells": [list(map(str, row)) for row in rows]})


urlpatterns = [
    *app_urlpatterns,
    path("bench/bare/werkvoorraad", bare_queue),
    path("bench/bare/signalen/<str:reference>", bare_signal),
    path("bench/bare/signalen/<str:reference>/weging", bare_weging),
    path("bench/bare/signalen", bare_intake),
    path("bench/bare/casussen/<str:reference>", bare_casus),
    path("bench/bare/beeld", bare_beeld),
    path("bench/bare/mijn-casussen", bare_released),
]
