"""``meldpunt log verify``: check the hash chains of the processing log and the security log."""

from django.core.management.base import BaseCommand, CommandError

from meldpunt.privacy import chain, security
from meldpunt.privacy.models import ProcessingLogEntry, SecurityLogEntry
from meldpunt.tenancy.models import Tenant

LOGS = {"verwerking": ProcessingLogEntry, "beveiliging": SecurityLogEntry}
NAMES = {"verwerking": "Verwerkingslog", "beveiliging": "Beveiligingslog"}


def _lines(n: int) -> str:
    return f"{n} regel" if n == 1 else f"{n} regels"


class Command(BaseCommand):
    help = ("Controleer de logs: meldpunt log verify [--log verwerking|beveiliging]. Het verwerkingslog heeft een "
            "keten per gemeente; elke keten wordt gecontroleerd.")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        verify = commands.add_parser(
            "verify", help="Controleer of er regels zijn gewijzigd, verwijderd, ingevoegd of verplaatst.")
        verify.add_argument("--log", choices=sorted(LOGS), action="append",
                            help="Alleen dit log (standaard: beide).")

    def handle(self, *args, subcommand=None, log=None, **options):
        failed = []
        reports = [(NAMES[name], report) for name in log or list(LOGS)
                   for report in chain.verify_all(LOGS[name])]
        others = dict(Tenant.objects.exclude(log_chain=ProcessingLogEntry.CHAIN).values_list("log_chain", "naam"))
        for title, report in reports:
            if report.chain in others:  # a gemeente's own chain (ADR 0030 §6)
                title = f"{title} van {others[report.chain]}"
            for note in report.notes:
                self.stdout.write(f"{title}: {note}")
            if report.ok:
                checked = (f"regel {report.first_seq} t/m {report.last_seq} gecontroleerd" if report.checked
                           else "nog geen regels")
                self.stdout.write(f"{title}: in orde ({checked}).")
                continue
            failed.append(title)
            security.chain_broken(title, report)
            self.stderr.write(f"{title}: NIET IN ORDE ({_lines(report.checked)} gecontroleerd).")
            for problem in report.problems:
                self.stderr.write(f"  - [{problem.kind}] {problem.message}")
            if report.unreported:
                self.stderr.write(f"  - en nog {report.unreported} andere afwijkingen.")
        if failed:
            raise CommandError(
                f"{' en '.join(failed)} klopt niet: er zijn regels gewijzigd, verwijderd, ingevoegd of verplaatst. "
                "Meld dit als beveiligingsincident (BIO 12.4.2/04) en bewaar de database zoals hij is.",
                returncode=1)
