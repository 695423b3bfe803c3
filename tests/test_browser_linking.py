"""The linking page in a real browser: the signal page links to it, the candidates show with score
and reasons after an approved privacy check 1 and an approved details request, a rejection
without explanation gives a Dutch error, a confirmation is stored, axe finds nothing, and a
screenshot goes to var/screenshots/koppelen.png to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from factories import pc1, signal_in_research
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.registries.models import LinkJudgement, Onderneming, Persoon

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"


@pytest.mark.django_db(transaction=True)
def test_linking_page_confirms_and_rejects_accessibly(live_server, browser, demo_reloaded):
    regisseur = account_services.create_user("koppel_regisseur", PASSWORD, ["regisseur"], first_name="Regi")
    walker = account_services.create_user("koppel_walker", PASSWORD, [r.value for r in Role])
    pf = account_services.create_user("koppel_pf", PASSWORD, ["privacyfunctionaris"])
    persoon = Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()
    signal = signal_in_research({"walker": walker}, {"bsn": persoon.bsn, "unknown_bsn": "999999990",
                                                     "kvk": Onderneming.objects.order_by("pk").first().kvk_nummer})
    mention = signal.subjects.get(bsn=persoon.bsn)
    item = research.request_sources(regisseur, signal, [Source.objects.get(code="BRP")], [mention.pk],
                                    "Is dit de genoemde bewoner?")[0]
    research.decide_pc1(pf, item, pc1())
    # The PC1 gives hit/no-hit only; who the candidates are opens with an approved details request (issue 13).
    details = research.request_details(regisseur, item.hits.get(subject=mention),
                                       ["burgerservicenummer", "naam.geslachtsnaam"], "Is dit de genoemde bewoner?")
    research.decide_details(pf, details, pc1())

    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/inloggen/")
    page.fill("#id_username", "koppel_regisseur")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/signalen/{signal.reference}/")
    links = page.get_by_role("link", name="Koppelen aan registratie")
    expect(links).to_have_count(3)
    with page.expect_navigation():
        page.locator(f"a[href$='/betrokkenen/{mention.pk}/koppelen/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Koppelen aan registratie")
    first = page.locator("article").first
    expect(first).to_contain_text("%")
    expect(first).to_contain_text(persoon.bsn)

    first.get_by_role("button", name="Afwijzen: niet dezelfde").click()
    expect(page.get_by_role("alert")).to_contain_text("Geef bij afwijzen in een zin aan waarom")
    assert not LinkJudgement.objects.exists()
    page.locator("article").first.get_by_role("button", name="Bevestigen: dezelfde").click()
    expect(page.get_by_role("status").first).to_contain_text("bevestigd en vastgelegd")
    expect(page.locator("article").first).to_contain_text("Bevestigd: dezelfde door")
    assert LinkJudgement.objects.get().entity_key == persoon.bsn

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "koppelen.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    context.close()
