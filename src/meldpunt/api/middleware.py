from django.conf import settings

API_PREFIX = "/api/"

# The API answers with JSON only, never with a page: nothing may be loaded, framed or cached.
# (OWASP REST Security: no-store for responses with personal data; a deny-all CSP for JSON.)
API_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}
API_DEFAULT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class ApiVersionHeaderMiddleware:
    """NL API Design Rules /core/version-header: every API response names the full version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["API-Version"] = settings.MELDPUNT_API_VERSION
        return response


class ApiSecurityHeadersMiddleware:
    """Security headers on every API response, refusals included. Sits right after Django's
    SecurityMiddleware, so answers that inner middleware gives early (second factor missing, idle
    session, lock-out) carry them too, and it replaces the page CSP with the deny-all one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            for name, value in API_SECURITY_HEADERS.items():
                response[name] = value
            for name, value in API_DEFAULT_HEADERS.items():
                response.setdefault(name, value)
        return response
