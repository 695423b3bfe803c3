"""Result classes, retention rules, legal holds, destruction lists, tombstones and destruction
statements (P4). See docs/adr/0009-retention-and-destruction.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from meldpunt.tenancy.defaults import only_gemeente


class Valuation(models.TextChoices):
    VERNIETIGEN = "vernietigen", "Vernietigen"
    BLIJVEND = "blijvend_bewaren", "Blijvend bewaren"


class AppliesTo(models.TextChoices):
    SIGNAAL = "signaal", "Signaal"
    CASUS = "casus", "Casus"
    OVERLEG = "overleg", "Overlegverslag"
    INZAGE = "inzageverzoek", "Inzageverzoek"
    VERNIETIGING = "vernietiging", "Verklaring van vernietiging"


class RecordKind(models.TextChoices):
    SIGNAAL = "signaal", "Signaal"
    CASUS = "casus", "Casus"


class ResultClass(models.Model):
    """A result class with its retention term: defaults from the Selectielijst gemeenten en
    intergemeentelijke organen 2020 (domain reference §5.1), configurable by functioneel beheer.
    Destruction date = brondatum + term (see dates.py)."""

    code = models.SlugField("code", max_length=40)
    # Retention settings per controller (ADR 0030 §7): a row without a gemeente is the installation's
    # default (the template every record points at); a row with one overrides that class's term and
    # valuation for that gemeente (terms.py). Records keep pointing at the template row.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="result_classes", verbose_name="gemeente")
    name = models.CharField("omschrijving", max_length=200)
    selectielijst_item = models.CharField("selectielijst-categorie", max_length=20, blank=True)
    valuation = models.CharField("waardering", max_length=20, choices=Valuation.choices,
                                 default=Valuation.VERNIETIGEN)
    term_months = models.PositiveSmallIntegerField("bewaartermijn in maanden", null=True, blank=True)
    applies_to = models.CharField("geldt voor", max_length=20, choices=AppliesTo.choices,
                                  default=AppliesTo.CASUS)
    source = models.CharField("bron", max_length=300, blank=True)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "resultaatklasse"
        verbose_name_plural = "resultaatklassen"
        ordering = ["selectielijst_item", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(gemeente__isnull=True),
                                    name="result_class_code_template"),
            models.UniqueConstraint(fields=["code", "gemeente"], name="result_class_code_per_gemeente"),
        ]

    def __str__(self):
        return f"{self.selectielijst_item} {self.name}".strip()

    @property
    def term_label(self) -> str:
        if self.valuation == Valuation.BLIJVEND:
            return "blijvend bewaren"
        if self.term_months is None:
            return "geen termijn"
        years, months = divmod(self.term_months, 12)
        if not months:
            return f"{years} jaar"
        return f"{self.term_months} maanden"


class SignalRetentionRule(models.Model):
    """Which result class a signal gets when it reaches an end state of the protocol."""

    state = models.CharField("eindstatus", max_length=30)
    # As for ResultClass: without a gemeente the installation's default, with one that gemeente's own
    # choice for this end state. ``result_class`` is always a template row (its code names the class).
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="signal_retention_rules", verbose_name="gemeente")
    result_class = models.ForeignKey(ResultClass, on_delete=models.PROTECT, related_name="signal_rules",
                                     verbose_name="resultaatklasse")

    class Meta:
        verbose_name = "bewaarregel signaal"
        verbose_name_plural = "bewaarregels signalen"
        ordering = ["state"]
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=Q(gemeente__isnull=True),
                                    name="signal_rule_state_template"),
            models.UniqueConstraint(fields=["state", "gemeente"], name="signal_rule_state_per_gemeente"),
        ]

    def __str__(self):
        return f"{self.state} → {self.result_class}"


class LegalHold(models.Model):
    """Blocks destruction during bezwaar, beroep or other legal proceedings (domain §8.5).
    Hangs from its record, so it goes with the record once lifted and destroyed."""

    signal = models.ForeignKey("intake.Signal", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="legal_holds")
    casus = models.ForeignKey("cases.Casus", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="legal_holds")
    reason = models.CharField("reden", max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    placed_at = models.DateTimeField("geplaatst op")
    until = models.DateField("tot en met", null=True, blank=True)
    lifted_at = models.DateTimeField("opgeheven op", null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = "bewaarplicht (legal hold)"
        verbose_name_plural = "bewaarplichten (legal holds)"
        constraints = [
            models.CheckConstraint(
                condition=(Q(signal__isnull=False, casus__isnull=True) | Q(signal__isnull=True, casus__isnull=False)),
                name="legal_hold_one_target"),
        ]

    def __str__(self):
        return f"bewaarplicht {self.pk}"


class ListStatus(models.TextChoices):
    TER_BEOORDELING = "ter_beoordeling", "Ter beoordeling"
    BEDENKTIJD = "bedenktijd", "Goedgekeurd, bedenktijd loopt"
    AFGEWEZEN = "afgewezen", "Afgewezen"
    GEANNULEERD = "geannuleerd", "Geannuleerd"
    UITGEVOERD = "uitgevoerd", "Uitgevoerd"


OPEN_LIST_STATES = (ListStatus.TER_BEOORDELING, ListStatus.BEDENKTIJD)


class DestructionList(models.Model):
    """A vernietigingslijst: composed by the archivaris, reviewed by a second person, executed
    after the bedenktijd (Open Archiefbeheer's process, domain §5.2). Metadata only."""

    # Lists, their review and the verklaring are per controller: the gemeente.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="destruction_lists",
                                 default=only_gemeente, verbose_name="gemeente")
    name = models.CharField("naam", max_length=200)
    status = models.CharField("status", max_length=20, choices=ListStatus.choices,
                              default=ListStatus.TER_BEOORDELING)
    composed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    composed_at = models.DateTimeField("opgesteld op")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField("beoordeeld op", null=True, blank=True)
    review_note = models.TextField("toelichting beoordeling", blank=True)
    cooling_off_until = models.DateTimeField("bedenktijd tot", null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    cancelled_at = models.DateTimeField("geannuleerd op", null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    executed_at = models.DateTimeField("uitgevoerd op", null=True, blank=True)

    class Meta:
        verbose_name = "vernietigingslijst"
        verbose_name_plural = "vernietigingslijsten"
        ordering = ["-composed_at", "-id"]

    def __str__(self):
        return self.name


class ItemStatus(models.TextChoices):
    OPGENOMEN = "opgenomen", "Opgenomen"
    VERNIETIGD = "vernietigd", "Vernietigd"
    UITGEZONDERD = "uitgezonderd", "Uitgezonderd"


class DestructionListItem(models.Model):
    """One record on a list. Holds the record's id (no foreign key: the row goes, the item stays)
    and its metadata — never content."""

    destruction_list = models.ForeignKey(DestructionList, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("soort", max_length=10, choices=RecordKind.choices)
    object_id = models.BigIntegerField()
    reference = models.CharField("kenmerk", max_length=20)
    result_class_code = models.CharField("resultaatklasse", max_length=40, blank=True)
    destroy_after = models.DateField("te vernietigen na", null=True)
    status = models.CharField("status", max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPGENOMEN)
    note = models.CharField("toelichting", max_length=200, blank=True)

    class Meta:
        verbose_name = "regel van een vernietigingslijst"
        verbose_name_plural = "regels van vernietigingslijsten"
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="destruction_item_object")]

    def __str__(self):
        return self.reference


class DestructionStatement(models.Model):
    """Verklaring van vernietiging (Archiefbesluit 1995 art. 8): what was destroyed, on which
    grounds, how, by whom and when. Selectielijst 19.1.18: kept permanently, never destroyed."""

    destruction_list = models.OneToOneField(DestructionList, on_delete=models.PROTECT, related_name="statement")
    number = models.CharField("nummer", max_length=30, unique=True)
    made_at = models.DateTimeField("opgemaakt op")
    specification = models.JSONField("specificatie", default=list)
    grounds = models.TextField("grondslag")
    method = models.TextField("wijze van vernietiging")
    composed_by = models.CharField("opgesteld door", max_length=200)
    approved_by = models.CharField("goedgekeurd door", max_length=200)
    executed_by = models.CharField("uitgevoerd door", max_length=200)
    destroyed_count = models.PositiveIntegerField("aantal vernietigd")
    excluded_count = models.PositiveIntegerField("aantal uitgezonderd", default=0)

    class Meta:
        verbose_name = "verklaring van vernietiging"
        verbose_name_plural = "verklaringen van vernietiging"
        ordering = ["-made_at"]

    def __str__(self):
        return self.number


class Tombstone(models.Model):
    """What remains of a destroyed record: metadata only, no personal content (like Signalen's
    DeletedSignal). The record's last state is kept here, 'vernietigd' is its end."""

    kind = models.CharField("soort", max_length=10, choices=RecordKind.choices)
    # The destroyed row's id: processing-log lines name objects by id, so the FG can still
    # tell which lines were about this record.
    object_id = models.BigIntegerField(null=True)
    reference = models.CharField("kenmerk", max_length=20, db_index=True)
    phenomenon_code = models.CharField("fenomeen", max_length=60, blank=True)
    last_state = models.CharField("laatste status", max_length=30, blank=True)
    started_on = models.DateField("ontvangen of gestart op", null=True)
    result_class_code = models.CharField("resultaatklasse", max_length=40, blank=True)
    selectielijst_item = models.CharField("selectielijst-categorie", max_length=20, blank=True)
    brondatum = models.DateField(null=True)
    destroy_after = models.DateField("te vernietigen na", null=True)
    destroyed_at = models.DateTimeField("vernietigd op")
    statement = models.ForeignKey(DestructionStatement, on_delete=models.PROTECT, related_name="tombstones")
    # The controller that destroyed it (ADR 0030 §2), copied from its list: the metadata of a
    # destroyed record name their gemeente by themselves, like a log line.
    gemeente_code = models.CharField("gemeente", max_length=6, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = "vernietigd dossier (metagegevens)"
        verbose_name_plural = "vernietigde dossiers (metagegevens)"
        ordering = ["id"]

    def __str__(self):
        return f"{self.reference} (vernietigd)"
