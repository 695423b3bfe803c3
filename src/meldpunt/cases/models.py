"""The casus (step 4): signals that belong together, led by the regisseur (design §3).

This is the core the casus issue builds on (casusoverleg, releases, plan van aanpak,
interventions). Everything a casus owns hangs from it with on_delete=CASCADE, so destroying the
casus removes every copy (P4).
"""

from django.conf import settings
from django.db import models

from meldpunt.intake.models import Signal


class Casus(models.Model):
    reference = models.CharField("kenmerk", max_length=20, unique=True)
    title = models.CharField("werktitel", max_length=200)
    # The current state is the latest row of the history; this column is its pointer.
    state = models.CharField("status", max_length=30, default="voorbereiding")
    state_since = models.DateTimeField("in deze status sinds", null=True, blank=True)
    opened_at = models.DateTimeField("gestart op")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="led_cases", verbose_name="regisseur")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="team_cases")
    closed_at = models.DateTimeField("afgesloten op", null=True, blank=True)
    result_class = models.ForeignKey("retention.ResultClass", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="cases", verbose_name="resultaatklasse")
    evaluation = models.TextField("evaluatie", blank=True)
    destroy_after = models.DateField("te vernietigen na", null=True, blank=True)

    class Meta:
        verbose_name = "casus"
        verbose_name_plural = "casussen"
        ordering = ["-opened_at"]

    def __str__(self):
        return self.reference


class CasusSignal(models.Model):
    """A signal that belongs to a casus. Each link is made with its own weging."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="signal_links")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="casus_links")
    linked_at = models.DateTimeField("gekoppeld op")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = "signaal bij casus"
        verbose_name_plural = "signalen bij casus"
        constraints = [models.UniqueConstraint(fields=["casus", "signal"], name="unique_casus_signal")]

    def __str__(self):
        return f"{self.signal_id} in {self.casus_id}"
