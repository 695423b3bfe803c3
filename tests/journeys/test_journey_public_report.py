"""Journey: a citizen reports at /melden/ without logging in and gets a receipt code; a
beoordelaar finds the report in the werkvoorraad by a word from it and takes weging 1 and 2
(intake doorzetten): the signal leaves the beoordelaar's queue and waits for the team."""

import pytest
from django.core.cache import cache
from journey_support import Journey

from meldpunt.registries.models import Nummeraanduiding

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

WHAT = "Elke nacht rond twee uur stopt er een bestelbus bij de loods; er worden kratten stekjes uitgeladen."


def test_public_report_to_intake_doorzetten(live_server, browser, demo_reloaded):
    cache.clear()  # the public form is throttled per address
    address = Nummeraanduiding.objects.order_by("pk").first()
    journey = Journey("publieke-melding", browser, live_server.url)
    try:
        citizen = journey.person(None)
        page = citizen.page
        citizen.open("/melden/", "meldformulier")
        citizen.sees("Meld een vermoeden van ondermijning")
        page.get_by_label("Drugs of hennepteelt in een woning of pand").check()
        page.get_by_label("Wat hebt u gezien of gehoord?").fill(WHAT)
        page.get_by_label("Postcode").fill(address.postcode)
        page.get_by_label("Huisnummer").fill(str(address.huisnummer))
        citizen.press("Melding versturen", "bedankt")
        citizen.sees("Bedankt, uw melding is ontvangen")
        code = page.locator("#ontvangstcode").inner_text().strip()
        assert len(code) == 14 and code.count("-") == 2

        beoordelaar = journey.person("j-beoordelaar", ["beoordelaar"], "Bea Oordelaar")
        page = beoordelaar.page
        page.get_by_label("Zoeken").fill("kratten stekjes")
        page.get_by_label("Kanaal").select_option(label="Webformulier (publiek)")
        beoordelaar.press("Filteren", "werkvoorraad-gezocht")
        rows = page.locator("main table tbody tr")
        assert rows.count() == 1, rows.all_inner_texts()
        reference = rows.first.get_by_role("link").first.inner_text()
        beoordelaar.follow(reference, "signaal", exact=True)
        beoordelaar.sees("Ontvangen", WHAT)
        beoordelaar.follow("Stap 1: wegen (W1, W2A, W2B)", "stap-1")
        page.check("#id_w1_decision_0")
        page.check("#id_w1_kenmerken_2")
        page.check("#id_w1_verankering_4")
        page.fill("#id_w1_reasoning", "Concreet en herhaald waargenomen: mogelijk hennepteelt in een bedrijfspand.")
        page.check("#id_w2a_decision_0")
        page.fill("#id_w2a_reasoning", "Handhaving Opiumwet art. 13b is een bevoegdheid van de burgemeester.")
        page.check("#id_w2b_decision_0")
        page.fill("#id_w2b_reasoning", "Het pand ligt in onze gemeente.")
        beoordelaar.press("Wegingen vastleggen", "stap-1-klaar")
        beoordelaar.sees(reference)
        assert page.url.endswith("/werkvoorraad/")
    finally:
        journey.close()
