"""The gemeente a person works for right now (ADR 0030 §4 and §10).

A person with roles in one gemeente never chooses. A person with roles in several chooses in the
header ("Werkt voor: Zaanstad"), or through ``?gemeente=GM0880`` in a shared link; the choice is
kept in the session. List pages read it with ``gemeente_scope``: one gemeente, or all of the
person's gemeenten after "Al mijn gemeenten". Detail pages take the gemeente from the record
(``switch_to_record``) and move the session there with a visible notice.

This is a **view filter, never a gate**: the policy still decides which rows a person may see
(``policy.granted``); the scope narrows what the policy gives to the gemeente the person works
for. A code the person holds no role in is refused like any page refusal (PermissionDenied: the
refusal middleware logs the security event, ADR 0020) and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from meldpunt import policy

from . import ownership, selectors
from .models import Tenant

SESSION_KEY = "meldpunt_gemeente"
ALL = "alle"
ALL_LABEL = "Al mijn gemeenten"
REFUSED = "U werkt niet voor deze gemeente."
_CACHE = "_meldpunt_gemeenten"


def gemeenten_of(user) -> list[Tenant]:
    """The active gemeenten where ``user`` holds any of their roles, by name."""
    if not policy.active(user) or not user.roles:
        return []
    tenants = selectors.active_tenants()
    if len(tenants) == 1:
        # An installation of one gemeente: every role is held there (ADR 0030 §3), no need to ask.
        return tenants
    codes = policy.gemeenten_with(user, user.roles)
    return [t for t in tenants if t.code in codes]


def my_gemeenten(request) -> list[Tenant]:
    """``gemeenten_of(request.user)``, asked once per request."""
    cached = getattr(request, _CACHE, None)
    if cached is None:
        cached = gemeenten_of(getattr(request, "user", None))
        setattr(request, _CACHE, cached)
    return cached


def choose(request, code: str) -> list[Tenant]:
    """Store the person's choice (a CBS code, or ``ALL``) in the session and return the scope it
    gives. A gemeente the person holds no role in is refused and leaves the session as it was."""
    mine = my_gemeenten(request)
    code = (code or "").strip()
    if code.lower() == ALL and mine:
        request.session[SESSION_KEY] = ALL
        return mine
    tenant = next((t for t in mine if t.code == code.upper()), None)
    if tenant is None or not policy.holds(request.user, request.user.roles, tenant.code):
        raise PermissionDenied(REFUSED)
    request.session[SESSION_KEY] = tenant.code
    return [tenant]


def _stored(request, mine: list[Tenant]) -> list[Tenant]:
    stored = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
    if stored == ALL:
        return mine
    chosen = [t for t in mine if t.code == stored]
    # A stored gemeente the person no longer works for falls back to the first by name.
    return chosen or mine[:1]


def gemeente_scope(request) -> list[Tenant]:
    """The gemeenten a list page shows: ``?gemeente=`` when present (checked, then stored), else
    the session's choice, else the person's first gemeente by name. Empty for a person without any."""
    mine = my_gemeenten(request)
    asked = request.GET.get("gemeente")
    if asked is not None:
        return choose(request, asked)
    return _stored(request, mine)


def current_choice(request) -> tuple[Tenant | None, bool]:
    """For the header: the chosen gemeente (None with "Al mijn gemeenten") and whether it is all.
    Reads the session only: a shared link was checked by the page that read it."""
    mine = my_gemeenten(request)
    scope = _stored(request, mine)
    if len(mine) > 1 and len(scope) > 1:
        return None, True
    return (scope[0] if scope else None), False


def codes(scope) -> list[str] | None:
    """The CBS codes of a scope, for a selector; None (no narrowing) when no scope is given."""
    if scope is None:
        return None
    return sorted(getattr(t, "pk", t) for t in scope)


def condition(scope, path: str = "gemeente") -> Q:
    """``Q(<path>__in=codes)`` for a scope; ``Q()`` (everything) when ``scope`` is None. For a
    selector that builds one condition for several models (the retention watchlist)."""
    wanted = codes(scope)
    return Q() if wanted is None else Q(**{f"{path}__in": wanted})


def limit(queryset, scope, path: str | None = None):
    """``queryset`` narrowed to the gemeenten of ``scope`` (Tenants or codes); unchanged when
    ``scope`` is None. ``path`` defaults to the model's own path in ``ownership.OWNER_PATHS``
    (several paths: a row of any of them). The one place of the current-gemeente filter: a UX
    filter, never a gate. A model without a gemeente is not narrowed."""
    if scope is None:
        return queryset
    found = (path,) if path else ownership.paths(queryset.model)
    if not found:
        return queryset
    wanted = Q()
    for each in found:
        wanted |= condition(scope, each)
    return queryset.filter(wanted)


def switch_to_record(request, gemeente) -> Tenant | None:
    """A detail page of a record of ``gemeente`` (a Tenant or its code): the page works for the
    record's gemeente, never the session's. When the person works for several and had chosen
    another one, the session moves to the record's gemeente with a notice. Returns the Tenant
    when its name belongs in the title block (the person works for several), else None."""
    mine = my_gemeenten(request)
    code = getattr(gemeente, "pk", gemeente)
    tenant = next((t for t in mine if t.code == code), None)
    if tenant is None or len(mine) < 2:
        return None
    request.record_gemeente = tenant
    stored = request.session.get(SESSION_KEY, "")
    current = stored if stored == ALL or any(t.code == stored for t in mine) else mine[0].code
    if current not in (ALL, tenant.code):
        request.session[SESSION_KEY] = tenant.code
        messages.info(request, f"U werkt nu voor {tenant.naam}.")
    return tenant
