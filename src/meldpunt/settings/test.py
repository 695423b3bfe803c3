"""Settings for the test suite: SQLite by default, PostgreSQL with MELDPUNT_DATABASE_URL."""

import os
from pathlib import Path

# pytest-xdist (`make test` runs two workers): each worker process keeps its keys and files in a
# directory of its own (var/test/gw0, var/test/gw1), so they never write the same file. It goes back
# into the environment: a process a test starts uses that directory, or the one the test gives it.
if (_worker := os.environ.get("PYTEST_XDIST_WORKER")) and "MELDPUNT_WORKER_VAR_DIR" not in os.environ:
    os.environ["MELDPUNT_VAR_DIR"] = os.environ["MELDPUNT_WORKER_VAR_DIR"] = str(
        Path(os.environ.get("MELDPUNT_VAR_DIR") or Path.cwd() / "var") / _worker)

from .base import *  # noqa: E402, F403
from .env import database_from_url, env_str  # noqa: E402

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
