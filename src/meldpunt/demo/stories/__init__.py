"""The demo's stories: what a municipal team would have done over the past year, walked through
the real services so every state has its wegingen, history and log lines.

``tell`` runs once on a freshly loaded demo municipality (``meldpunt demo`` calls it through
``demo.services.ensure_demo_users``); it does nothing when any signal has moved already.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from meldpunt.intake.models import Signal

from . import archive, casus, clock, intake, nightly, privacy, research


def already_told() -> bool:
    return Signal.objects.exclude(state="ontvangen").exists()


def tell(today: date | None = None) -> bool:
    """Tell every story; False when the demo already has them. The archive (closed signals of the
    past year taken over from the previous system) comes before the retention and the beeld."""
    if already_told():
        return False
    today = today or timezone.localdate()
    clock.rebase_generated_signals(today)
    privacy.data_rules(today)  # before the walk: data-analyse signals wait in the queue, as they would
    intake.walk_generated(today)
    research.tell(today)
    casus.tell(today)
    archive.load(today)
    privacy.old_signals_due(today)
    privacy.destruction_lists()
    privacy.access_request(today)
    privacy.ondermijningsbeeld(today)
    nightly.run(today)
    return True
