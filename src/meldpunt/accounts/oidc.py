"""Sign-in with the gemeente's identity provider (OpenID Connect, mozilla-django-oidc).

The provider says who someone is and which groups they are in; this module decides what that means
here: the roles come from the groups by MELDPUNT_OIDC_ROLE_MAP (shown to the beheerder), someone
without a mapped group gets no access, and the roles that see personal data need a second factor
that the provider reports in ``acr`` or ``amr`` of the ID token. Every login, refusal and role
change reaches the security log (BIO 12.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from meldpunt.core import gemeenten
from meldpunt.privacy.security import SecurityEvent, SecurityResult, log_event
from meldpunt.tenancy.models import Regio

from . import services
from .middleware import MFA_BY_PROVIDER as MFA_KEY  # noqa: F401 (the callback view sets it)
from .models import User
from .roles import PERSONAL_DATA_ROLES, REGIO_ROLES, Role

# Why the last sign-in through the provider was refused, for the Dutch page that follows.
REFUSAL_KEY = "meldpunt_oidc_geweigerd"
NO_GROUP, NO_MFA, NO_NAME = "geen_groep", "geen_tweede_factor", "geen_naam"


@dataclass(frozen=True)
class GroupRole:
    """One entry of MELDPUNT_OIDC_ROLE_MAP: ``group=role@GM0479``, ``group=analist@regio:zaanstreek``, or
    ``group=role`` (the installation's only gemeente; refused at start-up when there are several)."""

    group: str
    role: Role
    gemeente: str = ""  # CBS code; "" with regio "" = the only gemeente
    regio: str = ""

    @property
    def where(self) -> str:
        """Where the role holds, in words, for the beheerder's page."""
        if self.regio:
            regio = Regio.objects.filter(pk=self.regio).values_list("naam", flat=True).first()
            return f"regio {regio or self.regio}"
        if not self.gemeente:
            return "de gemeente van deze installatie"
        return gemeenten.names().get(self.gemeente, self.gemeente)


REGIO_PREFIX = "regio:"


def parse_entry(item: str) -> GroupRole | None:
    """An entry of the map, or None when it is not one (an unknown role, a regio for another role
    than the analist, a malformed gemeentecode): accounts.apps stops the start-up for those."""
    group, equals, target = item.partition("=")
    role, _, scope = target.strip().partition("@")
    role, scope = role.strip(), scope.strip()
    if not equals or not group.strip() or role not in Role.values:
        return None
    if scope.lower().startswith(REGIO_PREFIX):
        regio = scope[len(REGIO_PREFIX):].strip().lower()
        if not regio or role not in REGIO_ROLES:
            return None
        return GroupRole(group.strip(), Role(role), regio=regio)
    if scope and scope.upper() not in gemeenten.names():
        return None
    return GroupRole(group.strip(), Role(role), gemeente=scope.upper())


def role_map() -> list[GroupRole]:
    """MELDPUNT_OIDC_ROLE_MAP ("group=role@GM0479,..."), as the beheerder sees it; a wrong entry stops
    the start-up (accounts.apps.check_oidc_role_map)."""
    return [entry for entry in map(parse_entry, settings.MELDPUNT_OIDC_ROLE_MAP) if entry is not None]


def _in_groups(groups) -> list[GroupRole]:
    groups = set(groups if isinstance(groups, list | tuple) else [groups]) if groups else set()
    return [entry for entry in role_map() if entry.group in groups]


def roles_for(groups) -> list[str]:
    """The roles the groups give, wherever they hold (the second-factor rule asks only which)."""
    return sorted({entry.role.value for entry in _in_groups(groups)})


def grants_for(groups) -> list[tuple[str, services.Scope]]:
    """(role, where) for every entry of the groups: the user's assignments become exactly these.
    An entry without a gemeente holds in the installation's only gemeente."""
    grants = set()
    for entry in _in_groups(groups):
        scope = services.Scope(regio=entry.regio) if entry.regio else services.scope_in(entry.gemeente or None)
        grants.add((entry.role.value, scope))
    return sorted(grants, key=lambda grant: (grant[0], grant[1].gemeente, grant[1].regio))


def has_second_factor(claims: dict) -> bool:
    acr = claims.get("acr") or ""
    amr = claims.get("amr") or []
    return (acr in settings.MELDPUNT_OIDC_MFA_ACR
            or bool(set(amr if isinstance(amr, list) else [amr]) & set(settings.MELDPUNT_OIDC_MFA_AMR)))


class GroupRoleBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        # How someone signed in is the ID token's word, signed by the provider, not the userinfo's.
        claims["acr"], claims["amr"] = payload.get("acr"), payload.get("amr")
        return claims

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.MELDPUNT_OIDC_USERNAME_CLAIM))

    def filter_users_by_claims(self, claims):
        return User.objects.filter(username=claims.get(settings.MELDPUNT_OIDC_USERNAME_CLAIM, ""))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        username = str(claims.get(settings.MELDPUNT_OIDC_USERNAME_CLAIM) or "")[:150]
        if not username:
            return self._refuse(NO_NAME, "", "de identiteitsprovider gaf geen gebruikersnaam")
        roles = roles_for(claims.get(settings.MELDPUNT_OIDC_GROUPS_CLAIM))
        if not roles:
            return self._refuse(NO_GROUP, username, "identiteitsprovider: geen groep met een rol")
        mfa = has_second_factor(claims)
        if set(roles) & PERSONAL_DATA_ROLES and not mfa:
            return self._refuse(NO_MFA, username, "identiteitsprovider: rol met persoonsgegevens zonder tweede factor")
        user = self._user_with_roles(username, grants_for(claims.get(settings.MELDPUNT_OIDC_GROUPS_CLAIM)), claims)
        self.request.session.pop(REFUSAL_KEY, None)
        user.meldpunt_mfa_via_provider = mfa
        return user

    @transaction.atomic
    def _user_with_roles(self, username: str, grants: list, claims: dict) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            # No password: this account signs in at the provider only.
            user = services.create_user(username, None, [])
        held = {(a.role, services.Scope(a.gemeente_id or "", a.regio_id or "")) for a in user.role_assignments.all()}
        if held != set(grants):
            if held:
                # The grant and revocation lines come from set_all_roles; this line says why they changed.
                log_event(SecurityEvent.ROLE_GRANTED, user=user, request=self.request, obj=user,
                          detail="rollen uit de groepen van de identiteitsprovider: "
                                 f"{', '.join(sorted({role for role, _ in grants}))}")
            services.set_all_roles(user, grants)
        name = str(claims.get("name") or "")
        if name and user.first_name != name[:150]:
            user.first_name = name[:150]
            user.save(update_fields=["first_name"])
        return user

    def _refuse(self, reason: str, username: str, detail: str):
        self.request.session[REFUSAL_KEY] = reason
        self.request.meldpunt_oidc_refused = True  # no second, generic line (privacy.security)
        log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, username=username, request=self.request,
                  detail=detail)
        return None


def provider_logout_url(request) -> str:
    """Where to send the browser after our own logout: the provider's end-session endpoint with
    the ID token as hint, which returns to our login page."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.MELDPUNT_OIDC_LOGOUT_URL and id_token):
        return ""
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login"))})
    return f"{settings.MELDPUNT_OIDC_LOGOUT_URL}?{query}"


def unknown_roles_in_map() -> list[str]:
    """Entries of MELDPUNT_OIDC_ROLE_MAP that are not ``groep=rol``, ``groep=rol@GM0479`` or
    ``groep=analist@regio:code`` with an existing role (a start-up error, accounts.apps)."""
    return [item for item in settings.MELDPUNT_OIDC_ROLE_MAP if parse_entry(item) is None]


def entries_without_gemeente() -> list[str]:
    """Entries that name no gemeente: they mean the only gemeente, so they are refused once the
    installation works for several (accounts.apps)."""
    return [item for item in settings.MELDPUNT_OIDC_ROLE_MAP
            if (entry := parse_entry(item)) is not None and not entry.gemeente and not entry.regio]


def unknown_places_in_map(tenants: set[str], regios: set[str]) -> list[str]:
    """Entries whose gemeente or regio this installation does not serve."""
    return [item for item in settings.MELDPUNT_OIDC_ROLE_MAP
            if (entry := parse_entry(item)) is not None
            and ((entry.gemeente and entry.gemeente not in tenants) or (entry.regio and entry.regio not in regios))]
