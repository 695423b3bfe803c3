"""Journey: hit/no-hit between two gemeenten of one regio (ADR 0030 §8, §15). Zaanstad's regisseur
asks the other gemeenten about the person a signal names; Zaanstad's privacyfunctionaris allows
privacy check 1 with the convenant; the regisseur sees "Wormerland: treffer" and nothing more;
Wormerland's privacyfunctionaris weighs the request in *Te beoordelen* and shares two items;
the regisseur reads what Wormerland shared, and the FG sees the question."""

import journey_setup as setup
import pytest
from journey_support import Journey
from playwright.sync_api import expect

from regio_support import signal_in, zaanstreek

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

NAME = "Rondreizende Huurder"


def test_regio_hit_no_hit_to_release(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    person = setup.demo_person()
    signal = setup.in_research(clerk, setup.signal(clerk, "Pand met wisselende huurders, steeds andere namen.",
                                                    name=NAME, bsn=person.bsn))
    zaanstad, wormerland = zaanstreek()
    signal_in(clerk, wormerland, bsn=person.bsn, name=NAME)  # Wormerland knows the person too
    journey = Journey("regio", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur", gemeente=zaanstad)
        pf = journey.person("j-privacy", ["privacyfunctionaris"], "Petra Privacy", gemeente=zaanstad)
        pf_b = journey.person("j-privacy-wormerland", ["privacyfunctionaris"], "Wendy Wormer", gemeente=wormerland)
        fg = journey.person("j-fg", ["fg"], "Frits Toezicht", gemeente=zaanstad)
        page = regie.page

        # The regisseur asks the other gemeenten in the regio about the person.
        assert regie.find_in_queue("wisselende huurders", "signaal") == signal.reference
        regie.follow("Bronnen aanvragen", "bronnen-aanvragen")
        page.get_by_label("Andere gemeenten in de regio", exact=False).check()
        page.locator("input[name=subjects]").first.check()
        page.get_by_label("Doel van het bronnenonderzoek").fill("Is de huurder elders in de regio bekend?")
        regie.press("Bronnen aanvragen", "signaal-aangevraagd")
        regie.sees("Wacht op privacytoets 1")

        # Zaanstad's privacyfunctionaris allows it, with the convenant as the basis (prefilled).
        pf.menu("Te beoordelen", "pc1-te-beoordelen")
        pf.follow("PC1 bron Andere gemeenten in de regio", "pc1")
        expect(pf.page.get_by_label("Grondslag van dit besluit")).to_have_value(
            "Convenant Zaanstreek 2026 (gegevensdeling ondermijning)")
        pf.page.get_by_label("Raadplegen toegestaan").check()
        pf.page.get_by_label("Motivering").fill("De regio kan het signaal bevestigen.")
        for label in ("a. Verband", "b. Context", "c. Aard", "d. Mogelijke gevolgen", "e. Passende waarborgen"):
            pf.page.get_by_label(label).fill("Gewogen: verenigbaar met het doel.")
        pf.page.get_by_label("Noodzaak").fill("Zonder de regio geen toets.")
        pf.page.get_by_label("Proportionaliteit").fill("Alleen treffer of geen treffer.")
        pf.page.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
        pf.press("Besluit vastleggen", "pc1-klaar")

        # One word per gemeente, nothing else.
        regie.page.reload()
        regie.check("signaal-treffer")
        regie.sees("Wormerland: treffer")

        # Wormerland's privacyfunctionaris weighs the request and shares two items.
        pf_b.menu("Te beoordelen", "rv-te-beoordelen")
        pf_b.sees("Regionale verzoeken", "Zaanstad")
        pf_b.follow("Beoordelen verzoek van Zaanstad", "rv")
        form = pf_b.page
        form.get_by_label("Delen met de vragende gemeente").check()
        form.get_by_label("Motivering").fill("Zaanstad heeft dit nodig om het signaal te toetsen.")
        for label in ("a. Verband", "b. Context", "c. Aard", "d. Mogelijke gevolgen", "e. Passende waarborgen"):
            form.get_by_label(label).fill("Gewogen.")
        form.get_by_label("Noodzaak").fill("Nodig voor de toets.")
        form.get_by_label("Proportionaliteit").fill("Alleen fenomeen en datum.")
        form.get_by_label("Subsidiariteit").fill("Geen lichter middel.")
        form.locator("main").get_by_label("Fenomeen", exact=True).check()
        form.locator("main").get_by_label("Datum ontvangen", exact=True).check()
        pf_b.press("Besluit vastleggen", "rv-klaar")
        expect(form.locator("h1")).to_have_text("Te beoordelen")

        # The regisseur reads what Wormerland shared, on the signal page.
        regie.page.reload()
        regie.check("signaal-gedeeld")
        regie.sees("Wormerland deelt over", "Hennepteelt")

        # The FG sees the question.
        fg.follow("Regionale bevragingen", "fg-regionaal")
        fg.sees("Gestelde vragen", "Wormerland: treffer")
    finally:
        journey.close()
