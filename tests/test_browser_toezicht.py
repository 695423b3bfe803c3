"""The FG's pages in a real browser: strict CSP, no console errors, axe-core clean, screenshots
in var/screenshots/ (toezicht*.png) to look at."""

import pytest
from django.urls import reverse

from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.privacy import log, security
from meldpunt.privacy.models import SecurityEvent, SecurityResult, SubjectType
from test_browser_pages import (
    PASSWORD,
    describe,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

BSN = "111222333"


@pytest.fixture
def fg_logged_in(visit):
    beoordelaar = account_services.create_user("browser-beoordelaar-log", PASSWORD, [Role.BEOORDELAAR])
    log.record("signaal_inzien", "signaal_beoordelen",
               [log.DataSubject(SubjectType.BSN, BSN), log.DataSubject(SubjectType.KVK, "12345678")],
               user=beoordelaar, basis="controle van de melding")
    security.log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, username="onbekend-account")
    fg = account_services.create_user("browser-fg-log", PASSWORD, [Role.FG])
    log_in(visit.page, fg.username)
    return fg


@pytest.mark.parametrize(("name", "path"), [
    ("toezicht", reverse("web:toezicht")),
    ("toezicht-verwerkingslog", reverse("privacy:verwerkingslog") + f"?nummer={BSN}&soort=bsn"),
    ("toezicht-verwerkingslog-fout", reverse("privacy:verwerkingslog") + "?nummer=123&soort=bsn"),
    ("toezicht-beveiligingslog", reverse("privacy:beveiligingslog")),
])
def test_toezicht_pages_in_the_browser(visit, fg_logged_in, name, path):
    response = visit.page.goto(path)
    assert visit.page.get_by_role("heading", level=1).count() == 1
    if name == "toezicht-verwerkingslog":
        assert visit.page.get_by_role("table").count() == 1
        assert "browser-beoordelaar-log" in visit.page.get_by_role("table").inner_text()
    if name == "toezicht-verwerkingslog-fout":
        assert visit.page.get_by_role("alert").count() == 1
    visit.check_page(name, response)
    violations = visit.axe(path)
    assert violations == [], describe(violations)
