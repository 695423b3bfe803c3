"""Journey: a regisseur who works for Zaanstad and Wormerland switches between them in the header
(ADR 0030 §4, §10). By clicks and form fills only: the werkvoorraad shows one gemeente at a time,
"Al mijn gemeenten" shows both with a Gemeente column; a beoordelaar of Zaanstad alone sees the
gemeente's name in the header and no switcher. Roles are held per gemeente (ADR 0030 §3): the
regisseur holds theirs in both gemeenten, the beoordelaar in Zaanstad only."""

import journey_setup as setup
import pytest
from journey_support import Journey

from conftest import grant_roles, make_tenant
from meldpunt.intake import services as intake
from meldpunt.registries.models import Nummeraanduiding
from meldpunt.tenancy.home import home_tenant

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

WORDS = "blauwe loods"


def signal_in(user, gemeente, description: str):
    address = Nummeraanduiding.objects.order_by("pk")[0]
    return intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description=description, phenomenon="hennepteelt_drugs",
        address=address.pk, subjects=[]), user=user, gemeente=gemeente)


def search(walker, words: str, name: str):
    walker.page.locator("main").get_by_label("Zoeken").fill(words)
    walker.press("Filteren", name)
    return walker.page.locator("main table tbody tr")


def switch(walker, choice: str, name: str):
    walker.page.locator("header").get_by_label("Werkt voor:").select_option(label=choice)
    walker.press("Wisselen", name, within="header")


def test_regisseur_switches_between_gemeenten(live_server, browser, demo_reloaded):
    zaanstad = home_tenant()
    clerk = setup.clerk()
    wormerland = make_tenant()
    grant_roles(clerk, *clerk.roles, gemeente=wormerland)
    zaans = signal_in(clerk, zaanstad, f"Een {WORDS} aan de Zaan, ramen afgeplakt.")
    wormer = signal_in(clerk, wormerland, f"Een {WORDS} bij Wormer, 's nachts busjes.")
    journey = Journey("gemeente-wisselen", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regie", gemeenten=[zaanstad, wormerland])
        header = regie.page.locator("header")
        assert "Werkt voor:" in header.inner_text()
        regie.menu("Werkvoorraad", "werkvoorraad-wormerland")
        # the first of their gemeenten by name
        rows = search(regie, WORDS, "wormerland-gezocht")
        assert rows.count() == 1 and wormer.reference in rows.first.inner_text()
        regie.does_not_see(zaans.reference)

        switch(regie, "Zaanstad", "werkvoorraad-zaanstad")
        rows = search(regie, WORDS, "zaanstad-gezocht")
        assert rows.count() == 1 and zaans.reference in rows.first.inner_text()
        regie.does_not_see(wormer.reference, ">Gemeente</th>")

        switch(regie, "Al mijn gemeenten", "werkvoorraad-alle")
        rows = search(regie, WORDS, "alle-gezocht")
        assert rows.count() == 2
        regie.sees("Gemeente")
        regie.sees_row(wormer.reference, "Wormerland")
        regie.sees_row(zaans.reference, "Zaanstad")

        # a signal opened from the combined list names its gemeente above its title
        regie.follow(wormer.reference, "signaal-wormerland", exact=True)
        regie.sees("Gemeente: Wormerland", f"Signaal {wormer.reference}")

        lone = journey.person("j-beoordelaar", ["beoordelaar"], "Bo Beoordelaar", gemeenten=[zaanstad])
        assert "Meldpunt Ondermijning — Zaanstad" in lone.page.locator("header").inner_text()
        assert lone.page.locator("header").get_by_label("Werkt voor:").count() == 0
        lone.menu("Werkvoorraad", "beoordelaar-werkvoorraad")
        rows = search(lone, WORDS, "beoordelaar-gezocht")
        assert rows.count() == 1 and zaans.reference in rows.first.inner_text()
        lone.does_not_see(wormer.reference, "Wormerland")
    finally:
        journey.close()
