"""Refused access is a security event (BIO 12.4.1, design P9; docs/adr/0020).

Every refusal goes through ``record``: a page the user's role may not open or change (the
``page()`` decorator's PermissionDenied), a record the user may not see or that does not exist
(the 404 of the selectors, a guessed id), and in the API the same plus a call without a login or
with an invalid or revoked partner token (401). Pages reach it through ``RefusalMiddleware``,
the API through its exception handler (api/problems.py); both are the only places that turn
these exceptions into answers.

A line says who (the account, or the client address without one), what (the kind of object and
its id as asked for), which rule of the access policy refused, when, and from where. A crawler
cannot flood the log: per actor at most MELDPUNT_REFUSAL_LOG_PER_MINUTE lines a minute; the next
refusal in that minute writes one line that says the rest is being counted, and the first refusal
after that minute first writes "… en nog N weigeringen". The counters live in the cache, under a
keyed hash of the address (P5: no address in a cache key).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import get_exception_response
from django.http import Http404
from django.urls import get_resolver, get_urlconf

from meldpunt.core.clientip import client_ip
from meldpunt.core.keys import pseudonymise

from .models import SecurityEvent, SecurityResult

API_PREFIX = "/api/v1/"
NOT_VISIBLE = "bestaat niet of u mag het niet zien"
_PENDING_SECONDS = 24 * 3600


def _minute() -> int:
    return int(time.time() // 60)


def _actor(request, user) -> str:
    if user is not None and getattr(user, "pk", None):
        return f"gebruiker:{user.pk}"
    return f"adres:{pseudonymise('ip', client_ip(request))[:32]}"


def _count(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def _take_pending(actor: str) -> int:
    key = f"weigeringen:{actor}:samengevat"
    pending = cache.get(key) or 0
    if pending:
        cache.delete(key)
    return pending


def rule_text(rules) -> str:
    """The policy rule(s) in words: ``mijn_meldingen`` reads "mijn meldingen"."""
    if isinstance(rules, str):
        rules = (rules,)
    return ", ".join(str(rule).replace("_", " ") for rule in rules if rule)


def object_of(request) -> tuple[str, str]:
    """The kind of object asked for (the collection in the address, e.g. 'signalen') and its id(s)."""
    path = request.path
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX):]
    kind = path.strip("/").split("/", 1)[0]
    match = getattr(request, "resolver_match", None)
    ids = "/".join(str(value) for value in (match.kwargs.values() if match else ()))
    return kind[:60], ids[:60]


def record(request, *, status: int, rule="", reason: str = "", user=None, username: str = "", obj=None,
           object_type: str | None = None, object_id: str | None = None) -> None:
    """Write one line for a refusal, within the per-actor rate; ``request`` is the Django request."""
    from . import security

    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    actor = _actor(request, user)
    if obj is None and object_type is None:
        object_type, object_id = object_of(request)
    limit = max(1, settings.MELDPUNT_REFUSAL_LOG_PER_MINUTE)
    count = _count(f"weigeringen:{actor}:{_minute()}", timeout=120)
    common = {"user": user, "username": username, "request": request}
    if count > limit:
        if count == limit + 1:
            security.log_event(
                SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common,
                detail=f"meer dan {limit} weigeringen binnen een minuut: de volgende worden geteld en "
                       "samengevat, niet elk gelogd")
        _count(f"weigeringen:{actor}:samengevat", timeout=_PENDING_SECONDS)
        return
    pending = _take_pending(actor)
    if pending:
        security.log_event(SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common,
                           detail=f"… en nog {pending} weigering{'en' if pending != 1 else ''} "
                                  "(niet afzonderlijk gelogd)")
    rules = rule_text(rule)
    detail = f"HTTP {status}: {reason or NOT_VISIBLE}" + (f" (regel: {rules})" if rules else "")
    security.log_event(SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common, obj=obj,
                       object_type=object_type or "", object_id=object_id or "", detail=detail)


def _reason(exception, status: int) -> str:
    text = str(exception).strip()
    # get_object_or_404 says "No Model matches the given query." in English: say it in Dutch.
    if not text or text.endswith("matches the given query."):
        return NOT_VISIBLE if status == 404 else "geen toegang"
    return text


class RefusalMiddleware:
    """A page view that refuses (PermissionDenied or Http404) is logged as a security event, and a
    403 is answered here, so Django does not print its traceback on the console for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, Http404):
            status = 404
        else:
            return None
        user = getattr(request, "user", None)
        # Without a login a page sends to the login page; a 404 of a public page refuses no one.
        if getattr(user, "is_authenticated", False):
            match = getattr(request, "resolver_match", None)
            rule = getattr(getattr(match, "func", None), "access_rule", "")
            record(request, status=status, rule=rule, reason=_reason(exception, status), user=user)
        if status == 403:
            return get_exception_response(request, get_resolver(get_urlconf()), 403, exception)
        return None
