"""Browser test (real HTTP, Chromium) of the inzageverzoek pages: the privacyfunctionaris
registers a request, searches, meets a Dutch refusal on an incomplete restriction, and the FG
looks read-only. axe on every page; screenshots in var/screenshots/inzage-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from conftest import axe_violations
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.privacy.inzage.models import AccessRequest
from test_inzage import world  # noqa: F401  (the realistic set of signals, as a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"


def _check(page, name: str) -> None:
    """No inline script or style (strict CSP), axe finds nothing, and a screenshot to look at."""
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("[style]").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"inzage-{name}.png"), full_page=True)
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"axe op {name}: {summary}"


def _log_in(browser, base_url, username):
    context = browser.new_context(base_url=base_url, bypass_csp=True, locale="nl-NL",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    return context, page, errors


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_inzage_pages_in_the_browser(live_server, demo_reloaded, browser, world):  # noqa: F811
    account_services.create_user("browser-pf", PASSWORD, [Role.PRIVACYFUNCTIONARIS])
    account_services.create_user("browser-fg", PASSWORD, [Role.FG])
    subject = world["subject"]

    context, page, errors = _log_in(browser, live_server.url, "browser-pf")
    page.goto("/inzageverzoeken/")
    assert page.get_by_role("link", name="Inzageverzoeken").count() >= 1  # in the main menu
    _check(page, "overzicht-leeg")

    page.get_by_role("link", name="Nieuw inzageverzoek registreren").click()
    page.wait_for_load_state()
    _submit(page, "Verzoek registreren")  # empty: Dutch errors, nothing stored
    assert page.get_by_role("alert").count() == 1
    assert AccessRequest.objects.count() == 0
    _check(page, "nieuw-fouten")
    page.get_by_label("Ontvangen op").fill(timezone.localdate().isoformat())
    page.get_by_label("Naam verzoeker").fill(subject.naam)
    page.get_by_label("Antwoord sturen naar").fill("Per post, adres uit de BRP")
    page.get_by_label("Identiteit gecontroleerd met").select_option("paspoort")
    page.get_by_label("Laatste vier tekens van het documentnummer").fill("X7K2")
    page.get_by_label("BSN van de betrokkene").fill(subject.bsn)
    page.get_by_label("Naam van de betrokkene").fill(subject.naam)
    page.get_by_label("Geboortedatum van de betrokkene").fill(subject.geboortedatum.isoformat())
    page.get_by_label("Adres van de betrokkene (BAG-nummeraanduiding)").fill(world["address"].pk)
    _submit(page, "Verzoek registreren")
    request = AccessRequest.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"Inzageverzoek {request.reference}"

    _submit(page, "Zoeken in signalen, casussen en log")
    assert page.get_by_text(world["signals"]["bsn"].reference).count() >= 1
    _check(page, "verzoek")

    page.get_by_role("link", name=f"Signaal {world['signals']['bsn'].reference}", exact=False).first.click()
    page.wait_for_load_state()
    assert "[afgeschermd]" in page.content()
    page.get_by_label("Geheel beperken").check()
    _submit(page, "Besluit vastleggen")
    assert "Kies de grond" in page.get_by_role("alert").inner_text()
    _check(page, "besluit-fout")
    assert errors == []
    context.close()

    context, page, errors = _log_in(browser, live_server.url, "browser-fg")
    page.goto("/toezicht/inzageverzoeken/")
    assert page.get_by_text(request.reference).count() == 1
    assert page.get_by_role("link", name="Nieuw inzageverzoek registreren").count() == 0
    _check(page, "toezicht")
    page.get_by_role("link", name=request.reference).click()
    page.wait_for_load_state()
    assert subject.bsn not in page.content()
    _check(page, "toezicht-verzoek")
    assert errors == []
    context.close()
