"""Signals. This is the first cut the foundation needs (the demo's queue); the intake issue
adds channels, subjects, attachments and the workflow history on top of it."""

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    WEBFORMULIER = "webformulier", "Webformulier (publiek)"
    INTERN = "intern", "Intern formulier"
    TELEFOON = "telefoon", "Telefoon of balie"
    PARTNER = "partner", "Partner-API"
    IMPORT = "import", "Bulkimport"
    DATA_ANALYSE = "data_analyse", "Data-analyse"


class Signal(models.Model):
    reference = models.CharField("kenmerk", max_length=20, unique=True)
    received_at = models.DateTimeField("ontvangen op", db_index=True)
    channel = models.CharField("kanaal", max_length=20, choices=Channel.choices)
    phenomenon = models.CharField("fenomeen", max_length=60)
    description = models.TextField("omschrijving")
    buurt = models.ForeignKey(
        "registries.Buurt", on_delete=models.PROTECT, null=True, blank=True, related_name="signals"
    )
    address = models.ForeignKey(
        "registries.Nummeraanduiding", on_delete=models.PROTECT, null=True, blank=True,
        related_name="signals",
    )
    state = models.CharField("status", max_length=30, default="ontvangen", db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="reported_signals",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_signals",
    )

    class Meta:
        verbose_name = "signaal"
        verbose_name_plural = "signalen"
        ordering = ["-received_at"]

    def __str__(self):
        return self.reference
