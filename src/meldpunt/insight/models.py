"""The ondermijningsbeeld: indicator matrix (configurable data) and immutable snapshots.

A snapshot holds aggregates only (counts per CBS area × phenomenon × period, with small counts
suppressed, P6). Its cells live in a content-addressed Parquet file written once by the
pipeline; the row here records version, sources, method and the file's SHA-256, and can never
be changed afterwards (see ADR 0013).
"""

from django.db import models

from meldpunt.core.datums import format_date

from .validators import validate_not_stigmatising


class Availability(models.TextChoices):
    BESCHIKBAAR = "beschikbaar", "Beschikbaar in deze gemeente"
    OP_VERZOEK = "op_verzoek", "Op verzoek via bronnenonderzoek (PC1)"
    EXTERN = "extern", "Extern, via RIEC of partner"
    NIET_BESCHIKBAAR = "niet_beschikbaar", "Niet beschikbaar"
    ONBEKEND = "onbekend", "Nog niet uitgezocht"


class DataSource(models.Model):
    """A vindplaats: where the data for an indicator lives, who owns it and on what terms."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField("naam", max_length=120, validators=[validate_not_stigmatising])
    department = models.CharField("eigenaar (afdeling of partner)", max_length=120)
    legal_note = models.TextField("juridische notitie", blank=True, validators=[validate_not_stigmatising])
    availability = models.CharField("beschikbaarheid in deze gemeente", max_length=20,
                                    choices=Availability.choices, default=Availability.ONBEKEND)
    availability_note = models.CharField("toelichting beschikbaarheid", max_length=300, blank=True)
    in_pipeline = models.BooleanField("gebruikt door het beeld", default=False,
                                      help_text="De pijplijn leest deze bron voor de geaggregeerde cijfers.")

    class Meta:
        verbose_name = "vindplaats"
        verbose_name_plural = "vindplaatsen"
        ordering = ["name"]

    def __str__(self):
        return self.name


class IndicatorKind(models.TextChoices):
    ZACHT = "zacht", "Straat (zacht)"
    HARD = "hard", "Registratie (hard)"


class Indicator(models.Model):
    """A sign of a phenomenon — never proof. Linked to the beeld's measure when it is counted."""

    code = models.SlugField(max_length=60, primary_key=True)
    phenomenon = models.ForeignKey("intake.Phenomenon", on_delete=models.PROTECT, related_name="indicators",
                                   verbose_name="fenomeen")
    kind = models.CharField("soort", max_length=5, choices=IndicatorKind.choices)
    name = models.CharField("naam", max_length=200, validators=[validate_not_stigmatising])
    description = models.TextField("toelichting", blank=True, validators=[validate_not_stigmatising])
    sources = models.ManyToManyField(DataSource, related_name="indicators", verbose_name="vindplaatsen", blank=True)
    measure = models.CharField("maat in het beeld", max_length=60, blank=True,
                               help_text="De geaggregeerde maat van de pijplijn die deze indicator telt.")
    hotspot_weight = models.DecimalField("gewicht in de hotspotscore", max_digits=4, decimal_places=2, default=0)
    reference = models.CharField("bron van de indicator", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=100)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "indicator"
        verbose_name_plural = "indicatoren"
        ordering = ["phenomenon__order", "kind", "order", "name"]

    def __str__(self):
        return self.name


class SnapshotImmutable(Exception):
    """Raised on any attempt to change or delete a snapshot once it is written."""


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SnapshotImmutable("Een momentopname van het ondermijningsbeeld kan niet worden gewijzigd.")

    def delete(self):
        raise SnapshotImmutable("Een momentopname van het ondermijningsbeeld kan niet worden verwijderd.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise SnapshotImmutable("Een momentopname van het ondermijningsbeeld kan niet worden gewijzigd.")


class Trigger(models.TextChoices):
    SCHEDULE = "schema", "Volgens schema"
    ON_DEMAND = "op_verzoek", "Op verzoek"


class Snapshot(models.Model):
    """One run of the pipeline: versioned, with its sources and method, never changed."""

    # The scope (ADR 0030 §11): one gemeente's beeld, or one regio's (the cells of every member
    # gemeente plus the regio, suppressed once over the whole table). Exactly one is set.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="snapshots", verbose_name="gemeente")
    regio = models.ForeignKey("tenancy.Regio", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="snapshots", verbose_name="regio")
    version = models.PositiveIntegerField("versie")
    created_at = models.DateTimeField("gemaakt op")
    # Who asked is deliberately not stored: a snapshot holds no personal data at all (not even a
    # staff user name), and a user foreign key would be changed by SET_NULL when an account goes.
    trigger = models.CharField("aanleiding", max_length=12, choices=Trigger.choices)
    reference_date = models.DateField("peildatum")
    area_year = models.PositiveSmallIntegerField("jaar van de CBS-gebiedsindeling")
    periods = models.JSONField("perioden", default=list)
    sources = models.JSONField("bronnen", default=list)
    method = models.TextField("methode")
    pipeline_version = models.CharField("versie van de methode", max_length=20)
    cells_file = models.CharField("bestand met cellen", max_length=200)
    cells_sha256 = models.CharField("SHA-256 van de cellen", max_length=64)
    cell_count = models.PositiveIntegerField("aantal cellen")
    suppressed_primary = models.PositiveIntegerField("primair afgeschermd")
    suppressed_secondary = models.PositiveIntegerField("secundair afgeschermd")
    summary = models.JSONField("samenvatting", default=dict)
    diff = models.JSONField("verschil met de vorige versie", default=dict)
    seconds = models.FloatField("duur (s)")

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "momentopname ondermijningsbeeld"
        verbose_name_plural = "momentopnamen ondermijningsbeeld"
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(gemeente__isnull=False, regio__isnull=True)
                           | models.Q(gemeente__isnull=True, regio__isnull=False)),
                name="snapshot_scope_xor"),
            models.UniqueConstraint(fields=["gemeente", "version"], condition=models.Q(gemeente__isnull=False),
                                    name="snapshot_version_per_gemeente"),
            models.UniqueConstraint(fields=["regio", "version"], condition=models.Q(regio__isnull=False),
                                    name="snapshot_version_per_regio"),
        ]

    def __str__(self):
        return f"Ondermijningsbeeld versie {self.version} ({format_date(self.reference_date)})"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise SnapshotImmutable("Een momentopname van het ondermijningsbeeld kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SnapshotImmutable("Een momentopname van het ondermijningsbeeld kan niet worden verwijderd.")
