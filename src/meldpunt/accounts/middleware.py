"""Session idle time-out and the second-factor requirement."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

IDLE_KEY = "meldpunt_last_activity"
# Set at a sign-in through the identity provider that reported a second factor (accounts.oidc).
MFA_BY_PROVIDER = "meldpunt_tweede_factor_via_provider"
# The moment of last activity is written at most this often: writing it on every request made every
# page a session UPDATE and a COMMIT (issue 17, load). The time-out may so come up to this many
# seconds early, never late.
IDLE_REFRESH_SECONDS = 30


def refresh_due(last, now: int, idle_seconds: int) -> bool:
    """Is the stored moment of last activity old enough to write again?"""
    return last is None or now - int(last) >= min(IDLE_REFRESH_SECONDS, idle_seconds // 30)


class IdleTimeoutMiddleware:
    """Log out a user who did nothing for MELDPUNT_SESSION_IDLE_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if last is not None and now - int(last) > settings.MELDPUNT_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "U bent uitgelogd omdat u een tijd niets hebt gedaan.")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if refresh_due(last, now, settings.MELDPUNT_SESSION_IDLE_SECONDS):
                request.session[IDLE_KEY] = now
        return self.get_response(request)


# Paths a user may reach before the second factor is verified.
_OPEN_PREFIXES = ("/static/", "/inloggen/", "/uitloggen", "/melden", "/api/v1/schema")


class RequireSecondFactorMiddleware:
    """With MELDPUNT_REQUIRE_2FA on, a user whose roles see personal data needs TOTP first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.MELDPUNT_REQUIRE_2FA
            and user.is_authenticated
            and user.needs_second_factor
            and not user.is_verified()
            and not request.session.get(MFA_BY_PROVIDER)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"type": "about:blank", "title": "Tweede factor vereist", "status": 403,
                     "detail": "Log in met uw tweede factor voordat u de API gebruikt."},
                    status=403, content_type="application/problem+json",
                )
            return redirect("accounts:second_factor")
        return self.get_response(request)
