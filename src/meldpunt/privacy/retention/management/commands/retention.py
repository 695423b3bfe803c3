"""`meldpunt retention run [--dry-run] [--peildatum JJJJ-MM-DD]`: the daily retention job (see
retention/jobs.py and deploy/README.md for scheduling it); `meldpunt retention lijst --peildatum ...`
composes a destruction list as of a later day, for a rehearsal: it still goes to review (four eyes)
and through the bedenktijd before a run executes it."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meldpunt.core import peildatum
from meldpunt.privacy import trace
from meldpunt.privacy.retention import jobs, services


class Command(BaseCommand):
    help = "Bewaartermijnen: herbereken vernietigingsdata, anonimiseer melders, voer goedgekeurde lijsten uit."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="OPDRACHT")
        run = commands.add_parser("run", help="Voer de dagelijkse bewaartermijnentaak uit.")
        run.add_argument("--dry-run", action="store_true",
                         help="Verander niets; toon wat de taak zou doen.")
        peildatum.add_argument(run)
        compose = commands.add_parser(
            "lijst", help="Stel een vernietigingslijst op met wat op de peildatum vernietigd mag worden "
                          "(om te oefenen); een ander beoordeelt haar daarna in de app.")
        compose.add_argument("--naam", required=True, help="De naam van de lijst.")
        compose.add_argument("--archivaris", required=True, metavar="GEBRUIKERSNAAM",
                             help="De archivaris die de lijst opstelt.")
        peildatum.add_argument(compose)

    @trace.job_span("meldpunt retention")
    def handle(self, *args, subcommand, dry_run=False, **options):
        day = peildatum.parse(options.get("peildatum"))
        if subcommand == "lijst":
            return self._compose(options["naam"], options["archivaris"], day)
        summary = jobs.run(dry_run=dry_run, peildatum=day)
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError("De bewaartermijnentaak is met een waarschuwing geëindigd; zie hierboven.")

    def _compose(self, name, username, day):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Er is geen actieve gebruiker '{username}'. Er is niets gewijzigd.")
        try:
            destruction_list = services.compose(user, name, peildatum=day)
        except (services.RetentionError, services.NotAllowed) as refused:
            raise CommandError(f"{refused} Er is niets gewijzigd.") from refused
        count = destruction_list.items.count()
        self.stdout.write(self.style.SUCCESS(
            f"Vernietigingslijst '{destruction_list.name}' opgesteld met {count} dossier(s); "
            "zij staat nu ter beoordeling."))
