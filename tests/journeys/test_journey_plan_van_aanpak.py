"""Journey: plan van aanpak with privacy check 2B. After the casusoverleg the regisseur sets the
plan van aanpak, adds an intervention for an uitvoerder and asks the PC2B release of the address;
the privacyfunctionaris approves it; the regisseur starts the execution; the uitvoerder sees the
action under 'Mijn acties' with only the released data and reports it started, then done; the
regisseur sees the result on the casus."""

import journey_setup as setup
import pytest
from journey_support import Journey
from playwright.sync_api import expect

from meldpunt.accounts import services as account_services
from meldpunt.cases import services as casus_services

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SECRET = "Verborgen Bewoner"


def test_plan_van_aanpak_pc2b_and_intervention_done(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    casus = setup.casus_from(clerk, setup.signal(clerk, f"Hennepgeur; {SECRET} komt er elke nacht.",
                                                 name=SECRET, bsn="999993653"))
    journey = Journey("plan-van-aanpak", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur")
        pf = journey.person("j-privacy", ["privacyfunctionaris"], "Petra Privacy")
        uitvoerder = journey.person("j-uitvoerder", ["uitvoerder"], "Udo Uitvoerder")
        # Setup, before anyone clicks: this regisseur led the casusoverleg, with one participant.
        casus_services.take_lead(regie.user, casus)
        deelnemer = account_services.create_user("j-deelnemer", setup.PASSWORD, ["deelnemer"])
        setup.after_casusoverleg(regie.user, pf.user, casus, deelnemer)
        page = regie.page

        regie.menu("Casussen", "casussen")
        regie.follow(casus.reference, "casus", exact=True)
        regie.sees("Casusoverleg")
        regie.press("Plan van aanpak vaststellen", "casus-pva")
        regie.follow("Interventie toevoegen", "interventie-nieuw")
        page.get_by_label("Instrument").select_option(index=1)
        page.get_by_label("Wat gebeurt er?").fill("Last onder bestuursdwang tot sluiting voorbereiden.")
        page.get_by_label("Uitvoerder").select_option(label="Udo Uitvoerder")
        page.get_by_label("Uiterlijk klaar op").fill(setup.in_days(30).isoformat())
        regie.press("Toevoegen", "casus-interventie")
        regie.sees("Udo Uitvoerder")
        regie.follow("Vrijgave aanvragen", "pc2b-aanvragen")
        page.get_by_label("Locatie (adres of buurt) van de signalen").check()
        page.get_by_label("Waarvoor heeft de ontvanger dit nodig?").fill("Het adres van het pand.")
        regie.press("Vrijgave aanvragen", "pc2b-aangevraagd")
        regie.sees("Wacht op privacytoets 2B")

        # Before PC2B the uitvoerder sees the action but nothing of the casus.
        uitvoerder.menu("Mijn acties", "mijn-acties-wacht")
        uitvoerder.does_not_see(SECRET, "Last onder bestuursdwang tot sluiting")

        pf.menu("Te beoordelen", "pc2b-te-beoordelen")
        pf.follow("Beoordelen", "pc2b-besluit")
        pf.page.get_by_label("Vrijgeven zoals gevraagd").check()
        pf.page.get_by_label("Motivering").fill("De uitvoerder heeft het adres nodig voor de last.")
        pf.page.get_by_label("Noodzaak en minimale gegevens").fill("Alleen het adres.")
        pf.press("Besluit vastleggen", "pc2b-besloten")
        expect(pf.page.locator("h1")).to_have_text("Te beoordelen")

        regie.page.reload()
        regie.check("casus-pc2b-vrijgegeven")
        regie.sees_row("Udo Uitvoerder", "Vrijgegeven")
        regie.press("Interventies in uitvoering", "casus-uitvoering")

        uitvoerder.page.reload()
        uitvoerder.check("mijn-acties")
        uitvoerder.follow(uitvoerder.page.locator("main table a").first.inner_text(), "actie", exact=True)
        uitvoerder.does_not_see(SECRET, "999993653")
        uitvoerder.page.get_by_label("Gestart").check()
        uitvoerder.press("Voortgang melden", "actie-gestart")
        uitvoerder.page.get_by_role("radio", name="Afgerond").check()
        uitvoerder.page.get_by_label("Resultaat").fill("Pand gesloten voor zes maanden.")
        uitvoerder.press("Voortgang melden", "actie-afgerond")
        uitvoerder.sees("Afgerond")

        regie.page.reload()
        regie.check("casus-interventie-afgerond")
        regie.sees_row("Udo Uitvoerder", "Afgerond: Pand gesloten voor zes maanden.")
    finally:
        journey.close()
