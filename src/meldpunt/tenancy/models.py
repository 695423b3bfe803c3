"""The tenants of an installation (ADR 0030 §1): each aangesloten gemeente is its own controller.

`Tenant.code` is the CBS code and matches `registries.Gemeente.code` by value, not by key: the
geography is public data reloaded by the generator, a tenant is a controller with keys, a log
chain and settings. People see `naam`, never the code.
"""

from django.core.exceptions import ValidationError
from django.db import models

from meldpunt.core import gemeenten
from meldpunt.core.validators import validate_gemeentecode

HOME_LOG_CHAIN = "verwerking"


def validate_cbs_gemeente(value: str) -> None:
    try:
        gemeenten.name(value)
    except ValueError as error:
        raise ValidationError(str(error), code="gemeentecode") from error


class Regio(models.Model):
    """A samenwerkingsverband of gemeenten (e.g. the Zaanstreek) under one regional convenant."""

    code = models.SlugField(primary_key=True, max_length=50)
    naam = models.CharField("naam", max_length=100)
    convenant = models.CharField("grondslag (convenant)", max_length=300)
    convenant_valid_from = models.DateField("convenant geldig vanaf")
    convenant_valid_until = models.DateField("convenant geldig tot en met", null=True, blank=True)
    daily_question_limit = models.PositiveSmallIntegerField(
        "vragen per dag per gemeente", default=200,
        help_text="Hoeveel betrokkenen een gemeente per dag aan een andere gemeente mag voorleggen.")

    class Meta:
        verbose_name = "regio"
        verbose_name_plural = "regio's"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Tenant(models.Model):
    code = models.CharField("gemeentecode", max_length=6, primary_key=True,
                            validators=[validate_gemeentecode, validate_cbs_gemeente])
    naam = models.CharField("naam", max_length=100)
    regio = models.ForeignKey(Regio, on_delete=models.PROTECT, null=True, blank=True, related_name="gemeenten",
                              verbose_name="regio")
    reference_prefix = models.CharField("voorvoegsel kenmerken", max_length=4, unique=True)
    next_signal_number = models.PositiveIntegerField(default=1)
    next_inzage_number = models.PositiveIntegerField(default=1)
    next_statement_number = models.PositiveIntegerField(default=1)
    # "" = the installation's key files (the gemeente whose data was there first, ADR 0030 §5);
    # unique, because two controllers never share keys.
    key_slot = models.CharField("sleutelset", max_length=6, blank=True, unique=True)
    log_chain = models.CharField("logketen", max_length=20, unique=True)
    register_uri = models.CharField("register van verwerkingen (URI)", max_length=200)
    answers_regional_questions = models.BooleanField("beantwoordt regionale vragen", default=True)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "aangesloten gemeente"
        verbose_name_plural = "aangesloten gemeenten"
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    @property
    def is_home(self) -> bool:
        """The gemeente that keeps the installation's keys and log chain."""
        return self.key_slot == ""
