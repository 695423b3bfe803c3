"""`meldpunt setup --gemeente GM0363`: set the product up for one of the 342 gemeenten.

The database is brought up to date, then ``demo.setup.setup_gemeente`` (the same service as the
functioneel beheerder's page Beheer › Gemeente) generates a synthetic municipality on the real CBS
geography of that gemeente, loads it, and computes a first ondermijningsbeeld; the demo users are
made in between. `meldpunt demo` stays Zaanstad (GM0479). The gemeente becomes the installation's
home tenant when the data is loaded (meldpunt.tenancy.home).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from meldpunt.demo.services import ensure_demo_users
from meldpunt.demo.setup import GemeenteSetupError, setup_gemeente


class Command(BaseCommand):
    help = ("Zet Meldpunt Ondermijning klaar voor een gemeente (CBS-code, bv. GM0363): database bijwerken, "
            "een synthetische gemeente op de echte CBS-buurten maken en laden, demogebruikers aanmaken en een "
            "eerste ondermijningsbeeld berekenen.")

    def add_arguments(self, parser):
        parser.add_argument("--gemeente", required=True, help="CBS-gemeentecode, bv. GM0363 (Amsterdam).")
        parser.add_argument("--size", choices=["S", "M"], default="S",
                            help="S: ±3.200 personen (seconden), M: de gemeente op ware grootte.")
        parser.add_argument("--seed", type=int, default=479, help="Zelfde seed, zelfde gegevens.")

    def handle(self, *args, gemeente, size, seed, **options):
        self.stdout.write("Database bijwerken…")
        call_command("migrate", interactive=False, verbosity=0)

        def demo_users():
            for username, label, password in ensure_demo_users():
                if password:
                    self.stdout.write(f"  {username:<22} {password:<30} {label}")

        def progress(label):
            if options["verbosity"]:
                self.stdout.write(f"{label}…")

        try:
            result = setup_gemeente(gemeente, size=size, seed=seed, progress=progress, after_load=demo_users)
        except GemeenteSetupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Klaar: Meldpunt Ondermijning staat klaar voor {result.naam} "
                                             f"({result.code}). Start de app met `meldpunt serve`."))
