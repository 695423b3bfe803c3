"""Weging 4 in a real browser (Chromium via Playwright): a team member opens a signal in
bronnenonderzoek, clicks 'Weging 4', first submits without a reasoning (the error stands at the
field), then chooses 'casus starten' with a reasoning and lands on the new casus. A regisseur sees
why weging 4 waits while a source request is open. Every page: strict CSP, no inline script or
style, no console errors, axe clean, screenshot in var/screenshots/w4-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meldpunt.cases.models import CasusSignal
from meldpunt.protocol.models import Destination
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.protocol.sources import seed_sources
from test_browser_bronnenonderzoek import _signal
from test_browser_cases import SCREENSHOTS, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


class Weger(Person):
    """A Person whose screenshots are named w4-*.png (the checks are the same)."""

    def check(self, name: str, response=None) -> None:
        original = SCREENSHOTS / f"casus-{name}.png"
        super().check(name, response)
        original.rename(SCREENSHOTS / f"w4-{name}.png")


def test_weging_4_casus_starten_in_the_browser(live_server, browser, demo_reloaded):
    from meldpunt.accounts import services as account_services

    seed_sources()
    walker = account_services.create_user("walker-w4", "een-lang-wachtwoord-voor-tests", ["beoordelaar", "teamlid"])
    signal = _signal(walker)
    waiting = _signal(walker)
    base = live_server.url
    team = Weger(browser, base, "team-w4", ["teamlid"])
    regie = Weger(browser, base, "regie-w4", ["regisseur"])
    page = team.page

    # A source request without privacy check 1: the regisseur sees why W4 waits, and no submit.
    research.request_sources(account_services.create_user("vrager-w4", "een-lang-wachtwoord-voor-tests",
                                                          ["regisseur"]),
                             waiting, [Source.objects.get(code="BAG")], [waiting.subjects.get(kind="adres").pk],
                             "Is de loods in gebruik?")
    regie.open(f"/signalen/{waiting.reference}/weging-4/", "wacht")
    expect(regie.page.locator("main .utrecht-alert")).to_contain_text("Weging 4 kan nog niet worden vastgelegd")
    expect(regie.page.locator("main .utrecht-alert")).to_contain_text("Privacytoets 1 voor de bron BAG")
    expect(regie.page.get_by_role("button", name="Weging 4 vastleggen")).to_have_count(0)

    # The team member opens the signal and clicks the clear button.
    team.open(f"/signalen/{signal.reference}/", "signaal")
    with page.expect_navigation():
        page.get_by_role("link", name="Weging 4").click()
    assert page.url == f"{base}/signalen/{signal.reference}/weging-4/"
    team.check("pagina")
    for label in ("Casus starten", "Afdeling regie", "Doorzetten naar het RIEC", "Niet in behandeling"):
        expect(page.locator("main fieldset").first).to_contain_text(label)
    expect(page.get_by_label("Grondslag", exact=True)).to_have_value("AVG art. 6 lid 1 sub e")

    # The doorzending part shows only for the RIEC outcome.
    riec_part = page.locator("fieldset.mp-alleen-riec")
    expect(riec_part).to_be_hidden()
    page.get_by_label("Doorzetten naar het RIEC").check()
    expect(riec_part).to_be_visible()
    expect(page.get_by_label("Bestemming")).to_have_value(str(Destination.objects.get(code="riec").pk))

    # Without a reasoning: the error stands at the field, nothing is written.
    page.get_by_label("Casus starten", exact=False).check()
    expect(riec_part).to_be_hidden()
    team.submit(page.get_by_role("button", name="Weging 4 vastleggen"))
    error = page.locator("#id_reasoning-fout")
    expect(error).to_have_text("Motiveer het besluit: de motivering is verplicht.")
    expect(page.locator("#id_reasoning")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Casus starten", exact=False)).to_be_checked()
    team.check("fout")
    assert not CasusSignal.objects.filter(signal=signal).exists()

    page.get_by_label("Motivering").fill("De BAG bevestigt bedrijfsmatig gebruik; integrale aanpak nodig.")
    team.submit(page.get_by_role("button", name="Weging 4 vastleggen"))
    casus = CasusSignal.objects.get(signal=signal).casus
    assert page.url == f"{base}/casussen/{casus.reference}/"
    expect(page.locator("main .utrecht-alert").first).to_contain_text(
        f"casus {casus.reference} is gestart uit signaal {signal.reference}")
    expect(page.locator("h1")).to_contain_text(casus.reference)
    team.check("casus")
    signal.refresh_from_db()
    assert signal.state == "casus"
