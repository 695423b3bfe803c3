"""Signals and what comes with them: the phenomena catalogue, reporter contact details,
mentioned subjects, attachments and the partner organisations that report through the API.

No nationality, ethnicity or origin is stored anywhere (P7).
"""

import hashlib

from django.conf import settings
from django.db import models

from meldpunt.tenancy.defaults import only_gemeente

from .rule_schemas import validate_rule


class Channel(models.TextChoices):
    WEBFORMULIER = "webformulier", "Webformulier (publiek)"
    INTERN = "intern", "Intern formulier"
    TELEFOON = "telefoon", "Telefoon of balie"
    PARTNER = "partner", "Partner-API"
    IMPORT = "import", "Bulkimport"
    DATA_ANALYSE = "data_analyse", "Data-analyse"


class ReporterKind(models.TextChoices):
    ANONIEM = "anoniem", "Anoniem"
    BURGER = "burger", "Inwoner (met contactgegevens)"
    MEDEWERKER = "medewerker", "Medewerker gemeente"
    PARTNER = "partner", "Partnerorganisatie"
    MMA = "mma", "Meld Misdaad Anoniem"


class Phenomenon(models.Model):
    """A type of ondermijning. Configurable data (functioneel beheer), seeded on migrate."""

    code = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField("naam", max_length=120)
    public_label = models.CharField("omschrijving voor melders", max_length=200)
    examples = models.TextField("voorbeelden", blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=100)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "fenomeen"
        verbose_name_plural = "fenomenen"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class PartnerOrganisation(models.Model):
    """A partner that reports through the API with its own token (stored as a hash only)."""

    name = models.CharField("naam", max_length=200, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField("actief", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The gemeenten this partner delivers signals to (ADR 0030 §2): one, and the API needs no
    # gemeente; several, and each signal names its own. None while the installation has one gemeente.
    gemeenten = models.ManyToManyField("tenancy.Tenant", blank=True, related_name="partners",
                                       verbose_name="levert aan gemeenten")

    class Meta:
        verbose_name = "partnerorganisatie"
        verbose_name_plural = "partnerorganisaties"

    def __str__(self):
        return self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Signal(models.Model):
    reference = models.CharField("kenmerk", max_length=20, unique=True)
    # The gemeente (tenant) the signal was made to; everything under it inherits it (ADR 0030 §2).
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="signals",
                                 default=only_gemeente, verbose_name="gemeente")
    receipt_code = models.CharField("ontvangstcode", max_length=16, unique=True, null=True, blank=True)
    received_at = models.DateTimeField("ontvangen op", db_index=True)
    channel = models.CharField("kanaal", max_length=20, choices=Channel.choices)
    reporter_kind = models.CharField("soort melder", max_length=12, choices=ReporterKind.choices,
                                     default=ReporterKind.ANONIEM)
    phenomenon = models.ForeignKey(Phenomenon, on_delete=models.PROTECT, db_column="phenomenon",
                                   related_name="signals", verbose_name="fenomeen")
    description = models.TextField("omschrijving", blank=True)
    location_text = models.CharField("locatie in eigen woorden", max_length=300, blank=True)
    occurred_on = models.DateField("datum waarneming", null=True, blank=True)
    occurred_text = models.CharField("wanneer in eigen woorden", max_length=200, blank=True)
    buurt = models.ForeignKey(
        "registries.Buurt", on_delete=models.PROTECT, null=True, blank=True, related_name="signals"
    )
    address = models.ForeignKey(
        "registries.Nummeraanduiding", on_delete=models.PROTECT, null=True, blank=True,
        related_name="signals",
    )
    # The current state is the latest row of the history (protocol.StateChange); this column is
    # its pointer, updated in the same transaction, so queues need no subquery.
    state = models.CharField("status", max_length=30, default="ontvangen")
    state_since = models.DateTimeField("in deze status sinds", null=True, blank=True)
    deadline = models.DateField("uiterste datum stap", null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="reported_signals",
    )
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="signals")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_signals",
    )
    # 'Geen actie': the content is sealed with a key outside the database and cleared here.
    sealed = models.BinaryField("versleutelde inhoud", null=True, blank=True, editable=False)
    destroy_after = models.DateField("te vernietigen na", null=True, blank=True)
    # A reporter's addition to an earlier report ("aanvullen" with the receipt code) arrives as a
    # signal of its own, weighed like any other, pointing at the report it adds to.
    supplements = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="additions", verbose_name="aanvulling op")

    class Meta:
        verbose_name = "signaal"
        verbose_name_plural = "signalen"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["state", "received_at"], name="signal_state_received"),
            models.Index(fields=["state", "deadline"], name="signal_state_deadline"),
            # The queue's order (selectors.queue): the first page is read from the index instead
            # of sorting every visible signal (bench/intake.py, queue page at 100,000 signals).
            models.Index(fields=["deadline", "received_at", "id"], name="signal_queue_order"),
            # The same order within one gemeente: the queue of a regional installation (ADR 0030 §2).
            models.Index(fields=["gemeente", "deadline", "received_at", "id"], name="signal_gemeente_queue"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_sealed(self) -> bool:
        return self.sealed is not None

    @property
    def anonymous(self) -> bool:
        return self.reporter_kind in (ReporterKind.ANONIEM, ReporterKind.MMA)


class ReporterContact(models.Model):
    """How to reach a reporter who chose to leave contact details. Kept apart from the signal so
    it can be anonymised after closure without touching the signal."""

    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField("naam", max_length=200, blank=True)
    email = models.EmailField("e-mailadres", blank=True)
    phone = models.CharField("telefoonnummer", max_length=30, blank=True)
    # Set when the retention job cleared name, e-mail and phone after closure (P4).
    anonymised_at = models.DateTimeField("geanonimiseerd op", null=True, blank=True)

    class Meta:
        verbose_name = "contactgegevens melder"
        verbose_name_plural = "contactgegevens melders"

    def __str__(self):
        return f"contact bij {self.signal_id}"


class SubjectKind(models.TextChoices):
    PERSOON = "persoon", "Persoon"
    ONDERNEMING = "onderneming", "Onderneming"
    ADRES = "adres", "Adres"
    VOERTUIG = "voertuig", "Voertuig"


class MentionedSubject(models.Model):
    """A person, company, address or vehicle a signal is about, as the reporter described it."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField("soort", max_length=12, choices=SubjectKind.choices)
    role = models.CharField("rol in het signaal", max_length=80, blank=True)
    name = models.CharField("naam", max_length=200, blank=True)
    birth_date = models.DateField("geboortedatum", null=True, blank=True)
    bsn = models.CharField("BSN", max_length=9, blank=True, db_index=True)
    kvk_nummer = models.CharField("KvK-nummer", max_length=8, blank=True, db_index=True)
    address = models.ForeignKey("registries.Nummeraanduiding", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="mentions")
    address_text = models.CharField("adres in eigen woorden", max_length=200, blank=True)
    kenteken = models.CharField("kenteken", max_length=8, blank=True, db_index=True)
    # Partial identification of a person: often a reporter knows a name and roughly how old, or only
    # what someone looks like. A source is then asked on what is known (protocol.sources).
    birth_year = models.PositiveSmallIntegerField("geboortejaar", null=True, blank=True)
    age_from = models.PositiveSmallIntegerField("leeftijd van", null=True, blank=True)
    age_to = models.PositiveSmallIntegerField("leeftijd tot en met", null=True, blank=True)
    description = models.CharField("signalement", max_length=300, blank=True)

    class Meta:
        verbose_name = "betrokkene"
        verbose_name_plural = "betrokkenen"

    def __str__(self):
        return f"{self.get_kind_display()} bij {self.signal_id}"

    @property
    def age_range_text(self) -> str:
        if self.age_from is not None and self.age_to is not None:
            return f"{self.age_from} tot en met {self.age_to} jaar"
        if self.age_from is not None:
            return f"{self.age_from} jaar of ouder"
        if self.age_to is not None:
            return f"hoogstens {self.age_to} jaar"
        return ""


class SubjectChangeKind(models.TextChoices):
    TOEGEVOEGD = "toegevoegd", "Betrokkene toegevoegd"
    GECORRIGEERD = "gecorrigeerd", "Betrokkene gecorrigeerd"
    VERWIJDERD = "verwijderd", "Betrokkene verwijderd"


class SubjectChange(models.Model):
    """A subject added, corrected or removed after intake, with the reason (append-only; shown on
    the signal's timeline). It names the kind and role and which fields changed, never the old
    values: a removed person leaves no name behind."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="subject_changes")
    subject = models.ForeignKey(MentionedSubject, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="changes", verbose_name="betrokkene")
    kind = models.CharField("wijziging", max_length=12, choices=SubjectChangeKind.choices)
    subject_label = models.CharField("betrokkene (soort en rol)", max_length=120)
    fields_changed = models.CharField("gewijzigde gegevens", max_length=300, blank=True)
    reason = models.TextField("reden")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name="door")
    role = models.CharField("rol", max_length=32, blank=True)
    at = models.DateTimeField("op")

    class Meta:
        verbose_name = "wijziging betrokkene"
        verbose_name_plural = "wijzigingen betrokkenen"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} bij {self.signal_id}"


class Attachment(models.Model):
    """A photo or document. Images are re-encoded without metadata; for an anonymous signal no
    original file name is kept (P5)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="bijlagen/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField("oorspronkelijke naam", max_length=200, blank=True)

    class Meta:
        verbose_name = "bijlage"
        verbose_name_plural = "bijlagen"

    def __str__(self):
        return f"bijlage {self.pk} bij {self.signal_id}"


class DataRuleKind(models.TextChoices):
    """The evaluators in ``rules.py``; a rule is one of them with its own thresholds."""

    OVERBEWONING = "overbewoning", "Veel volwassenen op weinig m² (BRP × BAG)"
    BEDRIJVEN_WOONADRES = "bedrijven_woonadres", "Meerdere bedrijven op één woonadres (NHR × BAG)"
    RISICOBRANCHE_WISSELINGEN = "risicobranche_wisselingen", "Risicobranche in één straat met veel wisselingen (NHR)"
    ABC_DOORVERKOOP = "abc_doorverkoop", "Snelle doorverkoop met waardesprong (Kadaster)"


class DataRule(models.Model):
    """A registry indicator that produces signals in channel 'data-analyse'. Configurable data
    (functioneel beheer): thresholds in ``parameters``, the legal basis with it. A rule only
    creates a signal in step 1; a person decides (P7). Parameters are validated by
    ``rule_schemas.validate_rule`` — never nationality, ethnicity or origin."""

    code = models.SlugField(max_length=60, primary_key=True)
    kind = models.CharField("soort regel", max_length=40, choices=DataRuleKind.choices)
    name = models.CharField("naam", max_length=120)
    description = models.TextField("omschrijving")
    parameters = models.JSONField("parameters (drempels)", default=dict, blank=True)
    legal_basis = models.TextField("grondslag en juridische toelichting")
    phenomenon = models.ForeignKey(Phenomenon, on_delete=models.PROTECT, related_name="data_rules",
                                   verbose_name="fenomeen")
    active = models.BooleanField("actief", default=True)
    version = models.PositiveIntegerField("versie", default=1)
    changed_at = models.DateTimeField("gewijzigd op", auto_now=True)

    class Meta:
        verbose_name = "dataregel"
        verbose_name_plural = "dataregels"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def clean(self):
        validate_rule(self)


class DataRuleHit(models.Model):
    """Which rule produced which signal for which finding, so a re-run creates nothing twice.
    The finding is kept only as a keyed hash (no address or KvK number in clear), and goes with
    its signal when the signal is destroyed."""

    rule = models.ForeignKey(DataRule, on_delete=models.PROTECT, related_name="hits", verbose_name="regel")
    rule_version = models.PositiveIntegerField("versie van de regel")
    object_pseudonym = models.CharField("bevinding (gepseudonimiseerd)", max_length=64)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="data_rule_hits")
    found_at = models.DateTimeField("gevonden op", auto_now_add=True)

    class Meta:
        verbose_name = "treffer dataregel"
        verbose_name_plural = "treffers dataregels"
        constraints = [models.UniqueConstraint(fields=["rule", "object_pseudonym"], name="one_hit_per_finding")]

    def __str__(self):
        return f"treffer {self.rule_id} → signaal {self.signal_id}"
