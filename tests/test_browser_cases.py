"""A whole casusoverleg in a real browser (Chromium via Playwright), each person in their own
session: the regisseur plans the meeting, invites a participant and asks a release; the
privacyfunctionaris decides PC2A; the participant sees only what was released; minutes,
attendance, plan van aanpak, PC2B, the uitvoerder reports the intervention done, and the casus
is closed with a result class. Every page: strict CSP, no inline script/style, no console
errors, axe clean, screenshot in var/screenshots/casus-*.png."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.journey_support import check_page, new_context
from meldpunt.accounts import services as account_services
from meldpunt.cases.models import Casus, Intervention, ReleaseRequest
from meldpunt.intake import services as intake_services
from meldpunt.privacy.retention.models import ResultClass
from meldpunt.protocol import services as protocol_services
from test_browser_intake import _address, _step1_wegingen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"
SECRET = "Verborgen Bewoner"
COMMON = {"purpose": "Voorkomen van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}


class Person:
    """One user in their own browser context; every page is checked as it is opened."""

    def __init__(self, browser, base, username, roles):
        account_services.create_user(username, PASSWORD, roles)
        self.base, self.username = base, username
        self.context = new_context(browser, base)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto("/inloggen/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.submit()

    def submit(self, button=None):
        with self.page.expect_navigation():
            (button or self.page.locator("main button[type=submit]").last).click()

    def check(self, name: str, response=None) -> None:
        check_page(self.page, self.errors, SCREENSHOTS / f"casus-{name}.png", response)

    def open(self, path: str, name: str):
        response = self.page.goto(path)
        assert response.ok, (path, response.status)
        self.check(name, response)


def _casus() -> Casus:
    """A signal through steps 1-3 and W4 'casus' (the protocol pages have their own browser test)."""
    team = account_services.create_user("team-browser", PASSWORD, ["teamlid", "beoordelaar"])
    signal = intake_services.create_signal(intake_services.SignalInput(
        channel="intern", reporter_kind="medewerker", phenomenon="hennepteelt_drugs", address=_address().pk,
        description=f"Sterke wietlucht en afgeplakte ramen; {SECRET} komt er elke nacht.",
        subjects=[intake_services.SubjectInput(kind="persoon", name=SECRET, bsn="999993653")]))
    protocol_services.decide(team, signal, _step1_wegingen(), "intake_doorzetten")
    W = protocol_services.WegingInput
    protocol_services.decide(team, signal, [W("W3", "bronnenonderzoek", "Concreet en recent.", necessity="nodig",
                                              proportionality="evenredig", subsidiarity="geen lichter middel",
                                              **COMMON)], "zwaarte_bronnenonderzoek")
    protocol_services.decide(team, signal, [W("W4", "casus", "De hits bevestigen het signaal.", **COMMON)],
                             "hits_casus")
    return Casus.objects.get(signal_links__signal=signal)


def _result_class() -> ResultClass:
    extra = {"applies_to": "casus"} if any(f.name == "applies_to" for f in ResultClass._meta.get_fields()) else {}
    rc, _ = ResultClass.objects.get_or_create(code="browser-handhaving", defaults={
        "name": "Handhaving uitgevoerd (browsertest)", "selectielijst_item": "12.2", "term_months": 120, **extra})
    return rc


def _decide(pf: Person, name: str) -> None:
    pf.open("/te-beoordelen/", f"{name}-te-beoordelen")
    with pf.page.expect_navigation():
        pf.page.locator("main a", has_text="Beoordelen").first.click()
    pf.check(f"{name}-besluit")
    pf.page.get_by_label("Vrijgeven zoals gevraagd").check()
    pf.page.get_by_label("Motivering").fill("Minimaal nodig voor deze ontvanger.")
    pf.page.get_by_label("Noodzaak en minimale gegevens").fill("Zonder deze gegevens kan de ontvanger niet handelen.")
    pf.submit()
    expect(pf.page.locator("h1")).to_have_text("Te beoordelen")


def test_a_whole_casusoverleg_in_the_browser(live_server, browser):
    casus = _casus()
    casus.lead = None
    casus.save(update_fields=["lead"])
    result_class = _result_class()
    base = live_server.url
    regie = Person(browser, base, "regie-browser", ["regisseur"])
    pf = Person(browser, base, "pf-browser", ["privacyfunctionaris"])
    deelnemer = Person(browser, base, "deelnemer-browser", ["deelnemer"])
    uitvoerder = Person(browser, base, "uitvoerder-browser", ["uitvoerder"])
    page = regie.page

    # The regisseur takes the lead and plans the meeting.
    regie.open(f"/casussen/{casus.reference}/", "casus-voorbereiding")
    regie.submit(page.get_by_role("button", name="Regie nemen"))
    regie.open("/casusoverleggen/", "overleggen")
    page.get_by_label("Datum en tijd").fill((timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Plaats").fill("Stadhuis, kamer 3")
    regie.submit(page.get_by_role("button", name="Plannen"))
    regie.check("overleg-nieuw")
    page.get_by_label("Casus", exact=True).select_option(label=casus.reference)
    regie.submit(page.get_by_role("button", name="Op de agenda zetten"))
    page.get_by_label("Deelnemer", exact=True).select_option(label="deelnemer-browser")
    page.get_by_label("Afdeling of organisatie").fill("Vergunningen")
    regie.submit(page.get_by_role("button", name="Uitnodigen"))
    regie.check("overleg-agenda")
    with page.expect_navigation():
        page.get_by_role("link", name="Vrijgave aanvragen voor Vergunningen").click()
    regie.check("vrijgave-aanvragen")
    # The description names the subject: the regisseur is warned that it will be masked (ADR 0021).
    expect(page.locator("main")).to_contain_text("Vrije tekst wordt gemaskeerd")
    page.get_by_label("Fenomeen van de signalen").check()
    page.get_by_label("Omschrijving van de signalen").check()
    page.get_by_label("Waarvoor heeft de ontvanger dit nodig?").fill("Om de aanpak te bepalen.")
    regie.submit(page.get_by_role("button", name="Vrijgave aanvragen"))

    # The privacyfunctionaris decides PC2A, seeing the description as the participant will.
    pf.open("/te-beoordelen/", "pc2a-voorbeeld-te-beoordelen")
    with pf.page.expect_navigation():
        pf.page.locator("main a", has_text="Beoordelen").first.click()
    expect(pf.page.locator("main")).to_contain_text("[persoon] komt er elke nacht")
    assert SECRET not in pf.page.locator("main").inner_text().split("Zo ziet de ontvanger het", 1)[-1]
    _decide(pf, "pc2a")
    assert ReleaseRequest.objects.get(kind="PC2A").state == "vrijgegeven"

    # The participant sees the phenomenon and the masked description, never the subject.
    deelnemer.open("/mijn-casussen/", "mijn-casussen")
    expect(deelnemer.page.locator("main")).to_contain_text(casus.reference)
    expect(deelnemer.page.locator("main")).to_contain_text("Hennepteelt")
    expect(deelnemer.page.locator("main")).to_contain_text("[persoon] komt er elke nacht")
    assert SECRET not in deelnemer.page.content() and "999993653" not in deelnemer.page.content()

    # Casusoverleg: agenderen, minutes, attendance, plan van aanpak.
    regie.open(f"/casussen/{casus.reference}/", "casus-klaar-voor-overleg")
    regie.submit(page.get_by_role("button", name="Agenderen voor casusoverleg"))
    meeting = casus.agenda_items.get().meeting
    regie.open(f"/casusoverleggen/{meeting.pk}/", "overleg-met-vrijgave")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Verslag en besluiten vastleggen bij {casus.reference}").click()
    regie.check("verslag")
    page.get_by_label("Verslag", exact=True).fill("Besproken: bewoning en hennepgeur bevestigd door twee afdelingen.")
    page.get_by_label("Besluiten").fill("Sluiting 13b Opiumwet voorbereiden.")
    regie.submit(page.get_by_role("button", name="Verslag vastleggen"))
    page.get_by_label("deelnemer-browser (Vergunningen)").check()
    regie.submit(page.get_by_role("button", name="Aanwezigheid vastleggen"))
    regie.open(f"/casussen/{casus.reference}/", "casus-overleg")
    regie.submit(page.get_by_role("button", name="Plan van aanpak vaststellen"))
    with page.expect_navigation():
        page.get_by_role("link", name="Interventie toevoegen").click()
    regie.check("interventie-nieuw")
    page.get_by_label("Instrument").select_option(index=1)
    page.get_by_label("Wat gebeurt er?").fill("Last onder bestuursdwang tot sluiting voorbereiden.")
    page.get_by_label("Uitvoerder").select_option(label="uitvoerder-browser")
    page.get_by_label("Uiterlijk klaar op").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    regie.submit(page.get_by_role("button", name="Toevoegen"))
    with page.expect_navigation():
        page.get_by_role("link", name="Vrijgave aanvragen").first.click()
    page.get_by_label("Locatie (adres of buurt) van de signalen").check()
    page.get_by_label("Waarvoor heeft de ontvanger dit nodig?").fill("Het adres van het pand.")
    regie.submit(page.get_by_role("button", name="Vrijgave aanvragen"))

    # Before PC2B the uitvoerder sees neither the description nor any released data.
    waiting = Intervention.objects.get(casus=casus)
    uitvoerder.open(f"/mijn-acties/{waiting.pk}/", "actie-wacht-op-2b")
    assert waiting.description not in uitvoerder.page.content()

    # PC2B, then the intervention runs and is reported done.
    _decide(pf, "pc2b")
    regie.open(f"/casussen/{casus.reference}/", "casus-pva")
    regie.submit(page.get_by_role("button", name="Interventies in uitvoering"))
    action = Intervention.objects.get(casus=casus)
    uitvoerder.open("/mijn-acties/", "mijn-acties")
    uitvoerder.open(f"/mijn-acties/{action.pk}/", "actie")
    assert SECRET not in uitvoerder.page.content()
    uitvoerder.page.get_by_label("Gestart").check()
    uitvoerder.submit()
    uitvoerder.page.get_by_role("radio", name="Afgerond").check()
    uitvoerder.page.get_by_label("Resultaat").fill("Pand gesloten voor zes maanden.")
    uitvoerder.submit()
    uitvoerder.check("actie-afgerond")
    action.refresh_from_db()
    assert action.status == "afgerond"

    # Monitoring and closing with a result class.
    regie.open(f"/casussen/{casus.reference}/", "casus-uitvoering")
    regie.submit(page.get_by_role("button", name="Naar monitoring"))
    with page.expect_navigation():
        page.get_by_role("link", name="Afsluiten").click()
    regie.check("afsluiten")
    page.get_by_label("Resultaatklasse").select_option(value=str(result_class.pk))
    page.get_by_label("Evaluatie").fill("Aanpak werkte; pand gesloten.")
    regie.submit(page.get_by_role("button", name="Afsluiten"))
    regie.check("casus-afgesloten")
    casus.refresh_from_db()
    assert casus.state == "afgesloten" and casus.result_class == result_class and casus.closed_at
    regie.open("/casussen/rapportages/", "rapportages")
    for person in (regie, pf, deelnemer, uitvoerder):
        person.context.close()
