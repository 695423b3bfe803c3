"""Send the reminders for overdue interventions (idempotent: run it as often as you like)."""

from django.core.management.base import BaseCommand

from meldpunt.cases.interventions import remind_overdue


class Command(BaseCommand):
    help = "Herinneringen versturen voor interventies die over de uiterste datum zijn (idempotent)."

    def handle(self, *args, **options):
        sent = remind_overdue()
        self.stdout.write(f"{sent} herinnering(en) verstuurd.")
