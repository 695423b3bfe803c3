"""Security baseline (issue 4 §5): strict CSP on pages and API, security headers and no-store on the
API, HTTPS-only cookies and HSTS in production, `check --deploy` clean with a realistic environment,
lock-out, and the second factor for every role that sees personal data (the auditor included)."""

import importlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from meldpunt.accounts.roles import PERSONAL_DATA_ROLES, PROFILE_BY_ROLE, Role

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "een-lang-wachtwoord-voor-tests"
SECOND_FACTOR = "/inloggen/tweede-factor/"


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def assert_page_csp(response):
    policy = response["Content-Security-Policy"]
    d = directives(policy)
    assert d["default-src"] == ["'self'"], policy
    assert d["script-src"] == ["'self'"], policy
    assert d["style-src"] == ["'self'"], policy
    assert d["object-src"] == ["'none'"], policy
    assert d["frame-ancestors"] == ["'none'"], policy
    assert d["base-uri"] == ["'self'"] and d["form-action"] == ["'self'"], policy
    assert "unsafe-" not in policy and "*" not in policy, policy


# Inline script or style anywhere in the HTML would need 'unsafe-inline'; the CSP forbids it, so
# the templates must not contain it (the browser tests check the rendered DOM as well).
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def assert_no_inline_code(html: str):
    for pattern, what in INLINE:
        match = pattern.search(html)
        assert match is None, f"{what}: {html[max(0, match.start() - 80):match.end() + 80]}"


# ----------------------------------------------------------------------------------- pages


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/inloggen/", "/melden/"])
def test_public_pages_have_the_strict_csp_and_no_inline_code(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_page_csp(response)
    assert_no_inline_code(response.content.decode())
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_landing_page_has_the_strict_csp_and_no_inline_code(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse(PROFILE_BY_ROLE[role].landing_url_name))
    assert response.status_code == 200
    assert_page_csp(response)
    assert_no_inline_code(response.content.decode())


@pytest.mark.django_db
def test_signal_pages_and_export_have_the_strict_csp(client, make_user):
    from meldpunt.intake.models import Signal

    client.force_login(make_user(Role.REGISSEUR))
    signal = Signal.objects.filter(state="ontvangen").order_by("id").first()
    for url in (reverse("protocol:signaal", args=[signal.reference]), reverse("intake:signaal_nieuw"),
                reverse("web:werkvoorraad") + "?text=MO"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_page_csp(response)
        assert_no_inline_code(response.content.decode())
    export = client.get(reverse("web:werkvoorraad_export"))
    assert export.status_code == 200
    assert export["Cache-Control"] == "no-store"
    assert export["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------------------------- API


def assert_api_headers(response):
    assert response["Cache-Control"] == "no-store"
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_api_answers_carry_the_security_headers(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    for url, status in [("/api/v1/ik", 200), ("/api/v1/signalen", 200), ("/api/v1/signalen/kaart", 200),
                        ("/api/v1/signalen/MO-2000-0000001", 404), ("/api/v1/imports", 405),
                        ("/api/v1/bestaat-niet", 404), ("/api/v1/openapi.json", 200)]:
        response = client.get(url)
        assert response.status_code == status, (url, response.content[:300])
        assert_api_headers(response)
    assert client.get("/api/v1/ik")["API-Version"]


@pytest.mark.django_db
def test_api_refusals_carry_the_security_headers(client, make_user, settings):
    anonymous = client.get("/api/v1/signalen")
    assert anonymous.status_code in (401, 403)
    assert_api_headers(anonymous)

    client.force_login(make_user(Role.ANALIST))
    refused = client.get("/api/v1/signalen")
    assert refused.status_code == 403
    assert_api_headers(refused)

    # Refused early by the second-factor middleware, before any view runs.
    settings.MELDPUNT_REQUIRE_2FA = True
    client.force_login(make_user(Role.BEOORDELAAR))
    early = client.get("/api/v1/signalen")
    assert early.status_code == 403
    assert early["Content-Type"] == "application/problem+json"
    assert_api_headers(early)


# ------------------------------------------------------------------------------ production


def _production_settings(monkeypatch) -> dict:
    monkeypatch.setenv("MELDPUNT_SECRET_KEY", secrets.token_urlsafe(64))
    for name in ("MELDPUNT_SSL_REDIRECT", "MELDPUNT_HSTS_SECONDS", "MELDPUNT_REQUIRE_2FA"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("meldpunt.settings.production", None)
    try:
        production = importlib.import_module("meldpunt.settings.production")
    finally:
        sys.modules.pop("meldpunt.settings.production", None)
    names = ["SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
             "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE"]
    return {name: getattr(production, name) for name in names}


@pytest.mark.unit
def test_production_is_https_only(monkeypatch):
    s = _production_settings(monkeypatch)
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and s["SECURE_HSTS_PRELOAD"] is True
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-") and s["CSRF_COOKIE_NAME"].startswith("__Host-")


@pytest.mark.django_db
def test_production_redirects_to_https_sends_hsts_and_secure_cookies(client, make_user, monkeypatch):
    production = _production_settings(monkeypatch)
    user = make_user(Role.ANALIST)
    with override_settings(**production):
        plain = client.get("/inloggen/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/inloggen/"

        # Behind the TLS proxy (X-Forwarded-Proto: https), as in production.
        response = client.post("/inloggen/", {"username": user.username, "password": PASSWORD},
                               HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 302
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        cookie = response.cookies[production["SESSION_COOKIE_NAME"]]
        assert cookie["secure"] and cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/" and not cookie["domain"]  # what the __Host- prefix demands


@pytest.mark.unit
def test_check_deploy_is_clean_with_a_realistic_environment(tmp_path):
    """Production settings as an installation sets them: own host, PostgreSQL, Redis, keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MELDPUNT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="meldpunt.settings.production", PYTHONPATH=str(ROOT / "src"),
        MELDPUNT_VAR_DIR=str(tmp_path), MELDPUNT_SECRET_KEY=secrets.token_urlsafe(64),
        MELDPUNT_ALLOWED_HOSTS="meldpunt.zaanstad.nl",
        MELDPUNT_CSRF_TRUSTED_ORIGINS="https://meldpunt.zaanstad.nl",
        MELDPUNT_DATABASE_URL="postgres://meldpunt:geheim@db.intern:5432/meldpunt",
        MELDPUNT_REDIS_URL="redis://cache.intern:6379/0",
        MELDPUNT_ENCRYPTION_KEY="x" * 44, MELDPUNT_PSEUDONYM_KEY="y" * 44,
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


# --------------------------------------------------------------------------- lock-out, 2FA


@pytest.mark.django_db
def test_admin_login_is_locked_out_too(client, make_user, settings):
    """The admin login uses the same authentication backends, so axes blocks guessing there too."""
    staff = make_user(Role.BEHEERDER)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": staff.username, "password": "fout-wachtwoord-123"})
    response = client.post(url, {"username": staff.username, "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.unit
def test_every_personal_data_role_and_the_auditor_need_the_second_factor():
    assert Role.AUDITOR in PERSONAL_DATA_ROLES and Role.FG in PERSONAL_DATA_ROLES
    assert set(Role) - PERSONAL_DATA_ROLES == {Role.ANALIST}  # aggregates only (design §2)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(PERSONAL_DATA_ROLES), ids=str)
def test_personal_data_roles_are_sent_to_the_second_factor(client, make_user, settings, role):
    settings.MELDPUNT_REQUIRE_2FA = True
    user = make_user(role)
    response = client.post("/inloggen/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == SECOND_FACTOR
    landing = client.get(reverse(PROFILE_BY_ROLE[role].landing_url_name))
    assert landing.status_code == 302 and landing["Location"] == SECOND_FACTOR
    assert client.get("/api/v1/ik").status_code == 403


@pytest.mark.django_db
def test_staff_without_a_role_is_sent_to_the_second_factor(client, make_user, settings):
    settings.MELDPUNT_REQUIRE_2FA = True
    staff = make_user()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.post("/inloggen/", {"username": staff.username, "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"] == SECOND_FACTOR


@pytest.mark.django_db
def test_the_auditor_sees_what_the_fg_sees(client, make_user):
    from meldpunt import policy

    fg_pages = {page for page, roles in policy.PAGE_ROLES.items() if Role.FG in roles}
    auditor_pages = {page for page, roles in policy.PAGE_ROLES.items() if Role.AUDITOR in roles}
    assert fg_pages == auditor_pages and "toezicht" in auditor_pages
    client.force_login(make_user(Role.AUDITOR))
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse("web:toezicht")
    assert response.status_code == 200
