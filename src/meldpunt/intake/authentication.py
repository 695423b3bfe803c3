"""Partner organisations report through the API with a bearer token of their own.

Only the SHA-256 hash of a token is stored (``PartnerOrganisation.token_hash``); the token itself
is shown once, when it is issued (``meldpunt partner_token "Naam"``). A request with a valid
token is authenticated as ``(AnonymousUser, partner)``: a partner is not a user of the system and
reads nothing back, it can only submit signals.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import PartnerOrganisation

KEYWORD = "Bearer"
TOKEN_BYTES = 32


class PartnerTokenError(ValueError):
    """A token could not be issued; the message is Dutch and meant for the operator."""


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def issue_token(name: str, *, replace: bool = False) -> tuple[PartnerOrganisation, str]:
    """Create partner ``name`` with a fresh token (or, with ``replace``, give an existing partner
    a new token, which revokes the old one). Returns the partner and the token in clear text; the
    token is not stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise PartnerTokenError("Geef de naam van de partnerorganisatie.")
    if len(name) > PartnerOrganisation._meta.get_field("name").max_length:
        raise PartnerTokenError("De naam is te lang (hoogstens 200 tekens).")
    token = _new_token()
    partner = PartnerOrganisation.objects.select_for_update().filter(name=name).first()
    if partner is not None and not replace:
        raise PartnerTokenError(f"Partner '{name}' bestaat al. Gebruik --vervang voor een nieuw token.")
    if partner is None:
        partner = PartnerOrganisation.objects.create(name=name, token_hash=PartnerOrganisation.hash_token(token))
    else:
        partner.token_hash = PartnerOrganisation.hash_token(token)
        partner.active = True
        partner.save(update_fields=["token_hash", "active"])
    return partner, token


@transaction.atomic
def revoke(name: str) -> PartnerOrganisation:
    """Switch a partner's token off; its signals stay."""
    partner = PartnerOrganisation.objects.select_for_update().filter(name=(name or "").strip()).first()
    if partner is None:
        raise PartnerTokenError(f"Partner '{name}' bestaat niet.")
    partner.active = False
    partner.save(update_fields=["active"])
    return partner


def partner_for_token(token: str) -> PartnerOrganisation | None:
    """The active partner holding ``token``, or None."""
    if not token:
        return None
    partner = PartnerOrganisation.objects.filter(token_hash=PartnerOrganisation.hash_token(token)).first()
    if partner is None or not partner.active:
        return None
    return partner


class PartnerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` of a partner organisation."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the permission then refuses with 401
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Gebruik de header 'Authorization: Bearer <token>'.")
        try:
            token = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Dit token is ongeldig of ingetrokken.") from None
        partner = partner_for_token(token)
        if partner is None:
            raise exceptions.AuthenticationFailed("Dit token is ongeldig of ingetrokken.")
        return AnonymousUser(), partner

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when the token is missing or wrong.
        return f'{KEYWORD} realm="meldpunt-partner-api"'


class IsPartner(permissions.BasePermission):
    """Only a request authenticated with a partner token."""

    message = "Alleen partnerorganisaties met een geldig token mogen hier signalen aanleveren."

    def has_permission(self, request, view):
        return isinstance(request.auth, PartnerOrganisation)


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the partner token as an HTTP bearer security scheme in the OpenAPI document."""

    target_class = "meldpunt.intake.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token van de partnerorganisatie, uitgegeven met `meldpunt partner_token "
                           "\"Naam organisatie\"`. Stuur mee als `Authorization: Bearer <token>`.",
        }
