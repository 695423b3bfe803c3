"""The ondermijningsbeeld pages in a real browser: strict CSP, no inline script or style, no
console errors, a screenshot each (var/screenshots/beeld-*.png) and no axe violations."""

import pytest
from django.urls import reverse

from beeld_support import beeld_dir
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.insight import services
from test_browser_pages import PASSWORD, SCREENSHOTS, Visit, describe, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

PAGES = [
    ("beeld-overzicht", "web:ondermijningsbeeld", []),
    ("beeld-vastgoed", "insight:dashboard", ["vastgoed"]),
    ("beeld-drugs", "insight:dashboard", ["drugs"]),
    ("beeld-financieel", "insight:dashboard", ["financieel"]),
    ("beeld-branches", "insight:dashboard", ["branches"]),
    ("beeld-matrix", "insight:matrix", []),
    ("beeld-fenomeen", "insight:phenomenon", ["witwassen_vastgoed"]),
    ("beeld-versies", "insight:snapshots", []),
    ("beeld-rapport", "insight:report", []),
]


@pytest.fixture
def beeld_visit(live_server, demo_reloaded, browser, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with beeld_dir(tmp_path):
        services.regenerate()
        snapshot = services.regenerate()  # the second has a diff to show
        visit = Visit(browser, live_server.url)
        user = account_services.create_user("browser-beeld", PASSWORD, [Role.ANALIST])
        log_in(visit.page, user.username)
        yield visit, snapshot
        visit.context.close()


def test_beeld_pages_are_clean_and_accessible(beeld_visit):
    visit, snapshot = beeld_visit
    pages = PAGES + [("beeld-versie", "insight:snapshot", [snapshot.version])]
    for name, url_name, args in pages:
        path = reverse(url_name, args=args)
        response = visit.page.goto(path)
        assert visit.page.get_by_role("heading", level=1).count() == 1, name
        visit.check_page(name, response)
        violations = visit.axe(path)
        assert violations == [], f"{name}: {describe(violations)}"


def test_dashboard_filter_in_the_browser(beeld_visit):
    visit, _ = beeld_visit
    page = visit.page
    page.goto(reverse("insight:dashboard", args=["branches"]))
    page.get_by_label("Op de kaart").select_option("risicobranche_vestigingen")
    with page.expect_navigation():
        page.get_by_role("button", name="Toon").click()
    assert "kaart=risicobranche_vestigingen" in page.url
    assert page.get_by_role("img", name="Kaart: Actieve vestigingen in risicobranches per buurt").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "beeld-branches-gefilterd.png"), full_page=True)
    assert visit.errors == []
