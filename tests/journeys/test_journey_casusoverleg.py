"""Journey: the casusoverleg. The regisseur takes the lead of a new casus, plans a casusoverleg,
puts the casus on the agenda, invites two participants and proposes a PC2A release per
participant; the privacyfunctionaris decides both, seeing what each participant will get; each
deelnemer sees only what was released to them."""

import journey_setup as setup
import pytest
from journey_support import Journey
from playwright.sync_api import expect

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SECRET = "Verborgen Bewoner"


def _release(regie, organisation: str, items: list[str], why: str, shot: str) -> None:
    regie.follow(f"Vrijgave aanvragen voor {organisation}", f"{shot}-aanvragen")
    for item in items:
        regie.page.get_by_label(item).check()
    regie.page.get_by_label("Waarvoor heeft de ontvanger dit nodig?").fill(why)
    regie.press("Vrijgave aanvragen", f"{shot}-aangevraagd")


def _decide(pf, shot: str) -> None:
    pf.menu("Te beoordelen", f"{shot}-te-beoordelen")
    pf.follow("Beoordelen", f"{shot}-besluit")
    pf.sees("Zo ziet de ontvanger het")
    assert SECRET not in pf.main_text().split("Zo ziet de ontvanger het", 1)[-1]
    pf.page.get_by_label("Vrijgeven zoals gevraagd").check()
    pf.page.get_by_label("Motivering").fill("Minimaal nodig voor deze ontvanger.")
    pf.page.get_by_label("Noodzaak en minimale gegevens").fill("Zonder deze gegevens kan de ontvanger niet handelen.")
    pf.press("Besluit vastleggen", f"{shot}-besloten")
    expect(pf.page.locator("h1")).to_have_text("Te beoordelen")


def test_casusoverleg_with_a_release_per_participant(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    casus = setup.casus_from(clerk, setup.signal(
        clerk, f"Sterke wietlucht en afgeplakte ramen; {SECRET} komt er elke nacht.", name=SECRET, bsn="999993653"))
    journey = Journey("casusoverleg", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur")
        pf = journey.person("j-privacy", ["privacyfunctionaris"], "Petra Privacy")
        vergunningen = journey.person("j-deelnemer-1", ["deelnemer"], "Vera Vergunning")
        politie = journey.person("j-deelnemer-2", ["deelnemer"], "Paul Politie")
        page = regie.page

        # The regisseur takes the lead of the new casus.
        regie.menu("Casussen", "casussen")
        regie.follow(casus.reference, "casus", exact=True)
        regie.sees("nog niemand")
        regie.press("Regie nemen", "casus-regie")
        regie.sees("Rik Regisseur")

        # Plans the meeting, puts the casus on the agenda, invites two participants.
        regie.follow("Casusoverleg plannen", "overleggen")
        page.get_by_label("Datum en tijd").fill(f"{setup.in_days(2).isoformat()}T10:00")
        page.get_by_label("Plaats").fill("Stadhuis, kamer 3")
        regie.press("Plannen", "overleg-nieuw")
        page.get_by_label("Casus", exact=True).select_option(label=casus.reference)
        regie.press("Op de agenda zetten", "overleg-agenda")
        for person, organisation in ((vergunningen, "Vergunningen"), (politie, "Politie")):
            page.get_by_label("Deelnemer", exact=True).select_option(label=person.user.get_full_name())
            page.get_by_label("Afdeling of organisatie").fill(organisation)
            regie.press("Uitnodigen", f"overleg-{organisation.lower()}")
        regie.sees("Vera Vergunning – Vergunningen", "Paul Politie – Politie")

        # A release per participant: what each needs, no more.
        _release(regie, "Vergunningen", ["Fenomeen van de signalen", "Omschrijving van de signalen"],
                 "Om te beoordelen of de vergunning moet worden ingetrokken.", "vrijgave-vergunningen")
        _release(regie, "Politie", ["Locatie (adres of buurt) van de signalen"],
                 "Om de surveillance op het adres te richten.", "vrijgave-politie")
        regie.sees_row("Paul Politie (Politie)", "Wacht op besluit (0 van 1)")
        regie.sees_row("Vera Vergunning (Vergunningen)", "Wacht op besluit (0 van 2)")

        # The privacyfunctionaris decides each, seeing the masked view.
        _decide(pf, "pc2a-1")
        _decide(pf, "pc2a-2")

        # Each participant sees only their release.
        vergunningen.menu("Mijn casussen", "mijn-casussen-vergunningen")
        vergunningen.sees(casus.reference, "Hennepteelt", "[persoon] komt er elke nacht")
        vergunningen.does_not_see(SECRET, "999993653")
        politie.menu("Mijn casussen", "mijn-casussen-politie")
        politie.sees(casus.reference)
        politie.does_not_see(SECRET, "999993653", "wietlucht")

        # The regisseur sees both released on the meeting page.
        regie.page.reload()
        regie.check("overleg-vrijgegeven")
        regie.sees_row("Paul Politie (Politie)", "Vrijgegeven (1 van 1)")
        regie.sees_row("Vera Vergunning (Vergunningen)", "Vrijgegeven (2 van 2)")
    finally:
        journey.close()
