"""Journey: closing a casus. Every intervention is done; the regisseur moves the casus to
monitoring, then closes it with a result class (which sets the retention term), an evaluation
and an outcome per signal, and sees it closed with the date after which it is destroyed."""

import journey_setup as setup
import pytest
from journey_support import Journey

from meldpunt.accounts import services as account_services
from meldpunt.cases import services as casus_services

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_regisseur_closes_a_casus(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    signal = setup.signal(clerk, "Hennepkwekerij op zolder, stroom afgetapt.", name="Verborgen Bewoner",
                          bsn="999993653")
    casus = setup.casus_from(clerk, signal)
    journey = Journey("afsluiten", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur")
        # Setup, before anyone clicks: the casus ran its course under this regisseur.
        casus_services.take_lead(regie.user, casus)
        pf = account_services.create_user("j-privacy", setup.PASSWORD, ["privacyfunctionaris"])
        deelnemer = account_services.create_user("j-deelnemer", setup.PASSWORD, ["deelnemer"])
        uitvoerder = account_services.create_user("j-uitvoerder", setup.PASSWORD, ["uitvoerder"],
                                                  first_name="Udo", last_name="Uitvoerder")
        setup.all_done(regie.user, pf, casus, deelnemer, uitvoerder)
        page = regie.page

        regie.menu("Casussen", "casussen")
        regie.follow(casus.reference, "casus", exact=True)
        regie.sees("Uitvoering", "Afgerond: Pand gesloten voor zes maanden.")
        regie.press("Naar monitoring", "casus-monitoring")
        regie.sees("Monitoring")
        regie.follow("Afsluiten", "afsluiten")
        regie.press("Afsluiten", "afsluiten-fout")  # nothing chosen: the form says what is missing
        assert page.locator("main [aria-invalid=true]").count() >= 1
        page.get_by_label("Resultaatklasse").select_option(index=1)
        page.get_by_label("Evaluatie").fill("Aanpak werkte: pand gesloten, geen nieuwe signalen.")
        page.get_by_label(f"Uitkomst voor signaal {signal.reference}").fill("Bevestigd: hennepteelt.")
        regie.press("Afsluiten", "casus-afgesloten")
        regie.sees("De casus is afgesloten.", "Afgesloten", "te vernietigen na", "Aanpak werkte")
        regie.menu("Casussen", "casussen-na-afsluiten")
        regie.sees_row(casus.reference, "Afgesloten")
    finally:
        journey.close()
