"""Session login for the API that answers 401 with ``WWW-Authenticate`` when no one is logged in.

DRF answers 403 to an anonymous call when its first authentication class gives no challenge, as
its own SessionAuthentication does; RFC 9110 and the NL API Design Rules want 401 with a challenge.
"""

from drf_spectacular.authentication import SessionScheme as SpectacularSessionScheme
from rest_framework import authentication

REALM = "meldpunt-api"


class SessionAuthentication(authentication.SessionAuthentication):
    """Django's session (the login of the web application), with CSRF for changes as before."""

    def authenticate_header(self, request):
        return f'Session realm="{REALM}"'


class SessionScheme(SpectacularSessionScheme):
    """The same cookie security scheme in the OpenAPI document as DRF's own session class."""

    target_class = "meldpunt.api.authentication.SessionAuthentication"
