"""The network view of a casus in a real browser (Chromium via Playwright): strict CSP, no inline
script or style, no console errors, axe clean; the screenshot goes to
var/screenshots/casus-netwerk.png to look at."""

from pathlib import Path

import pytest
from django.urls import reverse

from conftest import axe_violations
from test_network import build_casus_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"


def test_network_page(live_server, demo_reloaded, browser, make_user):
    regie = make_user("regisseur", "teamlid", "beoordelaar", username="regie-netwerk")
    w = build_casus_network(regie)
    # bypass_csp only for axe's injected script; the CSP header itself is checked on the response.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL",
                                  viewport={"width": 1280, "height": 900})
    errors = []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/inloggen/")
        page.fill("#id_username", regie.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").last.click()

        response = page.goto(reverse("cases:netwerk", args=[w["casus"].reference]))
        assert response.ok
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-" not in csp, csp
        assert page.locator("script:not([src])").count() == 0
        assert page.locator("[style]").count() == 0
        svg = page.get_by_role("img", name=f"Netwerk van casus {w['casus'].reference}")
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["width"] > 400 and box["height"] > 300
        assert page.locator("svg text", has_text="Dirk Directeur").count() == 1
        assert page.get_by_role("table").count() == 2
        assert page.get_by_role("link", name="Exporteren als GEXF (Gephi)").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "casus-netwerk.png"), full_page=True)
        violations = axe_violations(page)
        summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert violations == [], summary
        assert errors == [], errors
    finally:
        context.close()
