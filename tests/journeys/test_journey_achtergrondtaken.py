"""Journey: a new ondermijningsbeeld as a background job. The analist presses "Nieuw beeld maken"
on the versions page and sees the job finished (the embedded default runs it in the process) with
a link to the new version; the beheerder finds it on Achtergrondtaken, with the schedule, and
starts one there too."""

import pytest
from journey_support import Journey

from beeld_support import beeld_dir, forget_snapshots

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_analist_makes_a_beeld_and_the_beheerder_sees_the_jobs(live_server, browser, demo_reloaded, tmp_path):
    forget_snapshots()
    with beeld_dir(tmp_path):
        journey = Journey("achtergrondtaken", browser, live_server.url)
        try:
            analist = journey.person("j-analist-taken", ["analist"], "Anouk Analist")
            analist.menu("Ondermijningsbeeld", "beeld")
            analist.follow("Versies", "versies", exact=True)
            analist.sees("Nog geen momentopnamen.")
            analist.press("Nieuw beeld maken", "taak")
            analist.sees("Nieuw ondermijningsbeeld maken", "Gestart", "door Anouk Analist", "Klaar",
                         "Versie 1 gemaakt")
            analist.follow("Bekijk het resultaat", "versie-1")
            analist.sees("Ondermijningsbeeld versie 1")

            beheerder = journey.person("j-beheerder-taken", ["beheerder"], "Bart Beheerder")
            beheerder.menu("Beheer", "beheer")
            beheerder.follow("Achtergrondtaken", "achtergrondtaken")
            beheerder.sees("Geen mislukte taken", "Nieuw ondermijningsbeeld maken", "Anouk Analist",
                           "Bewaartermijnen (dagelijkse taak): elke dag om 02:30")
            beheerder.press("Nieuw beeld maken", "taak-beheerder")
            beheerder.sees("Klaar", "Versie 2 gemaakt")
            beheerder.follow("Naar de achtergrondtaken", "achtergrondtaken-weer")
            beheerder.sees_row("Bart Beheerder", "Nieuw ondermijningsbeeld maken", "Klaar")
        finally:
            journey.close()
