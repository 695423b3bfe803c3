"""One run of a background job. The row is the job's record for people: what ran, for whom, how
far it got and how it ended — in Dutch words, with ids and dates as arguments, never personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class State(models.TextChoices):
    WACHTRIJ = "wachtrij", "In de wachtrij"
    BEZIG = "bezig", "Bezig"
    OPNIEUW = "opnieuw", "Mislukt, wordt opnieuw geprobeerd"
    KLAAR = "klaar", "Klaar"
    MISLUKT = "mislukt", "Mislukt"
    OVERGESLAGEN = "overgeslagen", "Overgeslagen: liep al"


# A run in one of these states holds its job's lock (see the constraint below).
ACTIVE = (State.WACHTRIJ, State.BEZIG, State.OPNIEUW)


class JobRun(models.Model):
    task_name = models.CharField(max_length=100)
    title = models.CharField("taak", max_length=200)
    # Runs with the same lock key never run at the same time: the job name, or the job name with
    # the object it works on ("meldpunt.retention.vernietigen:12").
    lock_key = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict, blank=True)
    state = models.CharField("toestand", max_length=20, choices=State.choices, default=State.WACHTRIJ)
    # The gemeente the job works for (a destruction list, an inzage package); empty: the whole
    # installation (the daily runs, a beeld, an import into the installation's only gemeente).
    gemeente = models.ForeignKey("tenancy.Tenant", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="job_runs", verbose_name="gemeente")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="gestart door")
    created_at = models.DateTimeField("aangemaakt", auto_now_add=True)
    started_at = models.DateTimeField("begonnen", null=True, blank=True)
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("pogingen", default=0)
    progress_text = models.CharField("voortgang", max_length=200, blank=True)
    progress_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    result_text = models.TextField("uitkomst", blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    error_text = models.TextField("fout", blank=True)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "achtergrondtaak"
        verbose_name_plural = "achtergrondtaken"
        constraints = [
            # The lock that holds with any number of workers and web processes: the database
            # refuses a second active run of the same job (docs/adr/0028).
            models.UniqueConstraint(fields=["lock_key"], condition=Q(state__in=ACTIVE),
                                    name="jobs_one_active_run_per_lock"),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display().lower()})"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def failed(self) -> bool:
        return self.state == State.MISLUKT
