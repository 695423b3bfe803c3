from django.http import JsonResponse
from django.shortcuts import render

from meldpunt.api.problems import CSRF_DETAIL


def _api(request, status, title, detail):
    return JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status=status, content_type="application/problem+json")


def forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        return _api(request, 403, "Geen toegang", "U mag dit niet zien.")
    return render(request, "web/error.html", {"title": "Geen toegang",
                  "text": "Uw rol geeft geen toegang tot deze pagina."}, status=403)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return _api(request, 404, "Niet gevonden", "Dit adres bestaat niet in de API.")
    return render(request, "web/error.html", {"title": "Pagina niet gevonden",
                  "text": "Deze pagina bestaat niet (meer)."}, status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own text is English and technical. The reason stays out of
    the answer (it tells an attacker which check failed)."""
    if request.path.startswith("/api/"):
        return _api(request, 403, "Geen toegang", CSRF_DETAIL)
    return render(request, "web/csrf_failure.html", status=403)
