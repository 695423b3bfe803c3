"""Lock-out after failed logins (django-axes), per user name and, for trying names, per address.

axes counts failures per user name only (AXES_LOCKOUT_PARAMETERS = ["username"]): five typos
block that one account, never a colleague behind the same proxy. An address is blocked only when
it failed with MELDPUNT_LOGIN_ADDRESS_LIMIT different user names within the cool-off, which is
someone trying names, not a colleague mistyping. The address is the client's, through the trusted
proxies (meldpunt.core.clientip, AXES_CLIENT_IP_CALLABLE). See docs/adr/0020.

The handler marks the request with the kind of block (``meldpunt_lockout``: "account" or
"adres"), so the page and the security log say which one applies, and with
``meldpunt_refused_while_locked`` when axes refused before the password was checked.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render

ACCOUNT = "account"
ADDRESS = "adres"


def names_tried_from(request) -> int:
    """How many different user names failed from this client address within the cool-off."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address).exclude(username=None)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.values("username").distinct().count()


def lockout_parameters(request_or_attempt=None, credentials=None) -> list[str]:
    """What axes counts failures by: the user name only. The address is limited separately, over
    distinct user names (``LockoutHandler``); a plain ["username", "ip_address"] would let five
    typos of one user block everyone behind the same address. (As a function rather than a list,
    axes' check W006, which assumes no address limit at all without "ip_address", does not apply.)"""
    return ["username"]


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        request.meldpunt_lockout = ""
        if failures >= limit:
            request.meldpunt_lockout = ACCOUNT
        elif names_tried_from(request) >= settings.MELDPUNT_LOGIN_ADDRESS_LIMIT:
            request.meldpunt_lockout = ADDRESS
            return limit
        return failures

    def is_allowed(self, request, credentials=None) -> bool:
        allowed = super().is_allowed(request, credentials)
        if not allowed:
            request.meldpunt_refused_while_locked = True
        return allowed


def lockout_response(request, original_response=None, credentials=None):
    """The page for a blocked login: the account, or (neutral, about no account) the address."""
    minutes = round((settings.AXES_COOLOFF_TIME or 0) * 60)
    template = ("accounts/locked_out_address.html" if getattr(request, "meldpunt_lockout", "") == ADDRESS
                else settings.AXES_LOCKOUT_TEMPLATE)
    return render(request, template, {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE)
