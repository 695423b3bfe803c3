"""Journey: what step 3 found is released to one participant (issue 12, part 3).

Setup (services, before any click): a casus whose signal went through bronnenonderzoek with
approved BRP and NHR details, on the agenda of a planned casusoverleg with one participant. Then by
clicks only: the regisseur proposes one detail field (the BRP woonadres) for that participant in
PC2A; the privacyfunctionaris reads the preview (the participant's own view) and approves; the
deelnemer sees exactly that field, in words, and nothing else of step 3. Every page: screenshot,
axe, CSP, no internal code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from factories import casus_with_details, planned_meeting
from meldpunt.accounts.models import User
from meldpunt.protocol.research.selectors import approved_values
from meldpunt.registries.models import Functionaris, Persoon
from test_browser_cases import SCREENSHOTS, Person
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


class Journeyer(Person):
    """A Person whose pages are saved as journey screenshots and checked for internal codes."""

    def check(self, name: str, response=None) -> None:
        super().check(f"journey-vrijgave-gegevens-{name}", response)
        (SCREENSHOTS / f"casus-journey-vrijgave-gegevens-{name}.png").replace(
            SCREENSHOTS / f"journey-vrijgave-gegevens-{name}.png")
        assert codes_in(visible_text(self.page.content())) == [], name


def test_a_registry_detail_is_released_to_one_participant(live_server, demo_reloaded, browser):
    base = live_server.url
    regie = Journeyer(browser, base, "regie-gegevens", ["regisseur", "teamlid", "beoordelaar"])
    pf = Journeyer(browser, base, "pf-gegevens", ["privacyfunctionaris"])
    deelnemer = Journeyer(browser, base, "deelnemer-gegevens", ["deelnemer"])
    # Setup through the services: approved details in step 3, the meeting with its participant.
    regie_user, pf_user = User.objects.get(username="regie-gegevens"), User.objects.get(username="pf-gegevens")
    casus, person, company, brp, _nhr = casus_with_details(regie_user, pf_user)
    meeting, item, (seat,) = planned_meeting(regie_user, casus, User.objects.get(username="deelnemer-gegevens"))
    woonadres = approved_values(brp)[0]["verblijfplaats.adres"]
    persoon = Persoon.objects.get(bsn=person.bsn)
    director = Functionaris.objects.filter(onderneming__kvk_nummer=company.kvk_nummer).first().persoon

    # The regisseur proposes the BRP woonadres, and only that, for the participant.
    page = regie.page
    regie.open(f"/casusoverleggen/{meeting.pk}/", "overleg")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Vrijgave aanvragen voor {seat.organisation}").click()
    regie.check("aanvragen")
    expect(page.locator("main")).to_contain_text("Functionarissen van onderneming")
    page.get_by_label(re.compile(r"^BRP .*: Woonadres van persoon")).check()
    page.get_by_label("Waarvoor heeft de ontvanger dit nodig?").fill("Vergunningen moet weten waar hij woont.")
    regie.submit(page.get_by_role("button", name="Vrijgave aanvragen"))
    regie.check("aangevraagd")
    expect(page.locator("main")).to_contain_text("ligt bij de privacyfunctionaris")

    # The privacyfunctionaris sees exactly what the participant will get, then approves.
    pf.open("/te-beoordelen/", "te-beoordelen")
    with pf.page.expect_navigation():
        pf.page.locator("main a", has_text="Beoordelen").first.click()
    pf.check("besluit")
    preview = pf.page.locator(".mp-preview")
    expect(preview).to_contain_text("Gegevens uit bronnenonderzoek")
    expect(preview).to_contain_text("Woonadres")
    expect(preview).to_contain_text(woonadres)
    expect(preview).not_to_contain_text("Geboortedatum")
    expect(preview).not_to_contain_text(persoon.bsn)
    pf.page.get_by_label("Vrijgeven zoals gevraagd").check()
    pf.page.get_by_label("Motivering").fill("Alleen het woonadres; minimaal nodig voor de vergunningcheck.")
    pf.page.get_by_label("Noodzaak en minimale gegevens").fill("Zonder adres kan Vergunningen niet toetsen.")
    pf.submit()
    pf.check("besloten")
    expect(pf.page.locator("h1")).to_have_text("Te beoordelen")

    # The participant reads the released field in words, and nothing else of step 3.
    deelnemer.open("/mijn-casussen/", "mijn-casussen")
    main = deelnemer.page.locator("main")
    expect(main).to_contain_text(casus.reference)
    expect(main).to_contain_text("Woonadres")
    expect(main).to_contain_text(woonadres)
    text = main.inner_text()
    for hidden in ("Geboortedatum", "Functionarissen", persoon.bsn, persoon.geslachtsnaam, director.bsn,
                   director.geslachtsnaam):
        assert hidden not in text, hidden
    for person_ in (regie, pf, deelnemer):
        person_.context.close()
