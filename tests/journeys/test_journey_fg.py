"""Journey: the FG finds who viewed a person. A teamlid opens a signal that names a person (that
read is logged); the FG goes from 'Toezicht' to the verwerkingslog, searches on the person's BSN
and sees the teamlid by name, the signal by its kenmerk and the activity in words."""

import journey_setup as setup
import pytest
from journey_support import Journey

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

BSN = "999993653"


def test_fg_finds_who_viewed_a_person(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    signal = setup.in_zwaarte(clerk, setup.signal(clerk, "Verdachte geldstromen bij de wasserette op de hoek.",
                                                  name="Bekeken Persoon", bsn=BSN))
    journey = Journey("fg", browser, live_server.url)
    try:
        team = journey.person("j-teamlid", ["teamlid"], "Tessa Teamlid")
        assert team.find_in_queue("wasserette", "signaal") == signal.reference
        team.sees("Bekeken Persoon", BSN)

        fg = journey.person("j-fg", ["fg"], "Fenna Gegevensbescherming")
        page = fg.page
        fg.menu("Toezicht", "toezicht")
        fg.follow("Verwerkingslog", "verwerkingslog")
        page.get_by_label("BSN of KvK-nummer van de betrokkene").fill(BSN)
        page.get_by_label("Soort nummer").select_option(label="BSN")
        fg.press("Zoeken", "verwerkingslog-bsn")
        fg.sees_row("Tessa Teamlid (j-teamlid)", signal.reference)
        fg.does_not_see(f"signal {signal.pk}")
        # Narrowed to the teamlid: only what they did.
        page.get_by_label("Medewerker").select_option(label="Tessa Teamlid (j-teamlid)")
        fg.press("Zoeken", "verwerkingslog-bsn-teamlid")
        rows = page.locator("main table tbody tr")
        assert rows.count() >= 1
        for text in rows.all_inner_texts():
            assert "Tessa Teamlid (j-teamlid)" in text
    finally:
        journey.close()
