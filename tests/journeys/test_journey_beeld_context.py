"""Journey: the analist sees where the gemeente stands, not only where its own signals fall
(issue 14). By clicks and form fills only, as the analist:

1. the overview: the CBS comparison with similar gemeenten, the provincie and Nederland;
2. the vastgoed theme page: charts or "te weinig waarnemingen", the theme's own hotspot list and
   its CBS figures per wijk; choosing a wijk gives the same figures per buurt of that wijk;
3. the drugs theme page: its hotspot reasons are its own indicators;
4. the report: a summary, what changed since the previous version, a row per wijk.

Every page: screenshot, axe, strict CSP, no internal codes.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from beeld_support import beeld_dir
from meldpunt.accounts.roles import Role
from meldpunt.insight import kerncijfers, services
from test_browser_cases import Person
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def _seen(person: Person, name: str, response=None) -> str:
    person.check(f"journey-beeld-{name}", response)
    text = visible_text(person.page.content())
    assert codes_in(text) == [], (name, codes_in(text))
    return text


def test_analist_reads_where_the_gemeente_stands(live_server, demo_reloaded, browser, tmp_path):
    with beeld_dir(tmp_path):
        services.regenerate()
        snapshot = services.regenerate()  # the second has changes to report
        analist = Person(browser, live_server.url, "journey-beeld-analist", [Role.ANALIST])
        page = analist.page
        zaanstad = kerncijfers.gemeente("GM0479")
        wijk = kerncijfers.children("wijk", "GM0479")[0]

        # 1. The overview: where Zaanstad stands among similar gemeenten.
        response = page.goto(reverse("web:ondermijningsbeeld"))
        text = _seen(analist, "overzicht", response)
        assert "Waar staat de gemeente? Context uit CBS-cijfers" in text
        assert kerncijfers.describe("GM0479") in text
        comparison = page.get_by_role("table", name="Kerncijfers naast vergelijkbare gemeenten")
        assert comparison.get_by_role("columnheader", name="Vergelijkbare gemeenten").count() == 1
        assert comparison.get_by_role("row", name="Geregistreerde misdrijven per 1.000 inwoners").count() == 1

        # 2. The vastgoed theme: its context per wijk, then one wijk per buurt.
        with page.expect_navigation():
            page.get_by_role("link", name="Mogelijk misbruik van vastgoed").first.click()
        text = _seen(analist, "vastgoed")
        assert "Gemiddelde WOZ-waarde (× € 1.000)" in text and "Huurwoningen (% van de woningen)" in text
        page.get_by_text("Dezelfde kerncijfers per wijk").click()
        assert page.get_by_role("table", name="Kerncijfers per wijk (CBS)").get_by_role(
            "row", name=wijk.naam).count() >= 1
        page.get_by_label("Wijk").select_option(label=wijk.naam)
        with page.expect_navigation():
            page.get_by_role("button", name="Toon").click()
        text = _seen(analist, "vastgoed-wijk")
        page.get_by_text("Dezelfde kerncijfers per buurt").click()
        per_buurt = page.get_by_role("table", name="Kerncijfers per buurt (CBS)")
        assert per_buurt.get_by_role("row").count() == len(kerncijfers.children("buurt", wijk.code)) + 1
        assert "grafiek" in text  # every chart is a chart or says there are too few observations

        # 3. The drugs theme: reasons are the theme's own indicators.
        with page.expect_navigation():
            page.get_by_role("link", name="Drugs", exact=True).first.click()
        text = _seen(analist, "drugs")
        hotspots = page.get_by_role("table", name="Buurten met de hoogste hotspotscore")
        if hotspots.count():
            reasons = " ".join(hotspots.locator("tbody td:last-child").all_inner_texts())
            assert "ABC" not in reasons and "WOZ-waarde" not in reasons

        # 4. The report reads as a report.
        response = page.goto(reverse("web:ondermijningsbeeld"))
        with page.expect_navigation():
            page.get_by_role("link", name="Rapport ondermijningsbeeld (webpagina)").click()
        text = _seen(analist, "rapport")
        for heading in ("Samenvatting", "Wat er veranderde sinds de vorige versie", "Per wijk"):
            assert page.get_by_role("heading", name=heading).count() == 1, heading
        assert f"Ten opzichte van versie {snapshot.version - 1}" in text
        assert page.get_by_role("table", name="Per wijk in").get_by_role("row", name=wijk.naam).count() == 1
        assert zaanstad.naam in text
        analist.context.close()
