"""Send the reminders for overdue interventions (idempotent: run it as often as you like);
`--peildatum` sends those that are overdue on that day (a rehearsal)."""

from django.core.management.base import BaseCommand

from meldpunt.cases.interventions import remind_overdue
from meldpunt.core import peildatum
from meldpunt.privacy import trace


class Command(BaseCommand):
    help = "Herinneringen versturen voor interventies die over de uiterste datum zijn (idempotent)."

    def add_arguments(self, parser):
        peildatum.add_argument(parser)

    @trace.job_span("meldpunt interventie_herinneringen")
    def handle(self, *args, **options):
        sent = remind_overdue(peildatum.parse(options.get("peildatum")))
        self.stdout.write(f"{sent} herinnering(en) verstuurd.")
