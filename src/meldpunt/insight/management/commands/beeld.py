"""`meldpunt beeld regenerate` (on demand, with progress) and `meldpunt beeld run-due` (the
scheduled job: idempotent, makes a snapshot only when one is due under MELDPUNT_BEELD_SCHEDULE)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from meldpunt.core import peildatum
from meldpunt.insight import conf, services
from meldpunt.insight.models import Trigger
from meldpunt.insight.selectors import latest_snapshot
from meldpunt.privacy import trace

STEPS = 7  # export, four pipeline steps, writing, comparing


class Command(BaseCommand):
    help = ("Het ondermijningsbeeld: 'regenerate' berekent nu een nieuwe momentopname; 'run-due' doet dat alleen "
            "als het volgens het schema (MELDPUNT_BEELD_SCHEDULE, standaard maandelijks) tijd is.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="opdrachten")
        peildatum.add_argument(sub.add_parser("regenerate", help="Bereken nu een nieuwe momentopname (met voortgang)."))
        peildatum.add_argument(sub.add_parser(
            "run-due", help="Bereken een nieuwe momentopname als die volgens het schema nodig is."))
        sub.add_parser("status", help="Toon de laatste momentopname en het schema.")

    @trace.job_span("meldpunt beeld")
    def handle(self, *args, action, **options):
        quiet = options["verbosity"] == 0
        if action == "status":
            return self._status()
        day = peildatum.parse(options.get("peildatum"))
        bar = tqdm(total=STEPS, desc="Ondermijningsbeeld", unit="stap", disable=quiet)

        def step(label):
            bar.set_postfix_str(label)
            bar.update(1)

        try:
            if action == "regenerate":
                snapshot = services.regenerate(trigger=Trigger.ON_DEMAND, progress=step, reference_date=day)
            else:
                snapshot = services.run_due(now=peildatum.moment(day) if day else None, progress=step)
        except ValueError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        if snapshot is None:
            self.stdout.write(f"Niets te doen: er is in deze periode al een momentopname gemaakt "
                              f"(schema: {conf.schedule()}).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Momentopname versie {snapshot.version} gemaakt in {snapshot.seconds:.1f} s: "
            f"{snapshot.cell_count} cellen, "
            f"{snapshot.suppressed_primary} kleiner dan 5 en {snapshot.suppressed_secondary} aanvullend afgeschermd."))
        if snapshot.diff.get("vorige_versie"):
            self.stdout.write(f"Ten opzichte van versie {snapshot.diff['vorige_versie']}: "
                              f"{snapshot.diff.get('gewijzigd', 0)} cellen gewijzigd.")

    def _status(self):
        snapshot = latest_snapshot()
        self.stdout.write(f"Schema: {conf.schedule()}; nu nodig: {'ja' if services.is_due() else 'nee'}.")
        if snapshot is None:
            self.stdout.write("Nog geen momentopname.")
        else:
            self.stdout.write(f"Laatste: {snapshot}")
