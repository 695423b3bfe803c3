"""Errors as RFC 9457 problem details (application/problem+json), in Dutch. A refusal (401, 403,
404) is also a security event (meldpunt.privacy.refusals), written here for the whole API."""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from meldpunt.core.errors import Conflict, MeldpuntError, NotAllowed, NotFound
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


# A refused service call (meldpunt.core.errors) by class; any other MeldpuntError is bad input (400).
STATUS_BY_ERROR = ((NotAllowed, 403), (NotFound, 404), (Conflict, 409))
FIELD_ERRORS_DETAIL = "Er is niets opgeslagen: een of meer velden zijn ongeldig."


def status_of(error: MeldpuntError) -> int:
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(error, cls)), 400)


def _service_problem(exc: MeldpuntError, context) -> Response:
    """The one place a refused service call becomes problem+json. A view may name its API parameters:
    ``problem_param`` maps a service field to its API name, ``problem_field`` names the parameter a
    refusal without field errors is about (e.g. "overgang")."""
    status_code = status_of(exc)
    view = context.get("view")
    param = getattr(view, "problem_param", None) or str
    invalid = [{"name": param(name), "code": "invalid", "reason": text}
               for name, texts in exc.field_errors.items() for text in texts]
    field = getattr(view, "problem_field", "")
    if not invalid and field and status_code in (400, 409):
        invalid = [{"name": field, "code": "invalid", "reason": text} for text in exc.messages]
    detail = " ".join(exc.messages) or FIELD_ERRORS_DETAIL
    if status_code in REFUSALS:
        _record_refusal(exc, context, status_code, detail)
    return problem_response(status_code, detail, invalid or None)


def problem_exception_handler(exc, context):
    if isinstance(exc, MeldpuntError):
        return _service_problem(exc, context)
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
