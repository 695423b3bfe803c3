"""Every URL pattern of the project with the access rules its view declares (P1).

Shared by tests/test_access_declared.py (every view declares a rule) and
tests/test_read_only_roles.py (the FG and the auditor change nothing). Both walk the live
resolver, so views that are added later are covered without touching these tests.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# Views that deliberately carry no access rule of the policy. Each is a decision about P1 (need
# to know): add a name here only with a reason, and keep the list small.
PUBLIC_VIEWS = {
    # Logging in and out, and the second factor, come before any role exists.
    "accounts:login": "inloggen: nog geen gebruiker",
    "accounts:second_factor": "tweede factor: alleen de eigen sessie (login_required)",
    "accounts:logout": "uitloggen: alleen de eigen sessie (alleen POST)",
    # Sign-in through the gemeente's identity provider (accounts.oidc): before any role exists.
    "accounts:oidc_start": "inloggen bij de identiteitsprovider: nog geen gebruiker",
    "accounts:oidc_callback": "terugkeer van de identiteitsprovider (state, nonce, PKCE)",
    "accounts:oidc_refused": "uitleg waarom inloggen via de provider is geweigerd (leest niets)",
    # The public report form and its receipt need no account (design §5a); nothing is read back.
    "intake:melden": "openbaar meldformulier",
    "intake:bedankt": "ontvangstbevestiging van het openbare formulier (alleen uit de eigen sessie)",
    # A reporter adds to a report with the receipt code; the answer is the same for every code.
    "intake:aanvullen": "openbaar formulier om een melding aan te vullen (leest niets terug)",
    "intake:aanvulling_ontvangen": "bevestiging van een aanvulling (zegt niets over de melding)",
    # `start` only redirects a logged-in user to the landing page of their first role.
    "web:start": "doorsturen naar de eigen startpagina (login_required)",
    # NL API Design Rules /core/doc-openapi: the OpenAPI document is public; it holds no data.
    "api:schema": "OpenAPI-document (openbaar volgens de NL API Design Rules)",
    "api:openapi": "OpenAPI-document (openbaar volgens de NL API Design Rules)",
    # Partners are organisations with a token, not users with roles: IsPartner checks the token,
    # and a partner reads nothing back but the kenmerk and receipt code.
    "api:partner-signalen": "partner-API: eigen token (IsPartner), leest niets terug",
    # The probes of the load balancer and monitoring (meldpunt.health): a status word, nothing else;
    # the checks by name are the beheerder's page (health:gezondheid, @page).
    "health:leeft": "liveness-probe: alleen een toestand",
    "health:gereed": "readiness-probe: alleen een toestand",
    "health:werker": "hartslag van de werker: alleen een toestand",
}
# Django's admin (every view under this namespace) has its own guard: only active is_staff
# accounts (the functional beheerder) get in, and they need the second factor in production.
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, or the route itself when the pattern has no name
    route: str  # the full route, for messages
    pattern: URLPattern
    namespace: str | None

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def dotted(self) -> str:
        target = self.view_class or self.callback
        return f"{target.__module__}.{target.__qualname__}"

    @property
    def is_drf(self) -> bool:
        from rest_framework.views import APIView

        return self.view_class is not None and issubclass(self.view_class, APIView)

    @property
    def actions(self) -> dict[str, str]:
        """For a DRF viewset route: HTTP method -> action; empty for other views."""
        return dict(getattr(self.callback, "actions", None) or {})

    def declared_rules(self) -> dict[str, tuple[str, ...]]:
        """What the view declares, per action (``"*"`` for a view without actions). An empty tuple
        means: nothing declared for that action."""
        if not self.is_drf:
            rule = getattr(self.callback, "access_rule", None)
            return {"*": (rule,) if rule else ()}
        cls = self.view_class
        by_action = getattr(cls, "access_rules_by_action", {}) or {}
        fallback = tuple(getattr(cls, "access_rules", ()) or ())
        if not fallback and getattr(cls, "access_rule", None):
            fallback = (cls.access_rule,)
        if not self.actions:
            return {"*": fallback}
        return {action: tuple(by_action.get(action) or fallback) for action in set(self.actions.values())}


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
                found.append(Route(name, route, p, namespace))

    walk(get_resolver().url_patterns, "", None)
    return found


def sample_url(route: Route, values: dict[str, list[str]] | None = None) -> str | None:
    """A URL for ``route`` with sample path values (the given ones first, e.g. a real kenmerk), or
    None when no sample fits its parameters."""
    names = list(route.pattern.pattern.regex.groupindex)
    if not route.pattern.name:
        return None if names else "/" + route.route.lstrip("^").rstrip("$")
    defaults = ["MO-2026-0000001", "CA-2026-00001", "1", "00000000-0000-0000-0000-000000000000", "GM0479",
                "WK047911", "BU04791111", "x"]
    options = [((values or {}).get(n) or []) + defaults for n in names]
    for combination in itertools.product(*options):
        try:
            return reverse(route.name, kwargs=dict(zip(names, combination, strict=True)))
        except NoReverseMatch:
            continue
    return None
