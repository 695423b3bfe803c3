"""Journey: a beoordelaar imports signals from a file on the page 'Signalen importeren' (a background
job; the embedded default runs it in the process). A file with an error imports nothing and says
per line what is wrong; the corrected file imports and lists the new kenmerken."""

import pytest
from journey_support import Journey

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

GOOD = ("omschrijving;fenomeen\n"
        "Hennepgeur uit de schuur achter de boerderij.;hennepteelt_drugs\n"
        "Vaten en jerrycans in het bos gedumpt.;drugslab_buitengebied\n")


def test_beoordelaar_imports_a_file_after_fixing_it(live_server, browser, demo_reloaded, tmp_path):
    bad, good = tmp_path / "fout.csv", tmp_path / "goed.csv"
    bad.write_text(GOOD + "Te kort;overig\n", encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    journey = Journey("importeren", browser, live_server.url)
    try:
        beoordelaar = journey.person("j-beoordelaar-import", ["beoordelaar"], "Bea Beoordelaar")
        beoordelaar.menu("Werkvoorraad", "werkvoorraad")
        beoordelaar.follow("Signalen importeren (CSV of JSON)", "importeren")
        beoordelaar.sees("Signalen importeren", "Alles of niets")
        beoordelaar.page.locator("main").get_by_label("Bestand (CSV of JSON)").set_input_files(str(bad))
        beoordelaar.press("Importeren", "fout")
        beoordelaar.sees("Mislukt", "Er is niets opgeslagen.", "regel 4: omschrijving")
        beoordelaar.follow("Een ander bestand importeren", "importeren-weer")
        beoordelaar.page.locator("main").get_by_label("Bestand (CSV of JSON)").set_input_files(str(good))
        beoordelaar.press("Importeren", "goed")
        beoordelaar.sees("Klaar", "2 signalen ingelezen in stap 1 (ontvangen)")
    finally:
        journey.close()
