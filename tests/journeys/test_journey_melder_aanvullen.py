"""Journey: a reporter adds to a report with the receipt code and is called back. A citizen
reports with contact details (agreeing to be called back), keeps the receipt code and later adds
something at /melden/aanvullen/; the beoordelaar finds the report, sees the addition on its
timeline, opens it, and opens the reporter's contact details under 'Contact met de melder'."""

import pytest
from django.core.cache import cache
from journey_support import Journey

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

FIRST = "In de garage achter nummer 12 staan elke week nieuwe vaten; het ruikt naar anijs."
LATER = "Vannacht stond er een vrachtwagen met buitenlands kenteken bij de garage, motor bleef draaien."
PHONE = "06-12345678"


def test_reporter_adds_and_is_called_back(live_server, browser, demo_reloaded):
    cache.clear()  # the public form is throttled per address
    journey = Journey("melder-aanvullen", browser, live_server.url)
    try:
        melder = journey.person(None)
        page = melder.page
        melder.open("/melden/", "meldformulier")
        page.get_by_label("Drugs of hennepteelt in een woning of pand").check()
        page.get_by_label("Wat hebt u gezien of gehoord?").fill(FIRST)
        page.get_by_label("Of beschrijf de plek").fill("Garage achter de Dorpsstraat 12")
        page.get_by_label("Nee, u mag contact met mij opnemen").check()
        page.get_by_label("Uw naam").fill("Mevrouw Melder")
        page.get_by_label("Uw telefoonnummer").fill(PHONE)
        melder.press("Melding versturen", "bedankt")
        code = page.locator("#ontvangstcode").inner_text().strip()

        # Later: the reporter adds something, with the code from the receipt.
        melder.follow("iets aanvullen op uw melding", "aanvullen")
        melder.sees("Iets aanvullen op uw melding")
        page.get_by_label("Uw ontvangstcode").fill(code)
        melder.press("Aanvulling versturen", "aanvullen-leeg")  # nothing to add yet: said at the field
        assert page.locator("main [aria-invalid=true]").count() >= 1
        page.get_by_label("Wat wilt u aanvullen?").fill(LATER)
        melder.press("Aanvulling versturen", "aanvulling-ontvangen")
        melder.sees("Bedankt, uw aanvulling is ontvangen")

        # The beoordelaar finds the report, sees and opens the addition, and calls the reporter back.
        beoordelaar = journey.person("j-beoordelaar", ["beoordelaar"], "Bea Oordelaar")
        reference = beoordelaar.find_in_queue("anijs", "signaal")
        beoordelaar.sees(FIRST, "Aanvulling van de melder ontvangen", "Contact met de melder")
        beoordelaar.does_not_see(PHONE)
        addition = beoordelaar.page.locator("main .mp-timeline a", has_text="openen").inner_text()
        beoordelaar.follow(addition, "aanvulling")
        beoordelaar.sees(LATER, "Aanvulling op een eerdere melding", reference)
        beoordelaar.find_in_queue("anijs", "signaal-weer")
        beoordelaar.follow("Contactgegevens tonen", "contact-melder")
        beoordelaar.sees("Contact met de melder", "Mevrouw Melder", PHONE)
        beoordelaar.follow(f"← Signaal {reference}", "signaal-na-contact")
    finally:
        journey.close()
