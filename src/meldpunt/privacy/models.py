"""The processing log (P2) and the register of processing activities (AVG art. 30).

Shaped after the Logboek Dataverwerkingen standard: one line per data subject per action, with
trace and span ids, the processing activity from the register and a pseudonymised subject id.
The privacy issue adds the hash chain, the security log and the FG views on top of this table.
"""

from django.db import models


class ProcessingActivity(models.Model):
    """One row of the register of processing activities (versioned: a change is a new row)."""

    code = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField("naam", max_length=200)
    purpose = models.TextField("doel")
    legal_basis = models.TextField("grondslag")

    class Meta:
        verbose_name = "verwerkingsactiviteit"
        verbose_name_plural = "verwerkingsactiviteiten"
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_activity_version")]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class SubjectType(models.TextChoices):
    BSN = "bsn", "BSN"
    KVK = "kvk", "KvK-nummer"
    BAG = "bag", "BAG-id"
    INTERNAL = "intern", "Intern id"


class LogStatus(models.TextChoices):
    OK = "ok", "Geslaagd"
    ERROR = "error", "Mislukt"


class ProcessingLogEntry(models.Model):
    trace_id = models.CharField(max_length=32, db_index=True)
    span_id = models.CharField(max_length=16)
    parent_span_id = models.CharField(max_length=16, blank=True)
    action = models.CharField("handeling", max_length=80)
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=LogStatus.choices, default=LogStatus.OK)
    # The register row as code + version (not a foreign key): a log line must outlive register edits.
    activity_code = models.CharField(max_length=60)
    activity_version = models.PositiveSmallIntegerField()
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices)
    subject_pseudonym = models.CharField(max_length=64, db_index=True)
    # Who processed: kept as id and role, so the line survives a renamed or removed account.
    user_id = models.BigIntegerField(null=True)
    role = models.CharField(max_length=32, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    basis = models.CharField("grondslag of reden", max_length=300, blank=True)

    class Meta:
        verbose_name = "verwerkingslogregel"
        verbose_name_plural = "verwerkingslog"
        ordering = ["id"]

    def __str__(self):
        return f"{self.action} {self.subject_type} {self.started_at:%Y-%m-%d %H:%M}"
