"""Journey: linking a signal to an existing casus. A second signal about the same address waits
in bronnenonderzoek; the regisseur of the casus opens the casus, clicks 'Signaal koppelen',
chooses the signal, motivates its own weging 4 and sees the signal listed in the casus."""

import journey_setup as setup
import pytest
from journey_support import Journey

from meldpunt.cases import services as casus_services

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_regisseur_links_a_signal_to_a_casus(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    casus = setup.casus_from(clerk, setup.signal(clerk, "Hennepgeur bij de loods.", name="Verborgen Bewoner",
                                                 bsn="999993653"))
    second = setup.in_research(clerk, setup.signal(clerk, "Weer busjes bij dezelfde loods, nu ook 's ochtends."))
    journey = Journey("koppelen", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur")
        casus_services.take_lead(regie.user, casus)  # setup: this regisseur leads the casus
        page = regie.page

        regie.menu("Casussen", "casussen")
        regie.follow(casus.reference, "casus", exact=True)
        regie.sees("Signalen (1)")
        regie.follow("Signaal koppelen", "koppelen")
        regie.sees("Signaal koppelen", "eigen weging 4")
        choice = page.get_by_label("Signaal", exact=True)
        option = next(o for o in choice.locator("option").all_inner_texts() if o.startswith(second.reference))
        assert option.endswith("(Bronnenonderzoek)"), option
        choice.select_option(label=option)
        regie.press("Koppelen", "koppelen-fout")  # no reasoning: said at the field, nothing linked
        assert page.locator("main [aria-invalid=true]").count() >= 1
        page.get_by_label("Motivering").fill("Zelfde loods, zelfde patroon: hoort bij deze aanpak.")
        regie.press("Koppelen", "casus-gekoppeld")
        regie.sees(f"Signaal {second.reference} hoort nu bij de casus.", "Signalen (2)", second.reference)
        regie.follow(second.reference, "signaal-gekoppeld", exact=True)
        regie.sees(f"Signaal {second.reference}", casus.reference)
    finally:
        journey.close()
