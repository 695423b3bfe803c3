"""Settings: production passes Django's deploy checks, refuses a missing secret key; database URLs."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from meldpunt.settings.env import database_from_url, env_bool, env_list, env_networks

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MELDPUNT_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="meldpunt.settings.production", MELDPUNT_VAR_DIR=str(tmp_path),
               PYTHONPATH=str(ROOT / "src"), **extra)
    return env


def test_check_deploy_passes_without_warnings(tmp_path):
    env = _production_env(tmp_path, MELDPUNT_SECRET_KEY=secrets.token_urlsafe(64))
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output and "?: (" not in output, output


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "MELDPUNT_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", [None, "", "te-kort-" * 5])
def test_production_settings_need_a_long_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("MELDPUNT_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("MELDPUNT_SECRET_KEY", key)
    sys.modules.pop("meldpunt.settings.production", None)
    try:
        with pytest.raises(ImproperlyConfigured, match="ten minste 50 tekens"):
            importlib.import_module("meldpunt.settings.production")
    finally:
        sys.modules.pop("meldpunt.settings.production", None)


def test_production_settings_are_secure(monkeypatch):
    monkeypatch.setenv("MELDPUNT_SECRET_KEY", "x" * 50)
    monkeypatch.delenv("MELDPUNT_REQUIRE_2FA", raising=False)
    sys.modules.pop("meldpunt.settings.production", None)
    try:
        production = importlib.import_module("meldpunt.settings.production")
    finally:
        sys.modules.pop("meldpunt.settings.production", None)
    assert production.DEBUG is False
    assert production.MELDPUNT_REQUIRE_2FA is True
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_NAME.startswith("__Host-")


# --------------------------------------------------------------------- database URLs


def test_sqlite_relative_url_is_under_base_dir(tmp_path):
    config = database_from_url("sqlite:///meldpunt.sqlite3", tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "meldpunt.sqlite3")
    assert "foreign_keys=ON" in config["OPTIONS"]["init_command"]


def test_sqlite_absolute_url(tmp_path):
    config = database_from_url("sqlite:////srv/meldpunt/data%20base.sqlite3", tmp_path)
    assert config["NAME"] == "/srv/meldpunt/data base.sqlite3"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_url(scheme, tmp_path):
    config = database_from_url(f"{scheme}://meld:geheim%40%2F1@db.example.org:5433/meldpunt_prod", tmp_path)
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "meldpunt_prod",
        "USER": "meld",
        "PASSWORD": "geheim@/1",
        "HOST": "db.example.org",
        "PORT": "5433",
        "CONN_MAX_AGE": 60,
    }


def test_postgres_url_defaults(tmp_path):
    config = database_from_url("postgres://postgres@127.0.0.1", tmp_path)
    assert config["NAME"] == "meldpunt"
    assert config["USER"] == "postgres"
    assert config["PASSWORD"] == ""
    assert config["PORT"] == ""


def test_unknown_database_scheme_is_refused(tmp_path):
    with pytest.raises(ValueError, match="onbekend schema 'mysql'"):
        database_from_url("mysql://localhost/meldpunt", tmp_path)


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("MELDPUNT_X", "ja")
    assert env_bool("MELDPUNT_X", False) is True
    monkeypatch.setenv("MELDPUNT_X", "nee")
    assert env_bool("MELDPUNT_X", True) is False
    monkeypatch.setenv("MELDPUNT_X", "")
    assert env_bool("MELDPUNT_X", True) is True
    monkeypatch.setenv("MELDPUNT_X", " a.example, ,b.example ")
    assert env_list("MELDPUNT_X", []) == ["a.example", "b.example"]


def test_trusted_proxies_are_addresses_or_ranges(monkeypatch):
    monkeypatch.setenv("MELDPUNT_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12 ,2001:db8::/32")
    assert env_networks("MELDPUNT_TRUSTED_PROXIES") == ["10.0.0.1/32", "172.16.0.0/12", "2001:db8::/32"]
    monkeypatch.setenv("MELDPUNT_TRUSTED_PROXIES", "10.0.0.0/8, proxy.intern")
    with pytest.raises(ValueError, match="'proxy.intern' is geen IP-adres of CIDR-bereik"):
        env_networks("MELDPUNT_TRUSTED_PROXIES")
    monkeypatch.delenv("MELDPUNT_TRUSTED_PROXIES")
    assert env_networks("MELDPUNT_TRUSTED_PROXIES") == []


def test_trusted_proxy_hops_default_to_one_proxy(settings):
    from django.test import RequestFactory

    from meldpunt.core.clientip import client_ip

    settings.MELDPUNT_TRUSTED_PROXIES = ["10.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.10")
    assert client_ip(request) == "198.51.100.10"
    settings.MELDPUNT_TRUSTED_PROXY_HOPS = 0  # no hops: the header is not read at all
    assert client_ip(request) == "10.0.0.1"
    from meldpunt.settings import base

    assert base.MELDPUNT_TRUSTED_PROXY_HOPS == 1  # the default: one proxy in front of the app


def test_a_trusted_range_wider_than_a_24_or_64_is_warned_about_at_start_up(settings):
    from django.core import checks

    def warnings():
        return [message for message in checks.run_checks() if message.id == "meldpunt.W001"]

    settings.MELDPUNT_TRUSTED_PROXIES = ["10.0.0.1/32", "192.0.2.0/24", "2001:db8:0:1::/64"]
    assert warnings() == []
    settings.MELDPUNT_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/48"]
    found = warnings()
    assert len(found) == 2 and all(message.level == checks.WARNING for message in found)
    assert "10.0.0.0/8" in found[0].msg and "2001:db8::/48" in found[1].msg
    assert "nooit een bereik met werkplekken" in found[0].hint
