"""Production settings: secure by default, everything else from MELDPUNT_* variables."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("MELDPUNT_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Zet MELDPUNT_SECRET_KEY op een geheime sleutel van ten minste 50 tekens.")

MELDPUNT_REQUIRE_2FA = env_bool("MELDPUNT_REQUIRE_2FA", True)
# Once the identity provider is set, local passwords are off unless switched on explicitly.
MELDPUNT_LOCAL_LOGIN = env_bool("MELDPUNT_LOCAL_LOGIN", not MELDPUNT_OIDC)  # noqa: F405
if not MELDPUNT_LOCAL_LOGIN:
    AUTHENTICATION_BACKENDS = [b for b in AUTHENTICATION_BACKENDS if b.startswith("meldpunt.")]  # noqa: F405

# HTTPS only (BIO 13.1, NCSC TLS guidelines). Behind a TLS-terminating proxy that sets
# X-Forwarded-Proto; a proxy that already redirects may switch the redirect off.
SECURE_SSL_REDIRECT = env_bool("MELDPUNT_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's and process manager's probes (meldpunt.health) may ask over plain HTTP on
# the internal network; they get a status, never a redirect. Nothing else is exempt.
SECURE_REDIRECT_EXEMPT = [r"^gezondheid/(leeft|gereed|werker)$"]
# HSTS for a year, subdomains included. The `preload` directive only makes the host *eligible*
# for the browsers' preload list; nothing is preloaded until the domain owner submits it at
# hstspreload.org, a conscious act for the whole registrable domain (ADR 0011). So the directive
# is sent (and `check --deploy` stays clean) and submitting is left to the gemeente.
SECURE_HSTS_SECONDS = env_int("MELDPUNT_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies: only over HTTPS, never readable by script, bound to this host (__Host- prefix).
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
