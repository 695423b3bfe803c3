"""Journey: meldingen. A deelnemer is invited to a casusoverleg by the regisseur (in the pages);
the deelnemer sees the count next to 'Meldingen' in the menu, opens the list, follows the melding to
the work (Mijn casussen, with the meeting), and then chooses one e-mail a day instead of one per
melding."""

import journey_setup as setup
import pytest
from journey_support import Journey

from meldpunt.notifications.models import Mode, Notification

pytestmark = [pytest.mark.journey, pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("orm_next_to_playwright")]

SECRET = "Verborgen Bewoner"


def test_a_melding_leads_to_the_work_and_the_preference_is_kept(live_server, browser, demo_reloaded):
    clerk = setup.clerk()
    casus = setup.casus_from(clerk, setup.signal(
        clerk, f"Sterke wietlucht; {SECRET} komt er elke nacht.", name=SECRET, bsn="999993653"))
    journey = Journey("meldingen", browser, live_server.url)
    try:
        regie = journey.person("j-regisseur", ["regisseur"], "Rik Regisseur")
        deelnemer = journey.person("j-deelnemer", ["deelnemer"], "Vera Vergunning")

        # The deelnemer has nothing yet: 'Meldingen' in the menu has no count.
        deelnemer.menu("Meldingen", "leeg")
        deelnemer.sees("U hebt geen meldingen.")

        # The regisseur takes the lead, plans a casusoverleg and invites the deelnemer.
        page = regie.page
        regie.menu("Casussen", "casussen")
        regie.follow(casus.reference, "casus", exact=True)
        regie.press("Regie nemen", "casus-regie")
        regie.follow("Casusoverleg plannen", "overleggen")
        page.get_by_label("Datum en tijd").fill(f"{setup.in_days(2).isoformat()}T10:00")
        page.get_by_label("Plaats").fill("Stadhuis, kamer 3")
        regie.press("Plannen", "overleg-nieuw")
        page.get_by_label("Deelnemer", exact=True).select_option(label="Vera Vergunning")
        page.get_by_label("Afdeling of organisatie").fill("Vergunningen")
        regie.press("Uitnodigen", "uitgenodigd")
        regie.sees("Vera Vergunning – Vergunningen", "In uw agenda zetten (.ics)")

        # The deelnemer sees the count in the menu on the next page they open.
        deelnemer.menu("Mijn casussen", "mijn-casussen")
        badge = deelnemer.page.locator("nav").get_by_test_id("meldingen-aantal")
        assert badge.inner_text().strip().startswith("1")
        deelnemer.follow("Meldingen", "meldingen", within="nav")
        deelnemer.sees("Nieuw:", "U bent uitgenodigd voor een casusoverleg – Casusoverleg van")
        deelnemer.does_not_see(SECRET)

        # Following the melding leads to the work, and the melding is read.
        deelnemer.follow("U bent uitgenodigd voor een casusoverleg", "naar-het-werk")
        deelnemer.sees("Stadhuis, kamer 3", "In uw agenda zetten (.ics)")
        assert deelnemer.page.locator("nav").get_by_test_id("meldingen-aantal").count() == 0
        deelnemer.menu("Meldingen", "gelezen")
        assert "Nieuw:" not in deelnemer.main_text()

        # One e-mail a day instead of one per melding.
        deelnemer.page.get_by_label("Eén e-mail per dag met alles bij elkaar").check()
        deelnemer.press("Voorkeur opslaan", "voorkeur")
        deelnemer.sees("Uw keuze is opgeslagen: Eén e-mail per dag met alles bij elkaar.")
        assert deelnemer.page.get_by_label("Eén e-mail per dag met alles bij elkaar").is_checked()
        assert deelnemer.user.notification_preference.mode == Mode.DIGEST
        assert Notification.objects.filter(recipient=deelnemer.user, read_at__isnull=False).count() == 1
    finally:
        journey.close()
