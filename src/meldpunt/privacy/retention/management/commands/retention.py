"""`meldpunt retention run [--dry-run]`: the daily retention job (see retention/jobs.py and
deploy/README.md for scheduling it)."""

from django.core.management.base import BaseCommand, CommandError

from meldpunt.privacy.retention import jobs


class Command(BaseCommand):
    help = "Bewaartermijnen: herbereken vernietigingsdata, anonimiseer melders, voer goedgekeurde lijsten uit."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="OPDRACHT")
        run = commands.add_parser("run", help="Voer de dagelijkse bewaartermijnentaak uit.")
        run.add_argument("--dry-run", action="store_true",
                         help="Verander niets; toon wat de taak zou doen.")

    def handle(self, *args, subcommand, dry_run=False, **options):
        summary = jobs.run(dry_run=dry_run)
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError("De bewaartermijnentaak is met een waarschuwing geëindigd; zie hierboven.")
