from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from meldpunt.demo import loader, stories
from meldpunt.demo import regio as regio_demo
from meldpunt.demo.errors import GemeenteSetupError
from meldpunt.demo.services import ensure_demo_users


class Command(BaseCommand):
    help = (
        "Zet de demogemeente klaar en start de app: database bijwerken, gemeente S maken "
        "(als die er nog niet is), een demogebruiker per rol aanmaken en serveren op "
        "http://127.0.0.1:8000. Nogmaals draaien hergebruikt wat er al is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Alleen klaarzetten, niet serveren.")
        parser.add_argument("--new-passwords", action="store_true",
                            help="Geef de demogebruikers nieuwe wachtwoorden (en toon ze).")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--zonder-verhalen", dest="no_stories", action="store_true",
                            help="Alleen gegevens en gebruikers, zonder het jaar werk door het protocol.")
        parser.add_argument("--regio", action="store_true",
                            help="Een regionaal meldpunt: Zaanstad, Wormerland en Oostzaan in de regio Zaanstreek, "
                                 "elk een eigen gemeente met eigen gebruikers, en één regionaal beeld.")

    def handle(self, *args, no_serve, new_passwords, port, no_stories=False, regio=False, **options):
        self.stdout.write("Database bijwerken…")
        call_command("migrate", interactive=False, verbosity=0)
        if regio:
            self._regio(new_passwords)
            if not no_serve:
                call_command("serve", port=port)
            return
        if loader.is_loaded():
            self.stdout.write("De demogemeente staat al klaar.")
        else:
            call_command("generate", size="S", verbosity=options["verbosity"])
        if not no_stories and not stories.already_told():
            self.stdout.write("Een jaar werk door het protocol lopen en het archief van het vorige systeem "
                              "overnemen (ongeveer een minuut)…")
        users = ensure_demo_users(new_passwords=new_passwords, stories_too=not no_stories)
        shown = [(u, label, pw) for u, label, pw in users if pw]
        if shown:
            self.stdout.write(self.style.WARNING(
                "\nDemogebruikers (de wachtwoorden worden alleen nu getoond):"))
            for username, label, password in shown:
                self.stdout.write(f"  {username:<22} {password:<30} {label}")
        else:
            self.stdout.write("De demogebruikers bestaan al; hun wachtwoorden zijn bij de eerste keer "
                              "getoond. Nieuwe nodig? `meldpunt demo --new-passwords`.")
        if settings.MELDPUNT_REQUIRE_2FA:
            self.stdout.write("Tweede factor staat aan: u stelt bij de eerste keer inloggen een "
                              "authenticator-app in.")
        if not no_serve:
            call_command("serve", port=port)

    def _regio(self, new_passwords: bool) -> None:
        if loader.is_loaded():
            tenants = regio_demo.existing_tenants()
            if not tenants:
                raise CommandError("Er staan al gegevens van één gemeente in deze installatie; de regionale demo kan "
                                   "alleen in een lege installatie (een nieuwe database). Er is niets gewijzigd.")
            self.stdout.write("De regionale demo staat al klaar.")
            users = regio_demo.ensure_regio_users(tenants, new_passwords=new_passwords)
        else:
            try:
                result = regio_demo.setup_regio(progress=lambda label: self.stdout.write(f"{label}…"),
                                                new_passwords=new_passwords)
            except GemeenteSetupError as error:
                raise CommandError(str(error)) from error
            regio_obj, tenants, users = result.regio, result.tenants, result.users
            self.stdout.write(self.style.SUCCESS(
                f"Regio {regio_obj.naam} staat klaar: {', '.join(t.naam for t in tenants)}; "
                f"{f'{result.rows:,}'.replace(',', '.')} rijen, regionaal beeld versie {result.snapshot_version}."))
        shown = [(u, label, pw) for u, label, pw in users if pw]
        if shown:
            self.stdout.write(self.style.WARNING("\nDemogebruikers van de regio (de wachtwoorden worden alleen nu "
                                                 "getoond):"))
            for username, label, password in shown:
                self.stdout.write(f"  {username:<32} {password:<30} {label}")
