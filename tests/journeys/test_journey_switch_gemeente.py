"""Journey: a regisseur who works for Zaanstad and Wormerland switches between them in the header
(ADR 0030 §4, §10). By clicks and form fills only: the werkvoorraad shows one gemeente at a time,
"Al mijn gemeenten" shows both with a Gemeente column; a beoordelaar of Zaanstad alone sees the
gemeente's name in the header and no switcher.

Roles per gemeente are step S3 (in parallel): until then a role holds in every gemeente, so the
beoordelaar's single gemeente is made by monkeypatching ``meldpunt.policy.base.gemeenten_with``
(the live server runs in this process, so the patch holds for its pages too)."""

import journey_setup as setup
import pytest
from journey_support import Journey

from meldpunt import policy
from meldpunt.intake import services as intake
from meldpunt.policy import base as policy_base
from meldpunt.registries.models import Nummeraanduiding
from meldpunt.tenancy.home import home_tenant
from meldpunt.tenancy.models import Tenant

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

WORDS = "blauwe loods"


def signal_in(user, gemeente, description: str):
    address = Nummeraanduiding.objects.order_by("pk")[0]
    return intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description=description, phenomenon="hennepteelt_drugs",
        address=address.pk, subjects=[]), user=user, gemeente=gemeente)


def only_zaanstad_for(monkeypatch, username: str):
    real = policy_base.gemeenten_with

    def gemeenten_with(user, roles):
        codes = real(user, roles)
        return codes & {"GM0479"} if getattr(user, "username", "") == username else codes

    monkeypatch.setattr(policy_base, "gemeenten_with", gemeenten_with)
    monkeypatch.setattr(policy, "gemeenten_with", gemeenten_with)


def search(walker, words: str, name: str):
    walker.page.locator("main").get_by_label("Zoeken").fill(words)
    walker.press("Filteren", name)
    return walker.page.locator("main table tbody tr")


def switch(walker, choice: str, name: str):
    walker.page.locator("header").get_by_label("Werkt voor:").select_option(label=choice)
    walker.press("Wisselen", name, within="header")


def test_regisseur_switches_between_gemeenten(live_server, browser, demo_reloaded, monkeypatch):
    zaanstad = home_tenant()
    wormerland = Tenant.objects.create(code="GM0880", naam="Wormerland", reference_prefix="WL",
                                       key_slot="GM0880", log_chain="verwerking:GM0880",
                                       register_uri="urn:nl:gm0880:register")
    clerk = setup.clerk()
    zaans = signal_in(clerk, zaanstad, f"Een {WORDS} aan de Zaan, ramen afgeplakt.")
    wormer = signal_in(clerk, wormerland, f"Een {WORDS} bij Wormer, 's nachts busjes.")
    only_zaanstad_for(monkeypatch, "j-beoordelaar")
    journey = Journey("gemeente-wisselen", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regie")
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

        lone = journey.person("j-beoordelaar", ["beoordelaar"], "Bo Beoordelaar")
        assert "Meldpunt Ondermijning — Zaanstad" in lone.page.locator("header").inner_text()
        assert lone.page.locator("header").get_by_label("Werkt voor:").count() == 0
        lone.menu("Werkvoorraad", "beoordelaar-werkvoorraad")
        rows = search(lone, WORDS, "beoordelaar-gezocht")
        assert rows.count() == 1 and zaans.reference in rows.first.inner_text()
        lone.does_not_see(wormer.reference, "Wormerland")
    finally:
        journey.close()
