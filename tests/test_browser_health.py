"""The beheerder reads the installation's health in the browser (issue 17 part 4): from Beheer to
Gezondheid, every check by name and in words; the public probes show nothing more than a status."""

import json

import pytest
from playwright.sync_api import expect

from meldpunt.accounts.roles import Role
from test_browser_cases import Person
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_beheerder_opens_the_health_page_from_beheer(browser, live_server, settings):
    settings.MELDPUNT_REDIS_URL = ""
    beheerder = Person(browser, live_server.url, "beheerder-gezondheid", [Role.BEHEERDER])
    page = beheerder.page
    beheerder.open("/beheer/", "gezondheid-beheer")
    with page.expect_navigation():
        page.get_by_role("link", name="Gezondheid").click()
    beheerder.check("gezondheid")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezondheid van de installatie")
    expect(page.get_by_text("Deze installatie is gereed")).to_be_visible()
    for name, state in (("Database", "In orde"), ("Redis", "Niet geconfigureerd"),
                        ("Sleutels buiten de database", "In orde"), ("Koppen van de logketens", "In orde"),
                        ("Hartslag van de werker", "Niet geconfigureerd")):
        row = page.get_by_role("row", name=name)
        expect(row.get_by_role("cell").first).to_have_text(state)
    assert codes_in(visible_text(page.content())) == []

    # The probe of the load balancer, from a browser without a login: a status and nothing else.
    response = beheerder.context.request.get(f"{live_server.url}/gezondheid/gereed")
    assert response.status == 200 and json.loads(response.body()) == {"status": "gereed"}
    beheerder.context.close()
