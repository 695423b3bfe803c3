"""Settings shared by every environment. Everything can be set with MELDPUNT_* variables."""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from .env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_matching,
    env_networks,
    env_str,
    secret_key_from_file,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded database, generated data and the local secret key live.
VAR_DIR = Path(env_str("MELDPUNT_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("MELDPUNT_DEBUG", False)
SECRET_KEY = env_str("MELDPUNT_SECRET_KEY") or secret_key_from_file(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("MELDPUNT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("MELDPUNT_CSRF_TRUSTED_ORIGINS", [])
# The TLS proxies' own addresses (never a range with clients in it) whose X-Forwarded-For is believed
# (meldpunt.core.clientip, docs/adr/0020). Empty: the app is reached directly and X-Forwarded-For is
# ignored. Of that header only the last MELDPUNT_TRUSTED_PROXY_HOPS entries count: the number of
# proxies in a row in front of the app (1: one TLS proxy).
MELDPUNT_TRUSTED_PROXIES = env_networks("MELDPUNT_TRUSTED_PROXIES")
MELDPUNT_TRUSTED_PROXY_HOPS = env_int("MELDPUNT_TRUSTED_PROXY_HOPS", 1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Its `health_check` command probes the readiness endpoint (meldpunt.health, docs/adr/0027).
    "health_check",
    "meldpunt.core",
    # Before every app with records of a gemeente: its post_migrate makes the home tenant first.
    "meldpunt.tenancy",
    "meldpunt.accounts",
    "meldpunt.registries",
    "meldpunt.privacy",
    "meldpunt.intake",
    "meldpunt.protocol",
    "meldpunt.cases",
    "meldpunt.regio",
    "meldpunt.privacy.retention",
    "meldpunt.privacy.inzage",
    "meldpunt.notifications",
    "meldpunt.insight",
    "meldpunt.web",
    "meldpunt.demo",
    "meldpunt.api",
    "meldpunt.health",
    "meldpunt.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may answer early, so API refusals carry the headers too.
    "meldpunt.api.middleware.ApiSecurityHeadersMiddleware",
    # No-store on every page for a logged-in user and on the public form (outside whatever may
    # answer early, so refusals and redirects carry it too).
    "meldpunt.web.middleware.NoStoreMiddleware",
    "meldpunt.privacy.trace.TraceMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the idle time-out, which leaves a message for the login page.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "meldpunt.accounts.middleware.IdleTimeoutMiddleware",
    "meldpunt.accounts.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "meldpunt.api.middleware.ApiVersionHeaderMiddleware",
    "axes.middleware.AxesMiddleware",
    # Every refused page (403, and the 404 of a record the user may not see) is a security event.
    "meldpunt.privacy.refusals.RefusalMiddleware",
    # The policy's read answers remembered for one GET request only (policy/memo.py).
    "meldpunt.policy.memo.ReadMemoMiddleware",
]

ROOT_URLCONF = "meldpunt.urls"
WSGI_APPLICATION = "meldpunt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meldpunt.web.context_processors.navigation",
            ],
            "builtins": ["meldpunt.web.templatetags.woorden"],
        },
    },
]
# Django's widget templates, the common widgets written in Python: the same HTML, less CPU (issue 17).
FORM_RENDERER = "meldpunt.web.renderer.FastRenderer"

DATABASES = {
    "default": database_from_url(
        env_str("MELDPUNT_DATABASE_URL", f"sqlite:////{VAR_DIR / 'meldpunt.sqlite3'}"), VAR_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Sign-in with the gemeente's identity provider (OpenID Connect, mozilla-django-oidc; docs/adr/0027
# and meldpunt.accounts.oidc): on when MELDPUNT_OIDC_CLIENT_ID is set. Authorisation code flow with
# PKCE and nonce; roles from the groups claim by MELDPUNT_OIDC_ROLE_MAP ("group=role,group=role");
# the personal-data roles need a second factor in acr (MELDPUNT_OIDC_MFA_ACR) or amr.
MELDPUNT_OIDC = bool(env_str("MELDPUNT_OIDC_CLIENT_ID"))
OIDC_RP_CLIENT_ID = env_str("MELDPUNT_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("MELDPUNT_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("MELDPUNT_OIDC_AUTHORIZATION_URL")
OIDC_OP_TOKEN_ENDPOINT = env_str("MELDPUNT_OIDC_TOKEN_URL")
OIDC_OP_USER_ENDPOINT = env_str("MELDPUNT_OIDC_USERINFO_URL")
OIDC_OP_JWKS_ENDPOINT = env_str("MELDPUNT_OIDC_JWKS_URL")
MELDPUNT_OIDC_LOGOUT_URL = env_str("MELDPUNT_OIDC_LOGOUT_URL")
OIDC_RP_SIGN_ALGO = env_str("MELDPUNT_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("MELDPUNT_OIDC_SCOPES", "openid profile groups")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the logout at the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_TIMEOUT = 10
MELDPUNT_OIDC_GROUPS_CLAIM = env_str("MELDPUNT_OIDC_GROUPS_CLAIM", "groups")
MELDPUNT_OIDC_USERNAME_CLAIM = env_str("MELDPUNT_OIDC_USERNAME_CLAIM", "preferred_username")
MELDPUNT_OIDC_ROLE_MAP = env_list("MELDPUNT_OIDC_ROLE_MAP", [])
MELDPUNT_OIDC_MFA_ACR = env_list("MELDPUNT_OIDC_MFA_ACR", [])
MELDPUNT_OIDC_MFA_AMR = env_list("MELDPUNT_OIDC_MFA_AMR", ["mfa", "otp", "hwk", "swk", "sms", "fpt", "face"])
# Local passwords (with TOTP): on in the embedded default; production switches them off once OIDC is set.
MELDPUNT_LOCAL_LOGIN = env_bool("MELDPUNT_LOCAL_LOGIN", True)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if not MELDPUNT_LOCAL_LOGIN:
    AUTHENTICATION_BACKENDS = []  # the admin's login form takes no password either
if MELDPUNT_OIDC:
    AUTHENTICATION_BACKENDS.append("meldpunt.accounts.oidc.GroupRoleBackend")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Second factor: on in production (see production.py); the demo can switch it off.
MELDPUNT_REQUIRE_2FA = env_bool("MELDPUNT_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env_str("MELDPUNT_OTP_ISSUER", "Meldpunt Ondermijning")

# Lock-out after repeated failed logins (django-axes, docs/adr/0020): per user name (guessing one
# password), and per client address only when it fails with many different user names (trying
# names): MELDPUNT_LOGIN_ADDRESS_LIMIT user names within the cool-off. So one user's typos never
# block a colleague behind the same proxy. The client address comes through the trusted proxies.
AXES_FAILURE_LIMIT = env_int("MELDPUNT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("MELDPUNT_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
# ["username"], named by a function: the per-address limit is the handler's own (see there).
AXES_LOCKOUT_PARAMETERS = "meldpunt.accounts.lockout.lockout_parameters"
MELDPUNT_LOGIN_ADDRESS_LIMIT = env_int("MELDPUNT_LOGIN_ADDRESS_LIMIT", 10)
AXES_HANDLER = "meldpunt.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "meldpunt.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "meldpunt.accounts.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions: idle time-out (checked by IdleTimeoutMiddleware) and an absolute maximum.
MELDPUNT_SESSION_IDLE_SECONDS = env_int("MELDPUNT_SESSION_IDLE_SECONDS", 15 * 60)
SESSION_COOKIE_AGE = env_int("MELDPUNT_SESSION_MAX_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "nl"
# Dutch only until the English catalogue exists: with LocaleMiddleware and no translations an
# English browser got English form errors inside Dutch pages.
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the app folders so the embedded default needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# Strict CSP: no inline script or style anywhere (the templates use static files only).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused CSRF check answers in Dutch (a page, or problem+json under /api/).
CSRF_FAILURE_VIEW = "meldpunt.web.errors.csrf_failure"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Answers 401 with WWW-Authenticate (not 403) when no one is logged in.
        "meldpunt.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "meldpunt.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "meldpunt.api.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
MELDPUNT_API_VERSION = "0.1.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "Meldpunt Ondermijning API",
    "DESCRIPTION": "API van Meldpunt Ondermijning. Volgt de NL API Design Rules.",
    "VERSION": MELDPUNT_API_VERSION,
    "CONTACT": {
        "name": "Meldpunt Ondermijning",
        "email": "meldpunt@example.org",
        "url": "https://example.org/meldpunt-ondermijning",
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "SERVERS": [{"url": "/api/v1", "description": "Deze installatie"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "meldpunt.api.schema.add_design_rules_responses",
    ],
}

# The gemeente this installation works for (a CBS code, e.g. GM0479; ADR 0030 §12). It makes the
# home tenant, which from then on is the one source of truth (meldpunt.tenancy.home). Empty:
# the gemeente of the loaded CBS geography (`meldpunt setup --gemeente`, `meldpunt demo`).
MELDPUNT_GEMEENTE = env_str("MELDPUNT_GEMEENTE", "")

# Keys outside the database (see meldpunt.core.keys): Fernet key for sealed 'geen actie' signals
# and the HMAC key that pseudonymises data subjects in the processing log. Without these
# variables the embedded default keeps them in files in MELDPUNT_VAR_DIR.
MELDPUNT_ENCRYPTION_KEY = env_str("MELDPUNT_ENCRYPTION_KEY")
MELDPUNT_PSEUDONYM_KEY = env_str("MELDPUNT_PSEUDONYM_KEY")
# A regional installation (ADR 0030 §5): each gemeente added after the first has keys of its own,
# MELDPUNT_ENCRYPTION_KEY_GM0880 and MELDPUNT_PSEUDONYM_KEY_GM0880; without them, files in
# MELDPUNT_VAR_DIR/keys/GM0880/ (meldpunt.core.keys.ring).
globals().update(env_matching(r"MELDPUNT_(ENCRYPTION|PSEUDONYM)_KEY_GM\d{4}"))

# Tamper-evident logs (docs/adr/0008): the HMAC key of the hash chains lives outside the database
# too (else a file in MELDPUNT_VAR_DIR). Security-log lines are kept this many months
# (Selectielijst 19.1.24: login data 6 months); the retention job prunes older ones.
MELDPUNT_LOG_CHAIN_KEY = env_str("MELDPUNT_LOG_CHAIN_KEY")
MELDPUNT_SECURITY_LOG_MONTHS = env_int("MELDPUNT_SECURITY_LOG_MONTHS", 6)
# Processing-log lines are kept this many months (0: never pruned); the retention job prunes older
# ones from the start of the chain, with a checkpoint so the rest still verifies (ADR 0025).
MELDPUNT_PROCESSING_LOG_MONTHS = env_int("MELDPUNT_PROCESSING_LOG_MONTHS", 60)
# Logboek Dataverwerkingen (ADR 0025): the base URI of the register of processing activities (each
# version is <base>/verwerkingsactiviteiten/<code>/<version>) and the resource on every line.
MELDPUNT_LDV_REGISTER_URI = env_str("MELDPUNT_LDV_REGISTER_URI", "urn:nl:meldpunt-ondermijning:register")
MELDPUNT_LDV_RESOURCE_NAME = env_str("MELDPUNT_LDV_RESOURCE_NAME", "meldpunt-ondermijning")
# Refused access is a security event (BIO 12.4.1); at most this many lines per minute per user (or,
# without a login, per client address), then one line that sums up the rest (privacy/refusals.py).
MELDPUNT_REFUSAL_LOG_PER_MINUTE = env_int("MELDPUNT_REFUSAL_LOG_PER_MINUTE", 10)

# Destroyed data stays in database backups and the WAL archive until they expire (docs/adr/0018):
# the gemeente's backup retention must not exceed this term; the verklaring van vernietiging says so.
MELDPUNT_BACKUP_RETENTION_DAYS = env_int("MELDPUNT_BACKUP_RETENTION_DAYS", 30)

# Intake: attachments and abuse throttling of the public form.
MELDPUNT_MAX_ATTACHMENT_MB = env_int("MELDPUNT_MAX_ATTACHMENT_MB", 10)
MELDPUNT_MAX_ATTACHMENTS = env_int("MELDPUNT_MAX_ATTACHMENTS", 5)
MELDPUNT_PUBLIC_RATE = env_str("MELDPUNT_PUBLIC_RATE", "10/hour")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Registry connectors (issue 5, ADR 0014): per source "local" (the extracts) or "http" (Haal
# Centraal BRP Personen / BAG, KvK). MELDPUNT_HC_BRP=http with MELDPUNT_HC_BRP_URL and
# MELDPUNT_HC_BRP_API_KEY (and optionally MELDPUNT_HC_BRP_CERT, a PEM with certificate and key).
MELDPUNT_REGISTRIES = {
    source: {
        "implementation": env_str(f"MELDPUNT_HC_{source}", "local"),
        "url": env_str(f"MELDPUNT_HC_{source}_URL"),
        "api_key": env_str(f"MELDPUNT_HC_{source}_API_KEY"),
        "cert": env_str(f"MELDPUNT_HC_{source}_CERT"),
    }
    for source in ("BRP", "BAG", "NHR")
}
MELDPUNT_HC_TIMEOUT_SECONDS = float(env_str("MELDPUNT_HC_TIMEOUT_SECONDS", "5"))
MELDPUNT_HC_RETRIES = env_int("MELDPUNT_HC_RETRIES", 2)

# Retention and destruction (P4, docs/adr/0009): the bedenktijd between approval and execution
# of a destruction list, who may review a list (never its composer), and after how many days
# the contact details of a reporter are anonymised once the signal is closed.
MELDPUNT_DESTRUCTION_COOLING_OFF_DAYS = env_int("MELDPUNT_DESTRUCTION_COOLING_OFF_DAYS", 7)
MELDPUNT_DESTRUCTION_REVIEWER_ROLES = env_list("MELDPUNT_DESTRUCTION_REVIEWER_ROLES", ["archivaris"])
MELDPUNT_CONTACT_ANONYMISE_DAYS = env_int("MELDPUNT_CONTACT_ANONYMISE_DAYS", 365)
# How long after a casusoverleg (or the end of an intervention) its participants and uitvoerder
# still see what was released to them (PC2A/PC2B, P1); a closed casus shows them nothing.
MELDPUNT_RELEASE_VISIBLE_DAYS = env_int("MELDPUNT_RELEASE_VISIBLE_DAYS", 30)

# The throttle counters live in the cache, never in the signal. Redis in production
# (MELDPUNT_REDIS_URL); the embedded default keeps them in memory per process.
MELDPUNT_REDIS_URL = env_str("MELDPUNT_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": MELDPUNT_REDIS_URL}
        if MELDPUNT_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Jobs on a queue (meldpunt.celery, docs/adr/0028). With a broker, tasks go to Redis and run in a
# worker process; without one (the embedded default) they run at once in the calling process.
MELDPUNT_CELERY_BROKER_URL = env_str("MELDPUNT_CELERY_BROKER_URL") or MELDPUNT_REDIS_URL
CELERY_BROKER_URL = MELDPUNT_CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_RESULT_EXPIRES = None  # no result backend, so beat needs no daily clean-up task for it
CELERY_TASK_ALWAYS_EAGER = not MELDPUNT_CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Amsterdam"
# The queue the web processes send to and the workers read (a test run takes a fresh one).
CELERY_TASK_DEFAULT_QUEUE = env_str("MELDPUNT_CELERY_QUEUE", "meldpunt")
# Redis hands an unacknowledged job to another worker after this long; longer than any job runs,
# so that a long beeld run is not started a second time (the JobRun lock refuses that anyway).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 12 * 60 * 60}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A failed job is tried again this many times, after 1x, 2x, 4x … this many seconds; then the
# beheerder sees it as failed on 'Achtergrondtaken'. An active run older than the stale limit
# lost its worker and no longer blocks its job.
MELDPUNT_JOB_RETRIES = env_int("MELDPUNT_JOB_RETRIES", 3)
MELDPUNT_JOB_RETRY_SECONDS = env_int("MELDPUNT_JOB_RETRY_SECONDS", 60)
MELDPUNT_JOB_STALE_HOURS = env_int("MELDPUNT_JOB_STALE_HOURS", 12)
# Finished runs are removed by the daily retention run after this many days.
MELDPUNT_JOB_KEEP_DAYS = env_int("MELDPUNT_JOB_KEEP_DAYS", 365)
# The production schedule (`celery -A meldpunt beat`, exactly one per installation): the same
# times as the systemd timers and cron files in deploy/, which stay as the alternative.
CELERY_BEAT_SCHEDULE = {
    "bewaartermijnen": {"task": "meldpunt.retention.dagelijks", "schedule": crontab(hour=2, minute=30)},
    "ondermijningsbeeld": {"task": "meldpunt.insight.beeld_volgens_schema", "schedule": crontab(hour=3, minute=30)},
    "datasignalen": {"task": "meldpunt.intake.datasignalen",
                     "schedule": crontab(day_of_week="mon", hour=5, minute=0)},
    "interventieherinneringen": {"task": "meldpunt.cases.interventie_herinneringen",
                                 "schedule": crontab(hour=7, minute=0)},
    # Through the queue, so that the heartbeat also says the queue is read (the worker itself
    # records one at start and every 30 seconds, meldpunt.jobs.heartbeat).
    "hartslag": {"task": "meldpunt.jobs.hartslag", "schedule": 60.0},
    # Meldingen (meldpunt.notifications, docs/adr/0029): the daily signalering of waiting and late
    # work, then the digest for those who chose one mail a day, and an hourly retry of mails that
    # could not be delivered yet.
    "meldingen_signalering": {"task": "meldpunt.notifications.scan", "schedule": crontab(hour=6, minute=30)},
    "meldingen_samenvatting": {"task": "meldpunt.notifications.digest", "schedule": crontab(hour=7, minute=30)},
    "meldingen_opnieuw": {"task": "meldpunt.notifications.retry_pending", "schedule": crontab(minute=15)},
}

# Meldingen (meldpunt.notifications, docs/adr/0029): e-mail over SMTP when MELDPUNT_SMTP_HOST is set;
# the embedded default writes the mails to the console. A mail holds the kind of work, a kenmerk and
# a link to MELDPUNT_BASE_URL, never personal data.
MELDPUNT_SMTP_HOST = env_str("MELDPUNT_SMTP_HOST")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if MELDPUNT_SMTP_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = MELDPUNT_SMTP_HOST or "localhost"
EMAIL_PORT = env_int("MELDPUNT_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("MELDPUNT_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("MELDPUNT_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("MELDPUNT_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("MELDPUNT_SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("MELDPUNT_SMTP_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env_str("MELDPUNT_MAIL_FROM", "Meldpunt Ondermijning <meldpunt@localhost>")
MELDPUNT_BASE_URL = env_str("MELDPUNT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The daily signalering: a signal waiting in a queue longer than this many days, and deadlines
# (signal steps, interventions, inzageverzoeken) within this many days, make a melding.
MELDPUNT_NOTIFY_QUEUE_DAYS = env_int("MELDPUNT_NOTIFY_QUEUE_DAYS", 5)
MELDPUNT_NOTIFY_DEADLINE_DAYS = env_int("MELDPUNT_NOTIFY_DEADLINE_DAYS", 3)
# How far back the scan catches up on signals that became late while it did not run; older
# backlog is in the werkvoorraad (sorted by deadline), not in a flood of mails on the first run.
MELDPUNT_NOTIFY_CATCH_UP_DAYS = env_int("MELDPUNT_NOTIFY_CATCH_UP_DAYS", 7)
# Retention of meldingen (notifications/retention.py, ADR 0029): a melding that was read goes this
# many days after it was made; one never read stays until MELDPUNT_NOTIFY_KEEP_UNREAD_DAYS (the
# work it names is in the werkvoorraad anyway, and an endless list helps nobody).
MELDPUNT_NOTIFY_KEEP_DAYS = env_int("MELDPUNT_NOTIFY_KEEP_DAYS", 90)
MELDPUNT_NOTIFY_KEEP_UNREAD_DAYS = env_int("MELDPUNT_NOTIFY_KEEP_UNREAD_DAYS", 365)

# Health (meldpunt.health, docs/adr/0027). A worker process is expected (a queue worker that
# records a heartbeat in the shared cache): then its heartbeat must be younger than this many
# seconds. Without one (the embedded default) the worker check says "niet geconfigureerd".
MELDPUNT_WORKER_EXPECTED = env_bool("MELDPUNT_WORKER_EXPECTED", False)
MELDPUNT_WORKER_HEARTBEAT_MAX_SECONDS = env_int("MELDPUNT_WORKER_HEARTBEAT_MAX_SECONDS", 180)
# How often each worker records it (meldpunt.jobs.heartbeat); well below the limit above.
MELDPUNT_WORKER_HEARTBEAT_SECONDS = env_int("MELDPUNT_WORKER_HEARTBEAT_SECONDS", 30)

# Logs to standard error: plain text, or with MELDPUNT_LOG_FORMAT=json one JSON object per line
# for a log collector. Both pass through a filter that blanks out BSNs, e-mail addresses and phone
# numbers (meldpunt.core.logformat): the application log is no place for personal data.
MELDPUNT_LOG_FORMAT = env_str("MELDPUNT_LOG_FORMAT", "text").strip().lower()
if MELDPUNT_LOG_FORMAT not in {"text", "json"}:
    raise ValueError(f"MELDPUNT_LOG_FORMAT: kies 'text' of 'json', niet {MELDPUNT_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "meldpunt.core.logformat.NoPersonalData"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "meldpunt.core.logformat.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": MELDPUNT_LOG_FORMAT,
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("MELDPUNT_LOG_LEVEL", "WARNING")},
}
