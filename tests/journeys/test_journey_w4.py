"""Journey: weging 4 from the signal page. A teamlid opens a signal in bronnenonderzoek from the
werkvoorraad, clicks 'Weging 4', chooses 'Casus starten' with a reasoning and lands on the new
casus; the signal page then says it became a casus."""

import journey_setup as setup
import pytest
from journey_support import Journey

from meldpunt.cases.models import CasusSignal

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_weging_4_starts_a_casus(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    signal = setup.in_research(clerk, setup.signal(clerk, "Huurder betaalt contant, stroomverbruik verviervoudigd."))
    journey = Journey("weging-4", browser, live_server.url)
    try:
        team = journey.person("j-teamlid", ["teamlid"], "Tessa Teamlid")
        page = team.page
        assert team.find_in_queue("stroomverbruik", "signaal") == signal.reference
        team.sees("Bronnenonderzoek")
        team.follow("Weging 4: uitkomst bronnenonderzoek", "weging-4")
        page.get_by_label("Casus starten", exact=False).check()
        team.press("Weging 4 vastleggen", "weging-4-fout")  # the reasoning is required, said at the field
        team.sees("Motiveer het besluit")
        page.get_by_label("Motivering").fill("Stroom en contante huur bevestigen het signaal; integrale aanpak nodig.")
        team.press("Weging 4 vastleggen", "casus")
        casus = CasusSignal.objects.get(signal=signal).casus
        team.sees(f"Casus {casus.reference}", f"casus {casus.reference} is gestart uit signaal {signal.reference}",
                  signal.reference)
        team.follow(signal.reference, "signaal-casus", exact=True)
        team.sees("Casus")
    finally:
        journey.close()
