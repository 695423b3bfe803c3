"""Beheer › Bewaartermijnen in a real browser (ADR 0030 §7): the beheerder sees the gemeente's terms,
sets one of its own and goes back to the default — strict CSP, no console errors, a screenshot and
no axe violations."""

import pytest

from meldpunt.accounts import services as account_services
from meldpunt.privacy.retention.models import ResultClass
from test_browser_pages import describe, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]
PASSWORD = "een-lang-wachtwoord-voor-tests"


def test_the_beheerder_sets_and_resets_a_term(visit):
    account_services.create_user("bt-beheer", PASSWORD, ["beheerder"])
    log_in(visit.page, "bt-beheer")
    page = visit.page
    page.goto("/beheer/")
    with page.expect_navigation():
        page.get_by_role("link", name="Bewaartermijnen instellen").click()
    response = page.goto("/beheer/bewaartermijnen/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bewaartermijnen van ")
    visit.check_page("bewaartermijnen-instellen", response)
    violations = visit.axe("/beheer/bewaartermijnen/")
    assert violations == [], describe(violations)

    row = page.locator("#termijnen").get_by_role("row").filter(has_text="Signaal: niet in behandeling of geen hit")
    row.get_by_label("Termijn in maanden").fill("6")
    with page.expect_navigation():
        row.get_by_role("button", name="Opslaan").click()
    assert "geldt nu 6 maanden" in page.content()
    assert ResultClass.objects.filter(gemeente__isnull=False, code="signaal-niet-in-behandeling",
                                      term_months=6).count() == 1
    row = page.locator("#termijnen").get_by_role("row").filter(has_text="Signaal: niet in behandeling of geen hit")
    assert "(eigen keuze)" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("button", name="Terug naar de standaard").click()
    assert "volgt weer de standaardtermijn" in page.content()
    assert not ResultClass.objects.filter(gemeente__isnull=False).exists()
