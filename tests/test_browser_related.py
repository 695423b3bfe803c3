"""The related items on the signal page in a real browser: the section is there with its counts,
links only to what the user may open, no registry names without approved details, axe finds
nothing, and a screenshot goes to var/screenshots/signaal_gerelateerd.png to look at."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import axe_violations
from meldpunt.accounts import services as account_services
from meldpunt.intake.models import MentionedSubject, Phenomenon, Signal
from meldpunt.registries.models import Persoon, Verblijfplaats, Vestiging

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("orm_next_to_playwright")]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "een-lang-wachtwoord-voor-tests"


def _address_with_residents_and_companies() -> str:
    today = timezone.localdate()
    with_company = set(Vestiging.objects.filter(datum_einde__isnull=True).values_list("adres_id", flat=True))
    for address_id in (Verblijfplaats.objects.filter(datum_einde__isnull=True, datum_aanvang__lte=today)
                       .order_by("adres_id").values_list("adres_id", flat=True)):
        if address_id in with_company:
            return address_id
    pytest.fail("Geen adres met ingeschrevenen en een onderneming in de demogemeente.")


def _signal(reference: str, state: str, address_id: str) -> Signal:
    return Signal.objects.create(
        reference=reference, received_at=timezone.now(), channel="intern",
        phenomenon=Phenomenon.objects.order_by("code").first(), description="Veel bezoek op rare tijden.",
        state=state, state_since=timezone.now(), deadline=timezone.localdate(), address_id=address_id)


@pytest.mark.django_db(transaction=True)
def test_signal_page_shows_related_items_accessibly(live_server, browser, demo_reloaded):
    account_services.create_user("gerelateerd_beoordelaar", PASSWORD, ["beoordelaar"], first_name="Bea")
    address = _address_with_residents_and_companies()
    this = _signal("MO-2097-0000001", "ontvangen", address)
    MentionedSubject.objects.create(signal=this, kind="voertuig", kenteken="GR-01-AB")
    visible = _signal("MO-2097-0000002", "ontvangen", address)
    hidden = _signal("MO-2097-0000003", "zwaarte", None)  # step 2: not the beoordelaar's
    MentionedSubject.objects.create(signal=hidden, kind="voertuig", kenteken="GR-01-AB")
    residents = Persoon.objects.filter(verblijfplaatsen__adres_id=address, verblijfplaatsen__datum_einde__isnull=True)

    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/inloggen/")
    page.fill("#id_username", "gerelateerd_beoordelaar")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/signalen/{this.reference}/")
    section = page.locator("section[aria-labelledby=kop-gerelateerd]")
    expect(section).to_contain_text("Gerelateerd")
    expect(section.get_by_role("link", name=visible.reference)).to_be_visible()
    expect(section).not_to_contain_text(hidden.reference)
    expect(section).to_contain_text("nu ingeschreven")
    expect(section).to_contain_text("gevestigd of genoemd")
    expect(section).to_contain_text("goedgekeurd verzoek om details")
    text = section.inner_text()
    for person in residents:
        assert person.naam not in text
    section.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "signaal_gerelateerd.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    context.close()
