"""'Nothing written' means nothing anywhere (P3, P8): the row count of every table before and after
an attempt. The security log, lock-out and session tables may change (a refusal is logged there),
and the processing log is counted by its write lines: a form shown again reads what it shows, and
that read is logged (P2), which is not a write."""

from django.apps import apps
from django.db.models import Max

from meldpunt.privacy.models import ProcessingLogEntry

NOT_COUNTED = {"privacy.securitylogentry", "privacy.logchainhead", "axes.accessattempt", "axes.accesslog",
               "axes.accessfailurelog", "sessions.session"}
READS = ("_inzien", "_beoordelen", "_zoeken", "_tellen", "gerelateerd_signalen")


def rows() -> dict:
    """Row count of every table; for the processing log the last id (to find lines added later)."""
    counts = {m._meta.label_lower: m._base_manager.count() for m in apps.get_models()
              if m._meta.label_lower not in NOT_COUNTED}
    counts["privacy.processinglogentry"] = ProcessingLogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    return counts


def changed(before: dict) -> dict:
    """What changed since ``before``: tables whose count moved, and processing-log writes."""
    after = rows()
    diff = {k: (before[k], after[k]) for k in before if k != "privacy.processinglogentry" and before[k] != after[k]}
    writes = sorted(a for a in ProcessingLogEntry.objects.filter(pk__gt=before["privacy.processinglogentry"])
                    .values_list("action", flat=True) if not a.endswith(READS))
    if writes:
        diff["verwerkingslog"] = writes
    return diff
