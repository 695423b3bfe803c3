"""Refused access is a security event (BIO 12.4.1, design P9; docs/adr/0020).

Every refusal goes through ``record``: a page the user's role may not open or change (the
``page()`` decorator's PermissionDenied), a record the user may not see or that does not exist
(the 404 of the selectors, a guessed id), and in the API the same plus a call without a login or
with an invalid or revoked partner token (401). Pages reach it through ``RefusalMiddleware``,
the API through its exception handler (api/problems.py); both are the only places that turn
these exceptions into answers.

A line says who (the account, or the client address without one), what (the kind of object and
its id as asked for), which rule of the access policy refused, when, and from where. The id comes
from the address the user typed, so it is logged only when it has the form of an id of that kind
(a kenmerk such as ZA-2026-0000012, CA-2026-00001, IV-ZA-2026-00001, or a small number); anything
else — a BSN typed into the address, a name — is logged as "ongeldig kenmerk" (the security log is
kept for six months and is no place for personal data).

A crawler cannot flood the log: per actor at most MELDPUNT_REFUSAL_LOG_PER_MINUTE lines a minute;
the next refusal in that minute writes one line that says the rest is being counted. The count is
written as "… en nog N weigeringen" once that minute is over: by the actor's own next refusal, by
the first refusal of anyone in a later minute, or at the latest by the daily retention job
(``flush_pending_refusals``). The counters live in the cache, under a keyed hash of the address
(P5: no address in a cache key).
"""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import get_exception_response
from django.http import Http404
from django.urls import get_resolver, get_urlconf

from meldpunt import policy
from meldpunt.core.clientip import client_ip, rate_key
from meldpunt.core.keys import pseudonymise
from meldpunt.tenancy.ownership import UnknownOwner, gemeente_code_of

from . import security
from .models import SecurityEvent, SecurityResult

API_PREFIX = "/api/v1/"
NOT_VISIBLE = "bestaat niet of u mag het niet zien"
INVALID_ID = "ongeldig kenmerk"
# Long enough for the daily retention job to find a count that no later refusal wrote.
_PENDING_SECONDS = 3 * 24 * 3600
_OPEN = "weigeringen:open"  # actors with a count that is not yet written: {actor: who and since when}

# What an id in the address may look like, per kind of object (the collection in the address); a
# kind not listed takes only a small number (a primary key). At most seven digits: a BSN has nine.
_SMALL_NUMBER = r"[0-9]{1,7}"
_KENMERK = {
    # ADR 0030 §7: a gemeente's prefix (ZA-2026-0000123); MO- for kenmerken from before.
    "signalen": r"[A-Z]{2}[A-Z0-9]{0,2}-[0-9]{4}-[0-9]{7,10}",
    "casussen": r"CA-[0-9]{4}-[0-9]{5,10}",
    "inzageverzoeken": r"IV-(?:[A-Z]{2}[A-Z0-9]{0,2}-)?[0-9]{4}-[0-9]{5,10}",
}
_KIND = re.compile(r"[a-z][a-z0-9-]{0,59}")

# The records whose refusal another gemeente's FG must see (ADR 0030 §6): the collection in the
# address -> the model (by label: the apps above privacy are not imported) and the field the id is.
_OWNED = {
    "signalen": ("intake.Signal", "reference"),
    "casussen": ("cases.Casus", "reference"),
    "inzageverzoeken": ("inzage.AccessRequest", "reference"),
    "casusoverleggen": ("cases.Meeting", "pk"),
}
ELSEWHERE = "gevraagd door iemand zonder rol in deze gemeente"


def _minute() -> int:
    return int(time.time() // 60)


def _actor(request, user) -> str:
    if user is not None and getattr(user, "pk", None):
        return f"gebruiker:{user.pk}"
    return f"adres:{pseudonymise('ip', rate_key(client_ip(request)))[:32]}"


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


def _summary(pending: int) -> str:
    return f"… en nog {pending} weigering{'en' if pending != 1 else ''} (niet afzonderlijk gelogd)"


def _open_burst(actor: str, user, username: str, request) -> None:
    """Remember who is being counted, so the count can be written after the minute without them."""
    meta = getattr(request, "META", {})
    bursts = cache.get(_OPEN) or {}
    bursts[actor] = {"user": getattr(user, "pk", None), "username": username, "minute": _minute(),
                     "ip": client_ip(request), "agent": meta.get("HTTP_USER_AGENT", "")[:200]}
    cache.set(_OPEN, bursts, timeout=_PENDING_SECONDS)


def flush_pending_refusals() -> int:
    """Write "… en nog N weigeringen" for every actor whose counted minute is over; the number of
    lines written. Called by the first refusal in each minute and by the daily retention job, so
    a count is written even when the crawler never comes back."""
    bursts = cache.get(_OPEN) or {}
    now = _minute()
    done = [actor for actor, burst in bursts.items() if burst.get("minute", 0) < now]
    if not done:
        return 0
    written = 0
    for actor in done:
        burst = bursts.pop(actor)
        pending = _take_pending(actor)
        if not pending:
            continue  # the actor's own next refusal wrote it already
        user = get_user_model()._default_manager.filter(pk=burst.get("user")).first() if burst.get("user") else None
        # Where the counted refusals came from, not the request (if any) that happens to write the line.
        origin = SimpleNamespace(META={"REMOTE_ADDR": burst.get("ip", ""), "HTTP_USER_AGENT": burst.get("agent", "")})
        security.log_event(SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, user=user,
                           username=burst.get("username", ""), request=origin, detail=_summary(pending))
        written += 1
    remaining = cache.get(_OPEN) or {}
    for actor in done:
        if remaining.get(actor, {}).get("minute", 0) < now:
            remaining.pop(actor, None)
    if remaining:
        cache.set(_OPEN, remaining, timeout=_PENDING_SECONDS)
    else:
        cache.delete(_OPEN)
    return written


def rule_text(rules) -> str:
    """The policy rule(s) in words: ``mijn_meldingen`` reads "mijn meldingen"."""
    if isinstance(rules, str):
        rules = (rules,)
    return ", ".join(str(rule).replace("_", " ") for rule in rules if rule)


def valid_id(kind: str, value) -> bool:
    """Whether an id from the address has the form of an id of that kind (not a BSN, not a name)."""
    pattern = _SMALL_NUMBER if kind not in _KENMERK else f"{_KENMERK[kind]}|{_SMALL_NUMBER}"
    return re.fullmatch(pattern, str(value)) is not None


def object_of(request) -> tuple[str, str]:
    """The kind of object asked for (the collection in the address, e.g. 'signalen') and its id(s);
    an id that has not the form of an id of that kind is "ongeldig kenmerk" (it could be a BSN)."""
    path = request.path
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX):]
    kind = path.strip("/").split("/", 1)[0]
    if kind and not _KIND.fullmatch(kind):
        kind = "onbekend"
    match = getattr(request, "resolver_match", None)
    values = match.kwargs.values() if match else ()
    ids = "/".join(str(value) if valid_id(kind, value) else INVALID_ID for value in values)
    return kind[:60], ids[:60]


def _owner_elsewhere(kind: str, object_id: str, user) -> str:
    """The gemeente (CBS code) of the record asked for, when it exists in a gemeente where ``user``
    holds no role: that gemeente's FG must see the probe. "" otherwise (no such record, or a refusal
    within the user's own gemeente, which the line the installation sees covers already)."""
    target = _OWNED.get(kind)
    first = (object_id or "").split("/", 1)[0]
    if target is None or not first or first == INVALID_ID or user is None:
        return ""
    label, field = target
    try:
        model = apps.get_model(label)
    except LookupError:
        return ""
    if field == "pk" and not first.isdigit():
        return ""
    obj = model._default_manager.filter(**{field: first}).first()
    if obj is None:
        return ""
    try:
        code = gemeente_code_of(obj) or ""
    except UnknownOwner:
        return ""
    return "" if policy.holds(user, user.roles, code) else code


def record(request, *, status: int, rule="", reason: str = "", user=None, username: str = "", obj=None,
           object_type: str | None = None, object_id: str | None = None) -> None:
    """Write one line for a refusal, within the per-actor rate; ``request`` is the Django request."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    actor = _actor(request, user)
    if obj is None and object_type is None:
        object_type, object_id = object_of(request)
    limit = max(1, settings.MELDPUNT_REFUSAL_LOG_PER_MINUTE)
    minute = _minute()
    if cache.add(f"weigeringen:nagelopen:{minute}", 1, timeout=120):
        flush_pending_refusals()  # the first refusal of anyone this minute writes the counts of earlier ones
    count = _count(f"weigeringen:{actor}:{minute}", timeout=120)
    common = {"user": user, "username": username, "request": request}
    if count > limit:
        if count == limit + 1:
            security.log_event(
                SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common,
                detail=f"meer dan {limit} weigeringen binnen een minuut: de volgende worden geteld en "
                       "samengevat, niet elk gelogd")
            _open_burst(actor, user, username, request)
        _count(f"weigeringen:{actor}:samengevat", timeout=_PENDING_SECONDS)
        return
    pending = _take_pending(actor)
    if pending:
        security.log_event(SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common,
                           detail=_summary(pending))
    rules = rule_text(rule)
    detail = f"HTTP {status}: {reason or NOT_VISIBLE}" + (f" (regel: {rules})" if rules else "")
    security.log_event(SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common, obj=obj,
                       object_type=object_type or "", object_id=object_id or "", detail=detail)
    # The line above is the installation's (every FG, the asker's own included, reads it; it is the
    # same whether or not the record exists). A record of another gemeente: its FG sees the probe too.
    elsewhere = _owner_elsewhere(object_type or "", object_id or "", user) if obj is None else ""
    if elsewhere:
        security.log_event(SecurityEvent.ACCESS_DENIED, SecurityResult.FAILURE, **common,
                           object_type=object_type or "", object_id=object_id or "",
                           detail=f"{detail}; {ELSEWHERE}", gemeente=elsewhere)


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
