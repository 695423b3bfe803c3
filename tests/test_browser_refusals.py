"""A refused look is a security event the FG can find, in a real browser: a team member guesses the
kenmerk of a signal that is not theirs and gets "niet gevonden"; the FG opens the security log, asks
for refused access only, and reads who tried what, in words (screenshots refusals-*.png)."""

import pytest
from django.urls import reverse

from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.intake.models import Signal
from test_browser_pages import (
    PASSWORD,
    SCREENSHOTS,
    Visit,
    describe,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_the_fg_finds_a_guessed_kenmerk_in_the_security_log(visit):
    account_services.create_user("browser-raad", PASSWORD, [Role.TEAMLID])
    account_services.create_user("browser-fg-weigering", PASSWORD, [Role.FG])
    # A signal still in intake: a team member with no involvement may not read it.
    hidden = Signal.objects.filter(state="ontvangen", assigned_to__isnull=True).order_by("pk").first()
    assert hidden is not None

    guesser = Visit(visit.browser, visit.base_url)  # a browser of their own: the 404 is expected there
    try:
        log_in(guesser.page, "browser-raad")
        response = guesser.page.goto(f"/signalen/{hidden.reference}/")
        assert response.status == 404
        assert hidden.reference not in guesser.page.content()
        assert guesser.page.get_by_role("heading", level=1).inner_text() == "Pagina niet gevonden"
        guesser.page.screenshot(path=str(SCREENSHOTS / "refusals-guess.png"), full_page=True)
    finally:
        guesser.context.close()

    log_in(visit.page, "browser-fg-weigering")
    response = visit.page.goto(reverse("privacy:beveiligingslog"))
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name="Toon alleen geweigerde toegang").click()
    table = visit.page.get_by_role("table").inner_text()
    assert "Geweigerde toegang" in table and "browser-raad" in table
    assert f"signaal {hidden.reference}" in table
    assert "Ondermijningsteam-lid" in table and "signalen " not in table
    visit.check_page("refusals-fg", visit.page.goto(visit.page.url))
    violations = visit.axe(visit.page.url.replace(visit.base_url, ""))
    assert violations == [], describe(violations)
