from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from meldpunt.demo import loader, stories
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

    def handle(self, *args, no_serve, new_passwords, port, no_stories=False, **options):
        self.stdout.write("Database bijwerken…")
        call_command("migrate", interactive=False, verbosity=0)
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
