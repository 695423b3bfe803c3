from django.conf import settings


class ApiVersionHeaderMiddleware:
    """NL API Design Rules /core/version-header: every API response names the full version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.MELDPUNT_API_VERSION
        return response
