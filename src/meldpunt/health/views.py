"""The probes (public: a status and nothing else) and the beheerder's page (each check by name)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from meldpunt.web.access import page

from . import checks


def _answer(status: str, http_status: int = 200) -> JsonResponse:
    response = JsonResponse({"status": status}, status=http_status)
    add_never_cache_headers(response)
    return response


@require_safe
def leeft(request):
    """Liveness: the process answers. Touches nothing else, so a slow database never gets a web
    process restarted."""
    return _answer(checks.IN_ORDER)


@require_safe
def gereed(request):
    """Readiness: may this process get requests? 503 when a check fails."""
    if any(outcome.failed for outcome in checks.run(checks.READINESS)):
        return _answer("niet gereed", 503)
    return _answer("gereed")


@require_safe
def werker(request):
    """The worker's heartbeat, for monitoring: 503 when it is missing or too old."""
    (outcome,) = checks.run(checks.WORKER)
    return _answer(outcome.state, 503 if outcome.failed else 200)


@page("gezondheid")
def gezondheid(request):
    outcomes = checks.run(checks.READINESS) + checks.run(checks.WORKER)
    return render(request, "health/gezondheid.html", {
        "outcomes": outcomes,
        "checked_at": timezone.now(),
        "ready": not any(o.failed for o in outcomes[: len(checks.READINESS)]),
        "log_format": "JSON" if settings.MELDPUNT_LOG_FORMAT == "json" else "tekst",
    })
