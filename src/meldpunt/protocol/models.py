"""Wegingen, the append-only state history, local criteria, forwards and step norms."""

from django.conf import settings
from django.db import models

from meldpunt.intake.models import Signal
from meldpunt.tenancy.defaults import only_gemeente


class WegingType(models.TextChoices):
    W1 = "W1", "Weging 1: is het ondermijning?"
    W2A = "W2A", "Weging 2A: gemeentelijke taak?"
    W2B = "W2B", "Weging 2B: eigen grondgebied?"
    W3 = "W3", "Weging 3: zwaarte en waar afhandelen"
    PC1 = "PC1", "Privacytoets 1: bronnen raadplegen"
    W4 = "W4", "Weging 4: bevestigen de hits het signaal?"
    PC2A = "PC2A", "Privacytoets 2A: delen met deelnemers"
    PC2B = "PC2B", "Privacytoets 2B: delen voor interventies"
    RV = "RV", "Regionaal verzoek: delen met een andere gemeente?"


class Criteria(models.Model):
    """Versioned local criteria (e.g. the W3 policy). A change is a new version; a weging points to
    the version it was weighed against."""

    kind = models.CharField("soort", max_length=8, choices=WegingType.choices)
    version = models.PositiveSmallIntegerField("versie")
    title = models.CharField("titel", max_length=200)
    factors = models.JSONField("factoren", default=list)
    valid_from = models.DateField("geldig vanaf")

    class Meta:
        verbose_name = "lokale criteria"
        verbose_name_plural = "lokale criteria"
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="unique_criteria_version")]

    def __str__(self):
        return f"{self.title} (versie {self.version})"


class Weging(models.Model):
    """One reasoned decision at a protocol step (design §3, domain §8.4). Never edited: a new
    decision is a new row."""

    # A weging belongs to a signal (steps 1-3) or to a casus (PC2A, PC2B, linking a signal,
    # re-opening): exactly one of the two, and it goes when its owner is destroyed. A regional
    # request's weging (RV, ADR 0030 §8.5) has neither: its owner is the request (regio app).
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, null=True, blank=True, related_name="wegingen")
    casus = models.ForeignKey("cases.Casus", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="wegingen")
    # The owner's gemeente, kept on the weging itself so the FG's list of wegingen is one filter.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="wegingen",
                                 default=only_gemeente, verbose_name="gemeente")
    type = models.CharField("soort weging", max_length=4, choices=WegingType.choices)
    decision = models.CharField("besluit", max_length=30)
    reasoning = models.TextField("motivering")
    purpose = models.CharField("doel", max_length=300, blank=True)
    legal_basis = models.CharField("grondslag", max_length=300, blank=True)
    checklist = models.JSONField("beoordelingskader", default=dict, blank=True)
    primary_basis = models.CharField("oorspronkelijke grondslag (PC1)", max_length=300, blank=True)
    compatibility = models.JSONField("verenigbaarheid (AVG art. 6 lid 4)", default=dict, blank=True)
    necessity = models.TextField("noodzaak", blank=True)
    proportionality = models.TextField("proportionaliteit", blank=True)
    subsidiarity = models.TextField("subsidiariteit", blank=True)
    art9_data = models.BooleanField("bijzondere persoonsgegevens (art. 9)", default=False)
    art10_data = models.BooleanField("strafrechtelijke gegevens (art. 10)", default=False)
    special_data_basis = models.CharField("grondslag bijzondere of strafrechtelijke gegevens",
                                          max_length=300, blank=True)
    criteria = models.ForeignKey(Criteria, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="wegingen", verbose_name="criteria")
    protocol_version = models.CharField(max_length=20, default="CCV 2020")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="wegingen_decided")
    role = models.CharField("rol", max_length=32)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="wegingen_approved")
    decided_at = models.DateTimeField("besloten op")
    trace_id = models.CharField(max_length=32, blank=True)
    # The transition this weging was used for; a weging serves one transition only.
    used_by = models.ForeignKey("StateChange", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="wegingen")

    class Meta:
        verbose_name = "weging"
        verbose_name_plural = "wegingen"
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(signal__isnull=False, casus__isnull=True)
                           | models.Q(signal__isnull=True, casus__isnull=False)
                           | models.Q(signal__isnull=True, casus__isnull=True, type="RV")),
                name="weging_signal_xor_casus_or_rv"),
        ]

    def __str__(self):
        if self.signal_id is None and self.casus_id is None:
            return f"{self.type} {self.decision} bij een regionaal verzoek"
        return f"{self.type} {self.decision} bij {self.signal_id or f'casus {self.casus_id}'}"


class StateChange(models.Model):
    """Append-only history: the current state of a signal is its latest row."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField("overgang", max_length=40)
    source = models.CharField("van", max_length=30, blank=True)
    target = models.CharField("naar", max_length=30)
    at = models.DateTimeField("op")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="state_changes")
    role = models.CharField("rol", max_length=32, blank=True)
    note = models.TextField("toelichting", blank=True)

    class Meta:
        verbose_name = "statuswijziging"
        verbose_name_plural = "statusgeschiedenis"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.source or '∅'} → {self.target} ({self.signal_id})"


class DestinationKind(models.TextChoices):
    AFDELING = "afdeling", "Gemeentelijke afdeling"
    RIEC = "riec", "RIEC"
    POLITIE = "politie", "Politie"
    GEMEENTE = "gemeente", "Andere gemeente"
    MMA = "mma", "Meld Misdaad Anoniem"
    OVERIG = "overig", "Andere instantie"


class Destination(models.Model):
    """Where a signal can be forwarded to (configurable catalogue)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField("naam", max_length=200)
    kind = models.CharField("soort", max_length=12, choices=DestinationKind.choices)
    address = models.TextField("adres voor de brief", blank=True)
    default_legal_basis = models.CharField("gebruikelijke grondslag", max_length=300)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "bestemming"
        verbose_name_plural = "bestemmingen"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Forward(models.Model):
    """A doorzending: what left the house, to whom, on which basis, when (design §3)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="forwards")
    destination = models.ForeignKey(Destination, on_delete=models.PROTECT, related_name="forwards")
    legal_basis = models.CharField("grondslag", max_length=300)
    items = models.JSONField("verzonden onderdelen", default=list)
    content = models.JSONField("verzonden inhoud", default=dict)
    note = models.TextField("begeleidende tekst", blank=True)
    sent_at = models.DateTimeField("verzonden op")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forwards")

    class Meta:
        verbose_name = "doorzending"
        verbose_name_plural = "doorzendingen"
        ordering = ["sent_at", "id"]

    def __str__(self):
        return f"doorzending {self.pk} naar {self.destination}"


class StepNorm(models.Model):
    """How many working days a step may take before it is overdue (configurable)."""

    state = models.CharField("status", max_length=30, unique=True)
    working_days = models.PositiveSmallIntegerField("werkdagen")

    class Meta:
        verbose_name = "termijn per stap"
        verbose_name_plural = "termijnen per stap"

    def __str__(self):
        return f"{self.state}: {self.working_days} werkdagen"


# Bronnenonderzoek (step 3) lives in its own module; imported here so Django registers the models.

from .research.models import DetailRequest, HitResult, Source, SourceRequest  # noqa: E402,F401
