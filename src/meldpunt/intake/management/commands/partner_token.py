"""``meldpunt partner_token "Naam organisatie"``: give a partner organisation its API token.

The token is printed once and only its hash is stored; keep it somewhere safe and hand it to
the partner over a secure channel.
"""

from django.core.management.base import BaseCommand, CommandError

from meldpunt.intake.errors import PartnerTokenError
from meldpunt.intake.services import issue_token, revoke


class Command(BaseCommand):
    help = "Maak een partnerorganisatie aan en toon eenmalig haar token voor de partner-API."

    def add_arguments(self, parser):
        parser.add_argument("naam", help="Naam van de partnerorganisatie")
        parser.add_argument("--gemeente", action="append", default=[], metavar="GM0479",
                            help="Een gemeente (CBS-code) waaraan de partner levert; herhaal voor meer.")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--vervang", action="store_true",
                           help="Geef een bestaande partner een nieuw token (het oude werkt dan niet meer).")
        group.add_argument("--intrekken", action="store_true",
                           help="Zet het token van de partner uit; aangeleverde signalen blijven bestaan.")

    def handle(self, *args, naam, vervang=False, intrekken=False, gemeente=(), **options):
        try:
            if intrekken:
                partner = revoke(naam)
                self.stdout.write(f"Het token van {partner.name} is ingetrokken.")
                return
            partner, token = issue_token(naam, replace=vervang, gemeenten=gemeente)
        except PartnerTokenError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"Token voor {partner.name} (wordt maar één keer getoond, bewaar het veilig):")
        self.stdout.write(token)
