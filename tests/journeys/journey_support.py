"""What every journey test shares: a Journey (its name, its page counter) and a Walker per person.

A Walker is one person in their own browser context. Every page they land on is checked the same
way as the browser tests' ``Person`` (tests/test_browser_cases.py, which uses ``check_page`` from
here): strict CSP, no inline script or style, no console errors, axe without violations, a
screenshot (var/screenshots/journey-<journey>-<nn>-<name>.png), and, for journeys, no internal
code on the page (``codes_in(visible_text(...))`` from tests/test_words_not_codes.py).

The person works by clicks and form fills only: ``open`` is for where a person starts (the login
page, the public form); everything after that goes through ``follow`` (a link) and ``press`` (a
form button), which wait for the next page and check it."""

from __future__ import annotations

from pathlib import Path

from conftest import axe_violations
from meldpunt.accounts import services as account_services
from test_words_not_codes import codes_in, visible_text

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"


def check_page(page, errors: list[str], screenshot: Path, response=None) -> None:
    """The checks every browser test makes on a page it lands on."""
    if response is not None:
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-" not in csp, csp
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("[style]").count() == 0
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"axe op {screenshot.name}: {summary}"
    assert errors == [], errors


def new_context(browser, base: str):
    """A browser context like a person's: Dutch, a laptop screen. bypass_csp is only for axe's
    injected script; the CSP header itself is checked per response."""
    return browser.new_context(base_url=base, bypass_csp=True, locale="nl-NL",
                               viewport={"width": 1280, "height": 900})


class Journey:
    """One journey: its name (in screenshot names) and how many pages its people visited."""

    def __init__(self, name: str, browser, base: str):
        self.name, self.browser, self.base = name, browser, base
        self.pages = 0
        self.walkers: list[Walker] = []

    def person(self, username: str | None, roles=(), full_name: str = "", gemeenten=(), gemeente=None) -> Walker:
        """A person with ``roles`` and a full name, logged in; ``username=None`` for the public.
        ``gemeenten`` (Tenants or codes): where the roles are held, each of them (ADR 0030 §3);
        ``gemeente``: one gemeente; default the installation's only gemeente."""
        walker = Walker(self, username, list(roles), full_name, list(gemeenten) or ([gemeente] if gemeente else []))
        self.walkers.append(walker)
        return walker

    def screenshot(self, name: str) -> Path:
        self.pages += 1
        return SCREENSHOTS / f"journey-{self.name}-{self.pages:02d}-{name}.png"

    def close(self) -> None:
        for walker in self.walkers:
            walker.context.close()
        print(f"\nJOURNEY {self.name}: {self.pages} pagina's")


class Walker:
    """One person in their own browser session; every page is checked as it is opened."""

    def __init__(self, journey: Journey, username: str | None, roles: list[str], full_name: str,
                 gemeenten: list | None = None):
        self.journey = journey
        self.context = new_context(journey.browser, journey.base)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.user = None
        if username:
            first, _, last = full_name.partition(" ")
            first_gemeente, *more = gemeenten or [None]
            self.user = account_services.create_user(username, PASSWORD, roles, first_name=first, last_name=last,
                                                     gemeente=first_gemeente)
            for gemeente in more:  # before logging in: the first page already shows where they work
                for role in roles:
                    account_services.grant_role(self.user, role, gemeente=gemeente)
            self.open("/inloggen/", "inloggen")
            self.page.get_by_label("Gebruikersnaam").fill(username)
            self.page.get_by_label("Wachtwoord").fill(PASSWORD)
            self.press("Inloggen", "start")
            assert full_name in self.page.locator("header").inner_text()

    # ------------------------------------------------------------------------ moving around

    def open(self, path: str, name: str):
        """Where a person starts: typed in or from a bookmark (the login page, the public form)."""
        response = self.page.goto(path)
        assert response.ok, (path, response.status)
        self.check(name, response)

    def follow(self, link: str, name: str, *, within: str = "main", exact: bool = False, nth: int = 0):
        """Click the link called ``link`` (in the menu with ``within="nav"``) and check the page."""
        target = self.page.locator(within).get_by_role("link", name=link, exact=exact).nth(nth)
        with self.page.expect_navigation() as navigation:
            target.click()
        self.check(name, navigation.value)

    def menu(self, item: str, name: str):
        self.follow(item, name, within="nav", exact=True)

    def press(self, button: str, name: str, *, within: str = "main", exact: bool = False):
        """Press the form button called ``button`` and check the page that answers."""
        target = self.page.locator(within).get_by_role("button", name=button, exact=exact)
        with self.page.expect_navigation() as navigation:
            target.first.click()
        self.check(name, navigation.value)

    def find_in_queue(self, words: str, name: str) -> str:
        """Search the werkvoorraad for ``words`` (from the description), open the one signal
        found and return its kenmerk. Starts from the menu."""
        self.menu("Werkvoorraad", f"{name}-werkvoorraad")
        self.page.locator("main").get_by_label("Zoeken").fill(words)
        self.press("Filteren", f"{name}-gezocht")
        rows = self.page.locator("main table tbody tr")
        assert rows.count() == 1, rows.all_inner_texts()
        reference = rows.first.get_by_role("link").first.inner_text().strip()
        self.follow(reference, name, exact=True)
        self.sees(f"Signaal {reference}")
        return reference

    def check(self, name: str, response=None) -> None:
        check_page(self.page, self.errors, self.journey.screenshot(name), response)
        codes = codes_in(visible_text(self.page.content()))
        assert codes == [], f"interne codes op {self.page.url}: {codes}"

    # ----------------------------------------------------------------------- what they see

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def sees(self, *texts: str) -> None:
        text = self.main_text()
        for wanted in texts:
            assert wanted in text, f"{wanted!r} staat niet op {self.page.url}"

    def sees_row(self, row: str, *texts: str) -> None:
        """The table row that mentions ``row`` also shows each of ``texts``."""
        cells = self.page.locator("main tr", has_text=row).first.inner_text()
        for wanted in texts:
            assert wanted in cells, f"{wanted!r} staat niet in de rij {cells!r} op {self.page.url}"

    def does_not_see(self, *texts: str) -> None:
        content = self.page.content()
        for unwanted in texts:
            assert unwanted not in content, f"{unwanted!r} staat op {self.page.url}"
