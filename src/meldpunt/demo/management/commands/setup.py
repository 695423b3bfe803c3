"""`meldpunt setup --gemeente GM0363`: set the product up for one of the 342 gemeenten.

The database is brought up to date, a synthetic municipality is generated on the real CBS
geography of that gemeente and loaded, the demo users are made, and a first ondermijningsbeeld
is computed, so the beeld, its maps and the CBS comparison show that gemeente. `meldpunt demo`
stays Zaanstad (GM0479). The gemeente becomes the installation's home tenant when the data is loaded.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from meldpunt.demo import loader
from meldpunt.demo.generator.build import gemeente_inwoners
from meldpunt.demo.services import ensure_demo_users
from meldpunt.tenancy.home import configured_code


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
        code = gemeente.strip().upper()
        try:
            gemeente_inwoners(code)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # The loaded gemeente becomes the home tenant (meldpunt.tenancy.home); it must be the configured one.
        configured = configured_code()
        if configured and configured != code:
            raise CommandError(f"MELDPUNT_GEMEENTE staat op {configured}, niet op {code}. Pas de instelling aan of "
                               "kies dezelfde gemeente.")
        self.stdout.write("Database bijwerken…")
        call_command("migrate", interactive=False, verbosity=0)
        if loader.is_loaded():
            raise CommandError("Er staan al registratiegegevens in de database. Gebruik een lege database "
                               "(zet MELDPUNT_VAR_DIR op een nieuwe map) om een andere gemeente klaar te zetten.")
        call_command("generate", size=size, seed=seed, gemeente=code, verbosity=options["verbosity"])
        for username, label, password in ensure_demo_users():
            if password:
                self.stdout.write(f"  {username:<22} {password:<30} {label}")
        call_command("beeld", "regenerate", verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS(f"Klaar: Meldpunt Ondermijning staat klaar voor {code}. "
                                             "Start de app met `meldpunt serve`."))
