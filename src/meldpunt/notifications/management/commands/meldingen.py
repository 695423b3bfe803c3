"""`meldpunt meldingen scan [--peildatum JJJJ-MM-DD]`: the daily signalering (notifications/
signalering.py); `meldpunt meldingen digest` sends the daily e-mail to those who chose it;
`meldpunt meldingen opnieuw` queues again the e-mails that have not gone out yet."""

from django.core.management.base import BaseCommand

from meldpunt.core import peildatum
from meldpunt.notifications import delivery, signalering


class Command(BaseCommand):
    help = "Meldingen: maak de meldingen van de dag, verstuur de dagelijkse e-mail of probeer opnieuw."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="OPDRACHT")
        scan = commands.add_parser("scan", help="Maak meldingen voor werk dat te lang wacht of bijna verloopt.")
        peildatum.add_argument(scan)
        digest = commands.add_parser("digest", help="Verstuur de dagelijkse e-mail met meldingen.")
        peildatum.add_argument(digest)
        commands.add_parser("opnieuw", help="Probeer e-mails die nog niet verstuurd zijn opnieuw.")

    def handle(self, *args, subcommand, **options):
        day = peildatum.parse(options.get("peildatum"))
        if subcommand == "scan":
            self.stdout.write(f"{signalering.scan(day)} nieuwe melding(en).")
        elif subcommand == "digest":
            self.stdout.write(f"{delivery.send_digests(day)} dagelijkse e-mail(s) verstuurd.")
        else:
            self.stdout.write(f"{delivery.retry_pending()} e-mail(s) opnieuw in de wachtrij.")
