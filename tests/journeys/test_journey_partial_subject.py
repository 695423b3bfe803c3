"""Journey: a signal with a partially identified person (issue 12, part 2).

A teamlid opens a signal in bronnenonderzoek and adds a person the reporter named on the phone, known
only by name and birth year, with a reason; the change is on the timeline. The regisseur puts that
person to the BRP (a search on what is known), the privacyfunctionaris decides privacy check 1, and
the regisseur sees hit — only whether the BRP knows someone who fits, never who. Clicks and form
fills only after the fixture; every page: screenshot, axe, no internal codes.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from meldpunt.accounts import services as account_services
from meldpunt.intake import services as intake_services
from meldpunt.protocol import services as protocol_services
from meldpunt.protocol.sources import seed_sources
from meldpunt.registries.models import Persoon
from test_browser_cases import SCREENSHOTS, Person
from test_browser_intake import _address, _step1_wegingen
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

FIRST, LAST, BSN, BORN = "Kees", "Overwater", "999990019", date(1984, 6, 14)
REASON = "De melder belde terug: de huurder heet Kees Overwater en is in 1984 geboren."


class Walker(Person):
    """A Person whose every page is also checked for internal codes; screenshots journey-*.png."""

    def check(self, name: str, response=None) -> None:
        if response is not None:
            csp = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in csp and "unsafe-" not in csp, csp
        assert self.page.locator("script:not([src])").count() == 0
        assert self.page.locator("[style]").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"journey-partial-{name}.png"), full_page=True)
        violations = axe_violations(self.page)
        summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert violations == [], f"axe op {name}: {summary}"
        assert codes_in(visible_text(self.page.content())) == [], name
        assert self.errors == [], self.errors

    def click(self, role: str, name: str, shot: str, **kwargs) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, **kwargs).first.click()
        self.check(shot)


def _setup():
    """A signal in bronnenonderzoek (steps 1 and 2 by someone else) and the person in the BRP extract."""
    seed_sources()
    Persoon.objects.create(bsn=BSN, voornamen=FIRST, geslachtsnaam=LAST, geboortedatum=BORN)
    walker = account_services.create_user("walker-partial", "een-lang-wachtwoord-voor-tests",
                                          ["beoordelaar", "teamlid"])
    signal = intake_services.create_signal(intake_services.SignalInput(
        channel="intern", reporter_kind="burger", contact_name="Buurvrouw", contact_phone="0612345678",
        description="Bij de loods wordt 's nachts uitgeladen; de melder kent de huurder van gezicht.",
        phenomenon="hennepteelt_drugs", address=_address().pk), user=walker)
    protocol_services.decide(walker, signal, _step1_wegingen(), "intake_doorzetten")
    w3 = protocol_services.WegingInput("W3", "bronnenonderzoek", "Concreet en recent.", necessity="n",
                                       proportionality="p", subsidiarity="s", purpose="Voorkomen van ondermijning",
                                       legal_basis="AVG art. 6 lid 1 sub e")
    protocol_services.decide(walker, signal, [w3], "zwaarte_bronnenonderzoek")
    return signal


def test_a_partially_identified_person_is_added_and_put_to_the_brp(live_server, browser):
    signal = _setup()
    base = live_server.url
    teamlid = Walker(browser, base, "teamlid-partial", ["teamlid"])
    regie = Walker(browser, base, "regie-partial", ["regisseur"])
    pf = Walker(browser, base, "pf-partial", ["privacyfunctionaris"])

    # The teamlid opens the signal from the work queue and adds the person with a reason.
    page = teamlid.page
    teamlid.open("/werkvoorraad/", "teamlid-werkvoorraad")
    teamlid.click("link", signal.reference, "teamlid-signaal")
    expect(page.locator("main")).to_contain_text("Geen betrokkenen vastgelegd")
    teamlid.click("link", "Betrokkene toevoegen", "teamlid-toevoegen")
    page.get_by_label("Soort").select_option("persoon")
    page.get_by_label("Rol in het signaal").fill("huurder")
    page.get_by_label(re.compile(r"^Naam\b")).fill(f"{FIRST} {LAST}")
    page.get_by_label("Of alleen het geboortejaar").fill("1984")
    page.get_by_label("Reden van de wijziging").fill(REASON)
    teamlid.submit(page.get_by_role("button", name="Toevoegen"))
    teamlid.check("teamlid-toegevoegd")
    main = page.locator("main")
    expect(main).to_contain_text("De betrokkene is toegevoegd en staat op de tijdlijn.")
    expect(main).to_contain_text(f"Persoon (huurder): {FIRST} {LAST}, geboren in 1984")
    expect(main).to_contain_text("Betrokkene toegevoegd: Persoon (huurder)")
    expect(main).to_contain_text(f"Reden: {REASON}")

    # The regisseur puts the person to the BRP: a search on name and birth year.
    page = regie.page
    regie.open(f"/signalen/{signal.reference}/", "regie-signaal")
    regie.click("link", "Bronnen aanvragen", "regie-bronnen-aanvragen")
    expect(page.locator("main")).to_contain_text("persoon (naam en geboortejaar, alleen BRP)")
    page.get_by_label("BRP (Basisregistratie Personen)", exact=False).check()
    page.get_by_label(f"{FIRST} {LAST}", exact=False).check()
    page.get_by_label("Doel van het bronnenonderzoek").fill("Staat de genoemde huurder in de BRP?")
    regie.submit(page.get_by_role("button", name="Bronnen aanvragen"))
    regie.check("regie-aangevraagd")
    expect(page.locator("main")).to_contain_text("Wacht op privacytoets 1")

    # The privacyfunctionaris decides privacy check 1.
    pf.open("/te-beoordelen/", "pf-te-beoordelen")
    pf.click("link", "Beoordelen PC1 bron BRP", "pf-pc1")
    p = pf.page
    p.get_by_label("Raadplegen toegestaan").check()
    p.get_by_label("Motivering").fill("Alleen of de BRP iemand kent die past bij naam en geboortejaar.")
    for label in ("a. Verband", "b. Context", "c. Aard", "d. Mogelijke gevolgen", "e. Passende waarborgen"):
        p.get_by_label(label).fill("Gewogen: verenigbaar met het doel.")
    p.get_by_label("Noodzaak").fill("Zonder BRP geen bevestiging van de melding.")
    p.get_by_label("Proportionaliteit").fill("Alleen hit/no-hit.")
    p.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
    pf.submit()
    pf.check("pf-besloten")
    expect(p.locator("h1")).to_have_text("Te beoordelen")

    # The regisseur sees hit: that the BRP knows someone who fits, not who.
    regie.open(f"/signalen/{signal.reference}/", "regie-hit")
    expect(page.locator("main")).to_contain_text("Hit")
    assert BSN not in page.content() and BORN.strftime("%d") + " juni" not in page.content()
