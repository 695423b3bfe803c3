"""Journey: the archivaris destroys what is past its term. A signal that was not taken into
behandeling is past its retention term (set up with an old date, as if decided 400 days ago).
The archivaris sees it on the watchlist and composes a destruction list; a second archivaris
reviews and approves it (four eyes), and the bedenktijd starts. Operations rehearse the daily job
with `meldpunt retention run --peildatum` on a day after the bedenktijd (the clock moved without
editing the database); the archivaris then sees the statement of destruction and each record
marked destroyed, with its result class by name."""

from datetime import timedelta
from io import StringIO

import journey_setup as setup
import pytest
from django.core.management import call_command
from journey_support import Journey

from test_retention_support import age, niet_in_behandeling

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_archivaris_destroys_after_the_term(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    old = age(niet_in_behandeling(clerk, setup.signal(clerk, "Oud signaal zonder grond.")), 400)
    assert old.destroy_after and old.destroy_after < setup.in_days(0)
    journey = Journey("vernietigen", browser, live_server.url)
    try:
        archivaris = journey.person("j-archivaris", ["archivaris"], "Aart Archivaris")
        tweede = journey.person("j-archivaris-2", ["archivaris"], "Tineke Tweede")
        page = archivaris.page
        archivaris.menu("Bewaartermijnen", "bewaartermijnen")
        archivaris.sees(old.reference)
        page.get_by_label("Naam van de lijst").fill("Vernietigingslijst journey")
        page.get_by_label("Bewaartermijn verstreken op of voor").fill(old.destroy_after.isoformat())
        archivaris.press("Lijst opstellen", "lijst")
        archivaris.sees("Vernietigingslijst journey", old.reference, "Aart Archivaris")
        assert "Lijst nu uitvoeren" not in archivaris.main_text()  # not before a second archivaris approved

        tweede.menu("Bewaartermijnen", "bewaartermijnen-tweede")
        tweede.follow("Vernietigingslijst journey", "lijst-beoordelen", exact=True)
        tweede.page.get_by_label("Goedkeuren (de bedenktijd gaat in)").check()
        tweede.page.get_by_label("Toelichting").fill("Steekproef gedaan: termijn verstreken, geen bewaarplicht.")
        tweede.press("Beoordeling vastleggen", "lijst-goedgekeurd")
        tweede.sees("Tineke Tweede", "De bedenktijd loopt tot")

        page.reload()
        archivaris.check("lijst-bedenktijd")
        assert "Lijst nu uitvoeren" not in archivaris.main_text()  # not during the bedenktijd

        # Operations rehearse the daily job on a day after the bedenktijd (`--peildatum`).
        day_after = setup.in_days(0) + timedelta(days=settings_cooling_off() + 1)
        out = StringIO()
        call_command("retention", "run", "--peildatum", day_after.isoformat(), stdout=out)
        assert "Peildatum" in out.getvalue()

        page.reload()
        archivaris.check("lijst-uitgevoerd")
        archivaris.sees("Verklaring van vernietiging", "Uitgevoerd", "door de dagelijkse taak")
        archivaris.sees_row(old.reference, "Vernietigd", "Signaal: niet in behandeling of geen hit")
    finally:
        journey.close()


def settings_cooling_off() -> int:
    from django.conf import settings

    return settings.MELDPUNT_DESTRUCTION_COOLING_OFF_DAYS
