"""Lock-out after failed logins (django-axes), per user name and, for trying names, per address.

axes counts failures per user name only (AXES_LOCKOUT_PARAMETERS = ["username"]): five typos
block that one account, never a colleague behind the same proxy. An address is blocked only when
it failed with MELDPUNT_LOGIN_ADDRESS_LIMIT different user names *that are no account* within the
cool-off: someone trying names, not colleagues mistyping. A real account's failures never count
toward the address block, so ten colleagues behind one NAT who each mistype once do not lock out
the eleventh (a correct login is never refused because someone else mistyped); guessing the
password of real accounts is bounded by the per-name limit (and the second factor). The address is
the client's, through the trusted proxies (meldpunt.core.clientip, AXES_CLIENT_IP_CALLABLE), and an
IPv6 client is counted per /64 (``rate_key``). See docs/adr/0020.

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
from django.contrib.auth import get_user_model
from django.shortcuts import render

from meldpunt.core.clientip import rate_key

ACCOUNT = "account"
ADDRESS = "adres"


def names_tried_from(request) -> int:
    """How many different user names that are no account failed from this client address (its /64
    for IPv6) within the cool-off. Names of real accounts are left out: their typos are limited per
    name, and must not block colleagues who share the address."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    key = rate_key(address)
    attempts = AccessAttempt.objects.exclude(username=None)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    if ":" in key:  # an IPv6 /64: the addresses in it are compared here, not in SQL
        rows = attempts.filter(ip_address__contains=":").values_list("ip_address", "username").distinct()
        names = {username for ip, username in rows if rate_key(ip) == key}
    else:
        names = set(attempts.filter(ip_address=key).values_list("username", flat=True).distinct())
    if not names:
        return 0
    user_model = get_user_model()
    known = set(user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__in": names})
                .values_list(user_model.USERNAME_FIELD, flat=True))
    return len(names - known)


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
