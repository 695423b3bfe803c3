"""Journey: the functioneel beheerder sets the gemeente of a new, empty installation (issue 14,
"What must work" 1). By clicks and form fills only: Beheer › Gemeente instellen, choose Vlieland by
name, and the page says the installation is ready for Vlieland, with the warning that data of
Vlieland is there now; choosing Amsterdam next is refused in Dutch and changes nothing."""

import pytest
from django.core.management import call_command
from journey_support import Journey

from beeld_support import beeld_dir, forget_snapshots
from meldpunt.demo import setup
from meldpunt.tenancy.home import ensure_home_tenant

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]


def test_beheerder_sets_the_gemeente_of_an_empty_installation(live_server, browser, tmp_path, settings):
    # Setup, before anyone clicks: a new installation without registry data. Its gemeente is
    # configured (MELDPUNT_GEMEENTE, so the home tenant exists): every role is held in a gemeente
    # (ADR 0030 §3), so a beheerder needs one before they can log in; the page loads its data.
    settings.MELDPUNT_GEMEENTE = "GM0096"
    call_command("flush", interactive=False, verbosity=0)
    ensure_home_tenant("GM0096")
    forget_snapshots()
    settings.VAR_DIR = tmp_path
    journey = Journey("gemeente-instellen", browser, live_server.url)
    with beeld_dir(tmp_path / "beeld"):
        try:
            beheer = journey.person("j-beheerder", ["beheerder"], "Bea Beheer")
            page = beheer.page
            beheer.menu("Beheer", "beheer")
            beheer.follow("Gemeente instellen", "gemeente")
            beheer.sees("Deze installatie heeft nog geen gemeente.")
            beheer.press("Gemeente instellen", "gemeente-niets-gekozen")
            beheer.sees("Kies een gemeente.")
            page.get_by_label("Gemeente").select_option(label="Vlieland (Fryslân)")
            beheer.press("Gemeente instellen", "gemeente-vlieland")
            beheer.sees("Meldpunt Ondermijning staat klaar voor Vlieland",
                        "Let op: er staan al gegevens van Vlieland in deze installatie.")
            page.get_by_label("Gemeente").select_option(label="Amsterdam (Noord-Holland)")
            beheer.press("Gemeente instellen", "gemeente-tweede-geweigerd")
            beheer.sees("Er staan al registratiegegevens van Vlieland in deze installatie.",
                        "Amsterdam instellen kan alleen in een lege installatie")
            assert setup.loaded_gemeente() == ("GM0096", "Vlieland")
        finally:
            journey.close()
            forget_snapshots()
