"""Journey: the analist reads the ondermijningsbeeld. From the menu to the overview with the
municipality in figures, a theme dashboard (and another map on it), the indicator matrix, one
phenomenon, the sources and method of this version, all versions and the report."""

import pytest
from journey_support import Journey

from beeld_support import beeld_dir
from meldpunt.insight import services

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_analist_reads_the_ondermijningsbeeld(live_server, browser, demo_reloaded, tmp_path):
    with beeld_dir(tmp_path):
        services.regenerate()
        snapshot = services.regenerate()  # the second has a change to show
        journey = Journey("analist", browser, live_server.url)
        try:
            analist = journey.person("j-analist", ["analist"], "Anouk Analist")
            page = analist.page
            analist.menu("Ondermijningsbeeld", "beeld")
            analist.sees("Ondermijningsbeeld", "in cijfers", "Dashboards per thema")
            analist.follow("Mogelijk misbruik van vastgoed", "vastgoed")
            analist.sees("Mogelijk misbruik van vastgoed")
            kaart = page.get_by_label("Op de kaart")
            options = kaart.locator("option").all_inner_texts()
            assert len(options) > 1, options
            kaart.select_option(label=options[-1])
            analist.press("Toon", "vastgoed-andere-kaart")
            analist.menu("Ondermijningsbeeld", "beeld-terug")
            analist.follow("Naar de indicatormatrix", "matrix")
            analist.sees("Indicatormatrix")
            phenomenon = page.locator("main table a").first.inner_text().strip()
            analist.follow(phenomenon, "fenomeen", exact=True)
            analist.sees(phenomenon)
            analist.menu("Ondermijningsbeeld", "beeld-weer")
            analist.follow("Bronnen, methode en wat er veranderde", "versie")
            analist.sees(f"Ondermijningsbeeld versie {snapshot.version}")
            analist.follow("Alle versies", "versies")
            analist.menu("Ondermijningsbeeld", "beeld-rapport")
            analist.follow("Rapport ondermijningsbeeld (webpagina)", "rapport")
        finally:
            journey.close()
