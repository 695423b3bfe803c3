"""Partner organisations report through the API with a bearer token of their own.

Only the SHA-256 hash of a token is stored (``PartnerOrganisation.token_hash``); the token itself
is shown once, when it is issued (``meldpunt partner_token "Naam"``). A request with a valid
token is authenticated as ``(AnonymousUser, partner)``: a partner is not a user of the system and
reads nothing back, it can only submit signals.

A refused token is a security event (meldpunt.privacy.refusals, via the API's exception handler):
``TokenRefused`` says whether the token is unknown or was revoked, and whose it was (never the token).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from meldpunt.privacy import trace

from .models import PartnerOrganisation
from .selectors import partner_for_token, partner_holding_token

KEYWORD = "Bearer"


class TokenRefused(exceptions.AuthenticationFailed):
    """401 for the partner, with what the security log needs (``security_detail``, ``security_object``)."""

    def __init__(self, detail: str, *, security_detail: str, partner=None):
        super().__init__(detail)
        self.security_detail, self.security_object = security_detail, partner


def _refused(token: str) -> TokenRefused:
    holder = partner_holding_token(token)
    if holder is not None:
        return TokenRefused("Dit token is ongeldig of ingetrokken.", partner=holder,
                            security_detail=f"ingetrokken partnertoken van {holder.name}")
    return TokenRefused("Dit token is ongeldig of ingetrokken.", security_detail="onbekend partnertoken")


class PartnerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` of a partner organisation."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the permission then refuses with 401
        if len(parts) != 2:
            raise TokenRefused("Gebruik de header 'Authorization: Bearer <token>'.",
                               security_detail="onleesbare Authorization-header")
        try:
            token = parts[1].decode("ascii")
        except UnicodeError:
            raise TokenRefused("Dit token is ongeldig of ingetrokken.",
                               security_detail="onbekend partnertoken") from None
        partner = partner_for_token(token)
        if partner is None:
            raise _refused(token)
        # A trusted caller: its traceparent is continued, not only noted (Logboek Dataverwerkingen).
        trace.adopt(f"partner:{partner.name}")
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
