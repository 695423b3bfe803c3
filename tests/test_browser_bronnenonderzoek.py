"""Bronnenonderzoek in a real browser (Chromium via Playwright), each person in their own session:
the regisseur asks BAG and the sociaal domein about a signal's subjects; the privacyfunctionaris
decides privacy check 1 per source; the BAG connector answers hit/no-hit, the bronhouder answers
for the sociaal domein (seeing only the question); the regisseur asks details of the BAG hit, the
privacyfunctionaris approves part, and only that part is shown. Every page: strict CSP, no inline
script/style, no console errors, axe clean, screenshot in var/screenshots/bron-*.png."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from journeys.journey_support import check_page
from meldpunt.intake import services as intake_services
from meldpunt.protocol import services as protocol_services
from meldpunt.protocol.research.models import DetailRequest, Source, SourceRequest
from meldpunt.protocol.sources import seed_sources
from test_browser_cases import SCREENSHOTS, Person
from test_browser_intake import _address, _step1_wegingen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

COMMON = {"purpose": "Voorkomen van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}
BSN = "999993653"


def _signal(walker):
    address = _address()
    data = intake_services.SignalInput(
        channel="intern", description="Loods met afgeplakte ramen, 's nachts busjes.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=address.pk,
        subjects=[intake_services.SubjectInput(kind="adres", role="pand", address=address.pk),
                  intake_services.SubjectInput(kind="persoon", role="huurder", name="Verborgen Huurder", bsn=BSN)])
    signal = intake_services.create_signal(data, user=walker)
    protocol_services.decide(walker, signal, _step1_wegingen(), "intake_doorzetten")
    w3 = protocol_services.WegingInput("W3", "bronnenonderzoek", "Concreet en recent.", criteria_version=1,
                                       necessity="n", proportionality="p", subsidiarity="s", **COMMON)
    protocol_services.decide(walker, signal, [w3], "zwaarte_bronnenonderzoek")
    return signal


class Researcher(Person):
    """A Person whose screenshots are named bron-*.png (the checks are the same)."""

    def check(self, name: str, response=None) -> None:
        check_page(self.page, self.errors, SCREENSHOTS / f"{name}.png", response)


def _pc1(pf: Researcher, shot: str, source_name: str) -> None:
    pf.open("/te-beoordelen/", f"bron-{shot}-te-beoordelen")
    with pf.page.expect_navigation():
        pf.page.locator("main a", has_text=f"PC1 bron {source_name}").first.click()
    pf.check(f"bron-{shot}-pc1")
    page = pf.page
    page.get_by_label("Raadplegen toegestaan").check()
    page.get_by_label("Motivering").fill("De bron kan het signaal bevestigen of ontkrachten.")
    for label in ("a. Verband", "b. Context", "c. Aard", "d. Mogelijke gevolgen", "e. Passende waarborgen"):
        page.get_by_label(label).fill("Gewogen: verenigbaar met het doel.")
    page.get_by_label("Noodzaak").fill("Zonder deze bron geen toets.")
    page.get_by_label("Proportionaliteit").fill("Alleen hit/no-hit.")
    page.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
    pf.submit()
    expect(page.locator("h1")).to_have_text("Te beoordelen")


def test_bronnenonderzoek_in_the_browser(live_server, browser):
    from meldpunt.accounts import services as account_services

    seed_sources()
    walker = account_services.create_user("walker-bron", "een-lang-wachtwoord-voor-tests",
                                          ["beoordelaar", "teamlid"])
    signal = _signal(walker)
    base = live_server.url
    regie = Researcher(browser, base, "regie-bron", ["regisseur"])
    pf = Researcher(browser, base, "pf-bron", ["privacyfunctionaris"])
    bronhouder = Researcher(browser, base, "bronhouder-bron", ["bronhouder"])
    Source.objects.get(code="SOCIAAL_DOMEIN").bronhouders.add(get_user_model().objects.get(username="bronhouder-bron"))
    page = regie.page

    # The regisseur asks two sources about the subjects.
    regie.open(f"/signalen/{signal.reference}/", "bron-signaal-start")
    with page.expect_navigation():
        page.get_by_role("link", name="Bronnen aanvragen").click()
    regie.check("bron-aanvragen")
    page.get_by_label("BAG (Basisregistratie Adressen en Gebouwen)", exact=False).check()
    page.locator("input[name=subjects]").first.check()  # the address (pand)
    page.get_by_label("Doel van het bronnenonderzoek").fill("Is de loods in gebruik als bedrijfsruimte?")
    regie.submit(page.get_by_role("button", name="Bronnen aanvragen"))
    expect(page.locator("main")).to_contain_text("Wacht op privacytoets 1")
    with page.expect_navigation():
        page.get_by_role("link", name="Bronnen aanvragen").click()
    page.get_by_label("Sociaal domein", exact=False).check()
    page.locator("input[name=subjects]").last.check()  # the person (huurder)
    page.get_by_label("Doel van het bronnenonderzoek").fill("Woont de huurder hier met een uitkering?")
    regie.submit(page.get_by_role("button", name="Bronnen aanvragen"))
    regie.check("bron-signaal-aangevraagd")

    # Privacy check 1 per source by the privacyfunctionaris.
    _pc1(pf, "bag", "BAG")
    _pc1(pf, "sd", "Sociaal domein")
    assert set(SourceRequest.objects.values_list("state", flat=True)) == {"toegestaan"}

    # The bronhouder answers for the sociaal domein, seeing only the question.
    bronhouder.open("/bevragingen/", "bron-bevragingen")
    content = bronhouder.page.content()
    assert BSN in content and signal.reference not in content and "Verborgen Huurder" not in content
    bronhouder.submit(bronhouder.page.get_by_role("button", name="Geen hit"))
    bronhouder.check("bron-bevragingen-beantwoord")

    # Hit/no-hit on the signal page; details of the BAG hit.
    regie.open(f"/signalen/{signal.reference}/", "bron-signaal-hits")
    expect(page.locator("main")).to_contain_text("Geen hit")
    with page.expect_navigation():
        page.get_by_role("link", name="Details aanvragen").first.click()
    regie.check("bron-details-aanvragen")
    page.get_by_label("Oppervlakte (m²)").check()
    page.get_by_label("Gebruiksdoel").check()
    page.get_by_label("Waarvoor hebt u deze gegevens nodig?").fill("Past het gebruik bij een loods?")
    regie.submit(page.get_by_role("button", name="Details aanvragen"))
    assert "industriefunctie" not in page.content()

    # The privacyfunctionaris approves only the use.
    pf.open("/te-beoordelen/", "bron-details-te-beoordelen")
    with pf.page.expect_navigation():
        pf.page.locator("main a", has_text="PC1 details").first.click()
    pf.check("bron-details-besluit")
    pf.page.get_by_label("Details openen toegestaan").check()
    pf.page.get_by_label("Gebruiksdoel").check()
    pf.page.get_by_label("Motivering").fill("Alleen het gebruiksdoel is nodig.")
    pf.page.get_by_label("Noodzaak").fill("Het gebruik bevestigt of ontkracht het signaal.")
    pf.page.get_by_label("Proportionaliteit").fill("Eén gegeven.")
    pf.page.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
    pf.submit()
    assert DetailRequest.objects.get().approved_fields == ["gebruiksdoel"]

    # Only the approved field is shown.
    regie.open(f"/signalen/{signal.reference}/", "bron-signaal-details-goedgekeurd")
    with page.expect_navigation():
        page.get_by_role("link", name="Details openen").first.click()
    regie.check("bron-details")
    expect(page.locator("main")).to_contain_text("industriefunctie")
    assert "420" not in page.locator("main").inner_text()

