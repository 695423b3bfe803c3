"""The retention pages in a real browser: the archivaris' watchlist, composing a list, the list
under review for a second archivaris, and the FG's read-only view — strict CSP, no console
errors, a screenshot each and no axe violations."""

import pytest

from meldpunt.accounts import services as account_services
from meldpunt.privacy.retention.models import DestructionList
from test_browser_pages import (
    Visit,
    describe,
    log_in,
)
from test_retention_support import age, new_signal, niet_in_behandeling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]
PASSWORD = "een-lang-wachtwoord-voor-tests"


def test_watchlist_list_and_fg_view(visit, browser, live_server):
    staff = account_services.create_user("rb-staff", PASSWORD, ["beoordelaar", "regisseur", "teamlid"])
    signal = age(niet_in_behandeling(staff, new_signal(staff)), 400)
    age(niet_in_behandeling(staff, new_signal(staff)), 355)
    account_services.create_user("rb-archivaris", PASSWORD, ["archivaris"])
    account_services.create_user("rb-tweede", PASSWORD, ["archivaris"])
    account_services.create_user("rb-fg", PASSWORD, ["fg"])

    log_in(visit.page, "rb-archivaris")
    response = visit.page.goto("/bewaartermijnen/")
    page = visit.page
    assert page.get_by_role("heading", level=1).inner_text() == "Bewaartermijnen"
    assert page.get_by_role("cell", name=signal.reference).count() == 1
    visit.check_page("bewaartermijnen", response)
    violations = visit.axe("/bewaartermijnen/")
    assert violations == [], describe(violations)

    with page.expect_navigation():
        page.get_by_role("button", name="Lijst opstellen").click()
    destruction_list = DestructionList.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == destruction_list.name
    assert page.get_by_role("cell", name=signal.reference).count() == 1

    second = Visit(browser, live_server.url)
    try:
        log_in(second.page, "rb-tweede")
        path = f"/bewaartermijnen/lijsten/{destruction_list.pk}/"
        response = second.page.goto(path)
        assert second.page.get_by_role("button", name="Beoordeling vastleggen").count() == 1
        second.check_page("vernietigingslijst-beoordelen", response)
        violations = second.axe(path)
        assert violations == [], describe(violations)
    finally:
        second.context.close()

    fg = Visit(browser, live_server.url)
    try:
        log_in(fg.page, "rb-fg")
        response = fg.page.goto("/bewaartermijnen/inzien/")
        assert fg.page.get_by_role("button").filter(has_text="Lijst opstellen").count() == 0
        assert fg.page.get_by_role("link", name=destruction_list.name).count() == 1
        fg.check_page("bewaartermijnen-fg", response)
        violations = fg.axe("/bewaartermijnen/inzien/")
        assert violations == [], describe(violations)
    finally:
        fg.context.close()
