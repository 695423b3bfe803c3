"""No copy of a page with personal data in a browser or proxy cache (issue 13, item 9).

Pages, PDF letters, inzage packages and CSV exports for a logged-in user, and whatever the public
form answers (its page, the answer to a POST and the receipt), get ``Cache-Control: no-store``
(plus ``Pragma: no-cache`` for HTTP/1.0 caches). The API sets no-store itself
(``api.middleware``); static files keep their own caching.
"""

from django.conf import settings
from django.utils.cache import has_vary_header

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_private(request, response) -> bool:
    """True when the response may hold something about this visitor or their session."""
    if request.path.startswith(settings.STATIC_URL):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if request.method not in SAFE_METHODS:
        return True  # the answer to a POST: a form with what was typed, or a redirect to the receipt
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return True  # e.g. the receipt page, which reads its code from the session
    # A per-visitor page: it carries a CSRF token or depends on the session cookie.
    return has_vary_header(response, "Cookie")


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request, response):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
