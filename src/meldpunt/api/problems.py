"""Errors as RFC 9457 problem details (application/problem+json), in Dutch. A refusal (401, 403,
404) is also a security event (meldpunt.privacy.refusals), written here for the whole API."""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from meldpunt.privacy import refusals

from .permissions import rules_for

TITLES = {
    400: "Ongeldige invoer",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Formaat niet beschikbaar",
    409: "Conflict met de huidige stand",
    415: "Mediatype niet ondersteund",
    429: "Te veel verzoeken",
    500: "Interne fout",
}

# A refused CSRF check (session-authenticated writes): DRF's text is English and names the check.
CSRF_DETAIL = ("De beveiligingscontrole (CSRF) van dit verzoek klopt niet. Stuur het kopveld X-CSRFToken mee "
               "met de waarde van de cookie csrftoken.")


def _is_csrf_failure(exc) -> bool:
    # DRF's SessionAuthentication raises a plain PermissionDenied('CSRF Failed: <reason>'), untranslated.
    return isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed")


def _flatten(detail, prefix=""):
    """Turn DRF's nested error dict into the ADR 'invalidParams' list."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        for item in detail:
            yield from _flatten(item, prefix)
    else:
        yield {"name": prefix or "nonFieldErrors", "code": getattr(detail, "code", "invalid"),
               "reason": str(detail)}


def problem_response(status_code: int, detail: str, invalid_params=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Fout"),
        "status": status_code,
        "detail": detail,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    response = Response(body, status=status_code, headers=headers)
    response.content_type = "application/problem+json"
    return response


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Dit object bestaat niet of u mag het niet zien.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = "Een of meer parameters zijn ongeldig."
        invalid = list(_flatten(exc.detail))
    else:
        detail = str(getattr(exc, "detail", "")) or TITLES.get(response.status_code, "Fout")
        invalid = None
    # By type, not by message text: DRF's messages are translated (LANGUAGE_CODE is nl). A failed
    # authentication keeps its own message (e.g. a revoked partner token says so).
    if isinstance(exc, exceptions.NotAuthenticated):
        detail = "Log in om de API te gebruiken."
    elif _is_csrf_failure(exc):
        detail = CSRF_DETAIL
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    if response.status_code in REFUSALS:
        _record_refusal(exc, context, response.status_code, detail)
    return problem_response(response.status_code, detail, invalid, headers)


REFUSALS = (401, 403, 404)


def _record_refusal(exc, context, status_code: int, detail: str) -> None:
    """One security event per refused call: who, which object, which rule (meldpunt.privacy.refusals)."""
    request = context.get("request")
    if request is None:
        return
    django_request = getattr(request, "_request", request)
    # request.user is already settled here (DRF sets an anonymous user when authentication failed).
    user = getattr(request, "_user", None)
    reason = getattr(exc, "security_detail", None) or detail
    refusals.record(django_request, status=status_code, rule=rules_for(context.get("view")), reason=reason,
                    user=user, obj=getattr(exc, "security_object", None))
