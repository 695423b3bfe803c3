"""Jobs of the ondermijningsbeeld, for the scheduler (idempotent service functions).

``run_due`` makes a snapshot when none was made by schedule in the current period of
MELDPUNT_BEELD_SCHEDULE (monthly by default) and otherwise does nothing, so a daily scheduler
(cron, systemd timer, Celery beat, or the retention helper's daily run) may call it every day:

    meldpunt beeld run-due
"""

from .services import run_due

__all__ = ["run_due"]
