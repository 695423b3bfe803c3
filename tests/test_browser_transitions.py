"""Step pages in a real browser (Chromium via Playwright), issue 12 part 1: a regisseur takes a
signal in bronnenonderzoek into an existing casus from the signal page (the error of an empty
motivering stands at its field; the weging form starts from the signal's earlier purpose), and a
beoordelaar sees on stap 1 why a signal without a place cannot go on to stap 2 while 'niet in
behandeling' stays possible. No JavaScript needed for either. Every page: strict CSP, no inline
script/style, no console errors, axe clean, no internal code, screenshot in
var/screenshots/stap-*.png."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.intake import services as intake_services
from meldpunt.protocol import services as protocol_services
from test_browser_bronnenonderzoek import COMMON, _signal
from test_browser_cases import SCREENSHOTS, Person
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


class Stepper(Person):
    """A Person whose screenshots are named stap-*.png, and whose pages show no internal code."""

    def check(self, name: str, response=None) -> None:
        original = SCREENSHOTS / f"casus-{name}.png"
        super().check(name, response)
        original.rename(SCREENSHOTS / f"stap-{name}.png")
        assert codes_in(visible_text(self.page.content())) == []


def test_a_signal_joins_an_existing_casus_from_its_page(live_server, browser, demo_reloaded):
    from meldpunt.accounts import services as account_services

    walker = account_services.create_user("walker-stap", "een-lang-wachtwoord-voor-tests",
                                          ["beoordelaar", "teamlid"])
    base = live_server.url
    regie = Stepper(browser, base, "regie-stap", ["regisseur"])
    regisseur = get_user_model().objects.get(username="regie-stap")
    first = _signal(walker)
    protocol_services.decide(regisseur, first, [protocol_services.WegingInput(
        "W4", "casus", "De hits bevestigen het signaal.", **COMMON)], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=first)
    signal = _signal(walker)
    page = regie.page

    regie.open(f"/signalen/{signal.reference}/", "signaal")
    with page.expect_navigation():
        page.get_by_role("link", name="Koppelen aan een bestaande casus").click()
    regie.check("koppelen")
    expect(page.get_by_label("Doel van de verwerking")).to_have_value(COMMON["purpose"])  # what the signal has

    # Without a motivering: the error stands at the field and nothing changes.
    page.get_by_label("Casus", exact=True).select_option(str(casus.pk))
    regie.submit(page.get_by_role("button", name="Koppelen"))
    expect(page.locator("#id_reasoning-fout")).to_have_text("Motiveer het besluit: de motivering is verplicht.")
    regie.check("koppelen-fout")
    assert not CasusSignal.objects.filter(signal=signal).exists()

    page.get_by_label("Motivering weging 4").fill("Zelfde loods, zelfde huurder: hoort bij deze casus.")
    regie.submit(page.get_by_role("button", name="Koppelen"))
    assert page.url == f"{base}/casussen/{casus.reference}/"
    expect(page.locator("main")).to_contain_text(f"Signaal {signal.reference} hoort nu bij casus {casus.reference}.")
    regie.check("gekoppeld")
    assert CasusSignal.objects.filter(signal=signal, casus=casus).exists()


def test_stap_1_says_why_a_signal_cannot_go_on(live_server, browser, demo_reloaded):
    beoordelaar = Stepper(browser, live_server.url, "beoordelaar-stap", ["beoordelaar"])
    signal = intake_services.create_signal(intake_services.SignalInput(
        channel="intern", reporter_kind="medewerker", description="Ergens in de stad, plek onbekend.",
        location_text="ergens", phenomenon="hennepteelt_drugs"))
    page = beoordelaar.page
    beoordelaar.open(f"/signalen/{signal.reference}/", "intake")
    with page.expect_navigation():
        page.get_by_role("link", name="Stap 1").click()
    beoordelaar.check("stap1-kan-nog-niet")
    box = page.locator("#kan-nog-niet")
    expect(box).to_contain_text("Doorzetten naar bepalen zwaarte (stap 2) kan nog niet")
    expect(box).to_contain_text("Het signaal heeft nog geen buurt of adres.")
    expect(page.get_by_role("button", name="Wegingen vastleggen")).to_be_visible()  # 'nee' stays possible
