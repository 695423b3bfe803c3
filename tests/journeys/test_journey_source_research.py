"""Journey: bronnenonderzoek from request to approved details. The regisseur asks the BRP and the
sociaal domein about the person a signal names; the privacyfunctionaris decides privacy check 1
per source; the bronhouder of the sociaal domein answers, seeing only the question; the regisseur
sees hit/no-hit per source, asks the details of the BRP hit; the privacyfunctionaris approves
part of them and the regisseur sees exactly that part."""

import journey_setup as setup
import pytest
from journey_support import Journey
from playwright.sync_api import expect

from meldpunt.protocol.research.models import Source

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

NAME = "Verborgen Huurder"


def _pc1(pf, source: str, shot: str, *, from_menu: bool = True) -> None:
    if from_menu:  # otherwise the privacyfunctionaris is back on 'Te beoordelen' after the last decision
        pf.menu("Te beoordelen", f"{shot}-te-beoordelen")
    pf.follow(f"PC1 bron {source}", f"{shot}-pc1")
    page = pf.page
    page.get_by_label("Raadplegen toegestaan").check()
    page.get_by_label("Motivering").fill("De bron kan het signaal bevestigen of ontkrachten.")
    for label in ("a. Verband", "b. Context", "c. Aard", "d. Mogelijke gevolgen", "e. Passende waarborgen"):
        page.get_by_label(label).fill("Gewogen: verenigbaar met het doel.")
    page.get_by_label("Noodzaak").fill("Zonder deze bron geen toets.")
    page.get_by_label("Proportionaliteit").fill("Alleen hit/no-hit.")
    page.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
    pf.press("Besluit vastleggen", f"{shot}-pc1-klaar")
    expect(page.locator("h1")).to_have_text("Te beoordelen")


def test_source_research_to_approved_details(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    person = setup.demo_person()
    signal = setup.in_research(clerk, setup.signal(clerk, "Loods met afgeplakte ramen, 's nachts aggregaatgeluid.",
                                                    name=NAME, bsn=person.bsn))
    journey = Journey("bronnenonderzoek", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur")
        pf = journey.person("j-privacy", ["privacyfunctionaris"], "Petra Privacy")
        bronhouder = journey.person("j-bronhouder", ["bronhouder"], "Bram Bronhouder")
        Source.objects.get(code="SOCIAAL_DOMEIN").bronhouders.add(bronhouder.user)  # setup: who answers for it
        page = regie.page

        # The regisseur asks two sources about the person the signal names.
        assert regie.find_in_queue("aggregaatgeluid", "signaal") == signal.reference
        regie.sees(NAME)
        regie.follow("Bronnen aanvragen", "bronnen-aanvragen")
        page.get_by_label("BRP", exact=False).first.check()
        page.get_by_label("Sociaal domein", exact=False).check()
        page.locator("input[name=subjects]").first.check()
        page.get_by_label("Doel van het bronnenonderzoek").fill("Woont de genoemde huurder hier?")
        regie.press("Bronnen aanvragen", "signaal-aangevraagd")
        regie.sees("Wacht op privacytoets 1")

        # Privacy check 1, per source.
        _pc1(pf, "BRP", "brp")
        _pc1(pf, "Sociaal domein", "sd", from_menu=False)

        # The bronhouder answers for the sociaal domein, seeing the question and not the signal.
        bronhouder.menu("Bevragingen", "bevragingen")
        bronhouder.sees(person.bsn)
        bronhouder.does_not_see(signal.reference, NAME)
        bronhouder.press("Geen hit", "bevragingen-beantwoord")

        # Hit / no-hit on the signal page; the regisseur asks the BRP details.
        regie.page.reload()  # the regisseur is still on the signal page
        regie.check("signaal-hits")
        regie.sees("Hit", "Geen hit")
        regie.follow("Details aanvragen", "details-aanvragen")
        page.get_by_label("Woonadres", exact=True).check()
        page.get_by_label("Geslachtsnaam", exact=True).check()
        page.get_by_label("Waarvoor hebt u deze gegevens nodig?").fill("Woont de huurder op het adres van het pand?")
        regie.press("Details aanvragen", "details-aangevraagd")

        # The privacyfunctionaris approves only the first field.
        pf.page.reload()  # the privacyfunctionaris is still on 'Te beoordelen'
        pf.check("details-te-beoordelen")
        pf.follow("PC1 details", "details-besluit")
        pf.page.get_by_label("Details openen toegestaan").check()
        pf.page.locator("main").get_by_label("Woonadres", exact=True).check()
        pf.page.get_by_label("Motivering").fill("Alleen dit gegeven is nodig.")
        pf.page.get_by_label("Noodzaak").fill("Het bevestigt of ontkracht het signaal.")
        pf.page.get_by_label("Proportionaliteit").fill("Eén gegeven.")
        pf.page.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
        pf.press("Besluit vastleggen", "details-besloten")

        regie.page.reload()
        regie.check("signaal-details-goedgekeurd")
        regie.follow("Details openen", "details")
        regie.sees("Goedgekeurde details uit BRP", "Woonadres")
        assert "Geslachtsnaam" not in regie.main_text() and person.geslachtsnaam not in regie.main_text()
    finally:
        journey.close()
