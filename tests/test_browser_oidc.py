"""Sign-in with the gemeente's identity provider (issue 17 part 1): a real OpenID Connect provider
(panva/oidc-provider, pinned in tools/oidc-provider) on 127.0.0.1, and Chromium logging in through
it: with and without a mapped group, with and without a second factor in acr, and logging out at
the provider too. Every login and refusal is in the security log."""

import json
import os
import select
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from meldpunt.accounts.models import User
from meldpunt.accounts.roles import Role
from meldpunt.privacy.models import SecurityEvent, SecurityLogEntry
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_DIR = ROOT / "tools" / "oidc-provider"
SECRET = "een-geheim-van-de-testclient-0123456789"  # noqa: S105 - the test provider's own client
MFA = "urn:meldpunt:test:mfa"
ACCOUNTS = {
    "r.regisseur": {"name": "Rosa Regisseur", "groups": ["meldpunt-regisseurs"]},
    "a.analist": {"name": "Ali Analist", "groups": ["meldpunt-analisten"]},
    "g.geengroep": {"name": "Gert Geengroep", "groups": ["sport-en-recreatie"]},
}


@pytest.fixture(scope="module")
def provider(live_server):
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--prefix", str(PROVIDER_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
                       check=True, timeout=300)
    base = live_server.url
    client = {"client_id": "meldpunt", "client_secret": SECRET,
              "redirect_uris": [f"{base}/inloggen/gemeente/terug/"],
              "post_logout_redirect_uris": [f"{base}/inloggen/"]}
    env = {**os.environ, "PORT": "0", "MELDPUNT_TEST_CLIENT": json.dumps(client),
           "MELDPUNT_TEST_ACCOUNTS": json.dumps(ACCOUNTS)}
    process = subprocess.Popen(["node", str(PROVIDER_DIR / "serve.mjs")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("ready "):
        process.kill()
        pytest.fail(f"De OpenID Connect-provider start niet: {line!r}")
    yield line.split()[1]
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc_on(settings, provider):
    settings.MELDPUNT_OIDC = True
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "meldpunt", SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.MELDPUNT_OIDC_LOGOUT_URL = f"{provider}/session/end"
    settings.MELDPUNT_OIDC_ROLE_MAP = ["meldpunt-regisseurs=regisseur", "meldpunt-analisten=analist"]
    settings.MELDPUNT_OIDC_MFA_ACR = [MFA]
    settings.MELDPUNT_REQUIRE_2FA = True  # the provider's second factor stands in for TOTP
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "meldpunt.accounts.oidc.GroupRoleBackend"]
    return provider


def _context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    return context, context.new_page()


def _check(page):
    assert codes_in(visible_text(page.content())) == []
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["impact"]) for v in violations]


def _sign_in_at_provider(page, login, *, mfa):
    page.goto("/inloggen/")
    _check(page)
    with page.expect_navigation(url="**/interactie/**"):
        page.get_by_role("link", name="Inloggen met uw account van de gemeente").click()
    page.get_by_label("Account").fill(login)
    if mfa:
        page.get_by_label("Met tweede factor").check()
    with page.expect_navigation(url=lambda url: "/interactie/" not in url and "/auth" not in url):
        page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def _lines(event, username):
    return list(SecurityLogEntry.objects.filter(event=event, username=username).order_by("seq"))


def test_the_authorisation_request_carries_pkce_and_a_nonce(client, oidc_on):
    response = client.get("/inloggen/gemeente/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["nonce"][0] and query["state"][0]
    assert "groups" in query["scope"][0].split()


def test_regisseur_with_second_factor_signs_in_and_out_at_the_provider(browser, live_server, oidc_on):
    context, page = _context(browser, live_server)
    _sign_in_at_provider(page, "r.regisseur", mfa=True)
    # No TOTP step: the provider reported the second factor (acr).
    assert urlparse(page.url).path == "/werkvoorraad/", page.url
    expect(page.get_by_text("Ingelogd als")).to_be_visible()
    _check(page)
    user = User.objects.get(username="r.regisseur")
    assert user.roles == {"regisseur"} and not user.has_usable_password()
    assert _lines(SecurityEvent.LOGIN, "r.regisseur")
    assert SecurityLogEntry.objects.filter(event=SecurityEvent.ROLE_GRANTED,
                                           detail="rol regisseur voor r.regisseur in Zaanstad")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/session/end**")
    with page.expect_navigation(url="**/inloggen/"):
        page.get_by_role("button", name="Ja, afmelden").click()
    assert _lines(SecurityEvent.LOGOUT, "r.regisseur")
    # Signed out at the provider too: signing in asks for the account again.
    page.get_by_role("link", name="Inloggen met uw account van de gemeente").click()
    page.wait_for_url("**/interactie/**")
    expect(page.get_by_label("Account")).to_be_visible()
    context.close()


def test_regisseur_without_second_factor_gets_no_access(browser, live_server, oidc_on):
    context, page = _context(browser, live_server)
    _sign_in_at_provider(page, "r.regisseur", mfa=False)
    assert urlparse(page.url).path == "/inloggen/gemeente/geweigerd/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    expect(page.get_by_text("tweede factor")).to_be_visible()
    _check(page)
    assert not User.objects.filter(username="r.regisseur").exists()
    (refusal,) = _lines(SecurityEvent.LOGIN_FAILED, "r.regisseur")
    assert "zonder tweede factor" in refusal.detail
    page.goto("/werkvoorraad/")
    assert urlparse(page.url).path == "/inloggen/"
    context.close()


def test_someone_without_a_mapped_group_gets_no_access(browser, live_server, oidc_on):
    context, page = _context(browser, live_server)
    _sign_in_at_provider(page, "g.geengroep", mfa=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    expect(page.get_by_text("in geen groep die toegang geeft")).to_be_visible()
    _check(page)
    assert not User.objects.filter(username="g.geengroep").exists()
    (refusal,) = _lines(SecurityEvent.LOGIN_FAILED, "g.geengroep")
    assert "geen groep" in refusal.detail
    context.close()


def test_roles_follow_the_groups_and_the_change_is_logged(browser, live_server, oidc_on, settings):
    from meldpunt.accounts import services

    services.create_user("a.analist", None, [Role.BEOORDELAAR])  # an old local role, no longer in a group
    context, page = _context(browser, live_server)
    # The analist sees no personal data: no second factor needed.
    _sign_in_at_provider(page, "a.analist", mfa=False)
    assert urlparse(page.url).path == "/ondermijningsbeeld/", page.url
    _check(page)
    assert User.objects.get(username="a.analist").roles == {"analist"}
    assert SecurityLogEntry.objects.filter(event=SecurityEvent.ROLE_REVOKED, detail__contains="beoordelaar").exists()
    assert SecurityLogEntry.objects.filter(event=SecurityEvent.ROLE_GRANTED,
                                           detail__contains="groepen van de identiteitsprovider").exists()
    context.close()


def test_local_passwords_can_be_switched_off(client, oidc_on, settings, make_user):
    make_user(Role.ANALIST, username="lokaal")
    settings.MELDPUNT_LOCAL_LOGIN = False
    page = client.get("/inloggen/").content.decode()
    assert "Inloggen met uw account van de gemeente" in page and 'name="password"' not in page
    client.post("/inloggen/", {"username": "lokaal", "password": "een-lang-wachtwoord-voor-tests"})
    assert client.get("/ondermijningsbeeld/").status_code == 302  # still not logged in


def test_the_beheerder_sees_which_group_gives_which_role(client, oidc_on, make_user, settings):
    settings.MELDPUNT_REQUIRE_2FA = False  # a local beheerder, without the TOTP step here
    client.force_login(make_user(Role.BEHEERDER))
    page = client.get("/beheer/").content.decode()
    assert "Welke groep welke rol geeft" in page
    assert "meldpunt-regisseurs" in page and "Regisseur ondermijning" in page
    assert "meldpunt-analisten" in page and "Analist" in page
    assert "Inloggen met een eigen wachtwoord (en tweede factor) staat aan" in page
