"""The pages in a real browser (Debian Chromium via Playwright) against the live server.

For the login page and the landing page of every role:
- log in through the Dutch login form, as a person would;
- the strict Content-Security-Policy header is sent and the page has no inline script or style;
- no console errors (a CSP violation shows up as one too);
- axe-core finds no accessibility violations;
- a full-page screenshot goes to var/screenshots/<name>.png, to look at.

axe is injected as a script, which the page's own CSP forbids, so the axe step runs in a
second browser context with bypass_csp that shares the session cookie (stack.md §3.4).
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from conftest import axe_violations
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import ROLE_PROFILES, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"
WRONG_PASSWORD = "een-verkeerd-wachtwoord"
LOGIN = "/inloggen/"
LOGIN_ERROR = "Deze combinatie van gebruikersnaam en wachtwoord kennen we niet"


def log_in(page, username, password=PASSWORD):
    page.goto(LOGIN)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def assert_strict_csp(response):
    policy = response.headers.get("content-security-policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    assert directives.get("default-src") == ["'self'"], policy
    assert directives.get("script-src") == ["'self'"], policy
    assert directives.get("style-src") == ["'self'"], policy
    assert directives.get("object-src") == ["'none'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "unsafe-" not in policy, policy


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )


class Visit:
    """One browser context with the real CSP, collecting console errors."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.context = browser.new_context(base_url=base_url, locale="nl-NL", viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def check_page(self, name, response):
        """CSP header, no inline script or style, a screenshot, and no console errors."""
        assert response is not None and response.ok, response and response.status
        assert_strict_csp(response)
        assert self.page.locator("script:not([src])").count() == 0, "inline script on the page"
        assert self.page.locator("[style]").count() == 0, "inline style attribute on the page"
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert self.errors == [], f"console errors on {name}: {self.errors}"

    def axe(self, path, then=None):
        """axe-core violations on ``path`` (after ``then(page)``), with this visit's cookies."""
        checker = self.browser.new_context(
            base_url=self.base_url, bypass_csp=True, storage_state=self.context.storage_state()
        )
        try:
            page = checker.new_page()
            page.goto(path)
            if then:
                then(page)
            return axe_violations(page)
        finally:
            checker.close()


def test_login_page(visit):
    response = visit.page.goto(LOGIN)
    assert visit.page.title() == "Inloggen – Meldpunt Ondermijning"
    assert visit.page.locator("html").get_attribute("lang") == "nl"
    assert visit.page.get_by_role("heading", level=1).inner_text() == "Inloggen"
    visit.check_page("inloggen", response)
    violations = visit.axe(LOGIN)
    assert violations == [], describe(violations)


def test_login_error_message(visit):
    user = account_services.create_user("browser-fout", PASSWORD, [Role.ANALIST])
    log_in(visit.page, user.username, WRONG_PASSWORD)
    assert urlsplit(visit.page.url).path == LOGIN
    assert LOGIN_ERROR in visit.page.get_by_role("alert").inner_text()
    # The user name stays filled in, the password does not.
    assert visit.page.get_by_label("Gebruikersnaam").input_value() == user.username
    assert visit.page.get_by_label("Wachtwoord").input_value() == ""
    visit.page.screenshot(path=str(SCREENSHOTS / "inloggen-fout.png"), full_page=True)
    assert visit.errors == []

    violations = visit.axe(LOGIN, then=lambda page: log_in(page, user.username, WRONG_PASSWORD))
    assert violations == [], describe(violations)


def test_login_by_keyboard(visit):
    user = account_services.create_user("browser-toetsenbord", PASSWORD, [Role.ANALIST])
    page = visit.page
    page.goto(LOGIN)

    def focused():
        return page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.id || (e.type === 'submit' && e.textContent.trim()) || e.tagName.toLowerCase(); }"
        )

    # The skip link is the first stop: hidden until it has focus, then on screen.
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.bounding_box()["y"] < 0
    page.keyboard.press("Tab")
    assert focused() == "a" and page.evaluate("() => document.activeElement.textContent") == "Naar de inhoud"
    assert skip.bounding_box()["y"] >= 0
    # Then the header link, then the form.
    for _ in range(5):
        page.keyboard.press("Tab")
        if focused() == "id_username":
            break
    assert focused() == "id_username", "Tab does not reach the user name field"
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert focused() == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused() == "Inloggen"
    focus_ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
    )
    assert focus_ring, "the focused submit button shows no focus indicator"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == reverse("web:ondermijningsbeeld")
    assert visit.errors == []


@pytest.mark.parametrize("profile", ROLE_PROFILES, ids=lambda p: p.role.value)
def test_landing_page_of_each_role(visit, profile):
    role = profile.role.value
    user = account_services.create_user(f"browser-{role}", PASSWORD, [role])
    log_in(visit.page, user.username)
    landing = reverse(profile.landing_url_name)
    assert urlsplit(visit.page.url).path == landing
    # Open it again to get the page's own response headers (the login answered with a redirect).
    response = visit.page.goto(landing)
    page = visit.page
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("navigation", name="Hoofdmenu").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_text(f"Ingelogd als {user.username}").count() == 1
    visit.check_page(role, response)
    violations = visit.axe(landing)
    assert violations == [], describe(violations)
