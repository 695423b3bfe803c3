"""Settings for the test suite: SQLite by default, PostgreSQL with MELDPUNT_DATABASE_URL."""

from .base import *  # noqa: F403
from .env import database_from_url, env_str

DATABASES = {
    "default": database_from_url(
        env_str("MELDPUNT_DATABASE_URL", "sqlite:///test.sqlite3"), VAR_DIR  # noqa: F405
    )
}
DATABASES["default"]["TEST"] = {"NAME": env_str("MELDPUNT_TEST_DB_NAME", "") or None}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
AXES_ENABLED = True
# The test database loads the demo municipality, Zaanstad; the home tenant is made on migrate
# (and again after every flush), so records made by a test always have their gemeente.
MELDPUNT_GEMEENTE = env_str("MELDPUNT_GEMEENTE", "GM0479")
