"""The processing log (P2) and the register of processing activities (AVG art. 30).

Shaped after the Logboek Dataverwerkingen standard: one line per data subject per action, with
trace and span ids, the processing activity from the register and a pseudonymised subject id.
Both logs are append-only hash chains (see chain.py and docs/adr/0008-tamper-evident-logs.md):
every line carries its sequence number, the hash of the line before it and a keyed hash over all
its fields; a head row per chain records the last line, so removal at the end shows too.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from meldpunt.tenancy.models import Tenant


class AppendOnlyError(Exception):
    """A log line was about to be changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses UPDATE and DELETE; the database triggers refuse them too (migration 0002)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Het log is alleen-toevoegen: regels wijzigen kan niet.")

    def delete(self):
        raise AppendOnlyError("Het log is alleen-toevoegen: regels verwijderen kan niet.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Het log is alleen-toevoegen: regels wijzigen kan niet.")

    def _delete_expired(self) -> int:
        """Only for the retention of the log chains (chain.prune)."""
        return models.QuerySet.delete(self)[0]


class AppendOnlyModel(models.Model):
    """A chained log line: written once by chain.append, never saved again or deleted."""

    seq = models.BigIntegerField("regelnummer", db_index=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    # The fields the keyed hash covers, in this order (besides chain name, seq and prev_hash).
    CHAINED_FIELDS: tuple[str, ...] = ()
    CHAIN: str = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Het log is alleen-toevoegen: regels wijzigen kan niet.")
        if not self.hash:
            raise AppendOnlyError("Een logregel wordt alleen via de hashketen geschreven (chain.append).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Het log is alleen-toevoegen: regels verwijderen kan niet.")

    def chained_fields(self) -> tuple[str, ...]:
        return self.CHAINED_FIELDS


class LogChainHead(models.Model):
    """The head of one chain: last line and, after pruning, the first kept line (the checkpoint).

    Its own keyed hash (``mac``) keeps someone with database rights from moving it back to hide
    lines removed at the end.
    """

    chain = models.CharField(max_length=20, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    checkpoint_seq = models.BigIntegerField(default=1)
    checkpoint_prev_hash = models.CharField(max_length=64, default="0" * 64)
    checkpoint_at = models.DateTimeField(null=True, blank=True)
    pruned = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "kop van een logketen"
        verbose_name_plural = "koppen van logketens"

    def __str__(self):
        return f"{self.chain}: regel {self.last_seq}"


class ProcessingActivity(models.Model):
    """One row of the register of processing activities (versioned: a change is a new row).

    Each gemeente is its own controller with its own register (ADR 0030 §2): ``gemeente_code`` names
    the gemeente whose row this is; "" is the shared template, which a gemeente's register shows for
    every activity it has not changed itself (``register.activity_at``)."""

    gemeente_code = models.CharField("gemeente (leeg: gedeeld sjabloon)", max_length=6, blank=True, default="")
    code = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField("naam", max_length=200)
    purpose = models.TextField("doel")
    legal_basis = models.TextField("grondslag")
    # AVG art. 30 lid 1 sub c; the log lines copy it as "which data" (NEN 7513).
    data_categories = models.CharField("categorieën van gegevens", max_length=300, blank=True)
    # Logboek Dataverwerkingen: a line points at the version that was valid when it was written.
    valid_from = models.DateTimeField("geldig vanaf", default=timezone.now)

    class Meta:
        verbose_name = "verwerkingsactiviteit"
        verbose_name_plural = "verwerkingsactiviteiten"
        constraints = [models.UniqueConstraint(fields=["gemeente_code", "code", "version"],
                                               name="unique_activity_version_per_gemeente")]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def uri(self) -> str:
        """dpl.core.processing_activity_id: this version's address in its gemeente's register."""
        return activity_uri(self.code, self.version, self.gemeente_code)


# A gemeente's register address by CBS code (None: the home gemeente, whose address is the
# installation's setting). Read once per process, like its key slot and chain (tenancy.keys): each
# log line names it, and a query per line would show in every page's query budget.
_register_uris: dict[str, str | None] = {}


def register_base(gemeente_code: str = "") -> str:
    """The address of a gemeente's register: its tenant's ``register_uri``. The home gemeente and the
    shared template keep the installation's address, so every line written before stays valid."""
    installation = settings.MELDPUNT_LDV_REGISTER_URI.rstrip("/")
    if not gemeente_code:
        return installation
    if gemeente_code not in _register_uris:
        row = Tenant.objects.filter(code=gemeente_code).values_list("key_slot", "register_uri").first()
        if row is None:
            return installation
        _register_uris[gemeente_code] = row[1] if row[0] and row[1] else None
    own = _register_uris[gemeente_code]
    return own.rstrip("/") if own else installation


def activity_uri(code: str, version: int, gemeente_code: str = "") -> str:
    return f"{register_base(gemeente_code)}/verwerkingsactiviteiten/{code}/{version}"


class SubjectType(models.TextChoices):
    """The kinds of identifier the product pseudonymises (a new kind comes with a release); what each
    kind means is described, versioned, in the register (DataSubjectType)."""

    BSN = "bsn", "BSN"
    KVK = "kvk", "KvK-nummer"
    BAG = "bag", "BAG-id"
    INTERNAL = "intern", "Intern id"


class DataSubjectType(models.Model):
    """One version of a data subject type in the register (Logboek Dataverwerkingen:
    ``dpl.core.data_subject_id_type`` is a URI from a versioned register with valid-from times).
    A change of name or description is a new row (register.revise_subject_type)."""

    code = models.CharField(max_length=8, choices=SubjectType.choices)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField("naam", max_length=100)
    description = models.TextField("omschrijving")
    valid_from = models.DateTimeField("geldig vanaf", default=timezone.now)

    class Meta:
        verbose_name = "soort betrokkene"
        verbose_name_plural = "soorten betrokkenen"
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_subject_type_version")]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def uri(self) -> str:
        return subject_type_uri(self.code, self.version)


def subject_type_uri(code: str, version: int) -> str:
    """dpl.core.data_subject_id_type: a version of a subject type in our register."""
    return f"{register_base()}/betrokkenetypen/{code}/{version}"


class LogStatus(models.TextChoices):
    """OpenTelemetry span status, as the Logboek Dataverwerkingen uses it: ``unset`` when the
    outcome was not judged (a refusal of the caller's question, HTTP 4xx), ``error`` for a failure."""

    OK = "ok", "Geslaagd"
    UNSET = "unset", "Geweigerd of zonder uitkomst"
    ERROR = "error", "Mislukt"


class ProcessingLogEntry(AppendOnlyModel):
    CHAIN = "verwerking"
    CHAINED_FIELDS = (
        "trace_id", "span_id", "parent_span_id", "foreign_trace_id", "foreign_span_id", "action", "started_at",
        "ended_at", "status", "activity_code", "activity_version", "subject_type", "subject_pseudonym",
        "data_categories", "user_id", "role", "object_type", "object_id", "basis",
    )
    # Lines of format 2 (Logboek Dataverwerkingen 1.0.0, ADR 0025) also chain these; older lines
    # keep the hash they were written with.
    CHAINED_FIELDS_V2 = ("format_version", "action_parent_span_id", "foreign_processor", "activity_uri",
                         "resource_name", "resource_version")
    # Lines of format 3 also chain the version of their subject type in the register.
    CHAINED_FIELDS_V3 = ("subject_type_version", "subject_type_uri")
    # Lines of format 4 name their controller (ADR 0030 §6): each gemeente its own chain.
    CHAINED_FIELDS_V4 = ("gemeente_code",)

    trace_id = models.CharField(max_length=32, db_index=True)
    span_id = models.CharField(max_length=16)
    parent_span_id = models.CharField(max_length=16, blank=True)
    # LDV foreign_operation: the calling action at another party, from an incoming traceparent.
    foreign_trace_id = models.CharField(max_length=32, blank=True)
    foreign_span_id = models.CharField(max_length=16, blank=True)
    # dpl.core.foreign_operation.processor: whose operation called us (a trusted partner).
    foreign_processor = models.CharField(max_length=200, blank=True, db_default="")
    # span_id is the span of this data subject; parent_span_id the action's span; this the
    # action's own parent (the request's span), so one trace can be followed as a tree.
    action_parent_span_id = models.CharField(max_length=16, blank=True, db_default="")
    format_version = models.PositiveSmallIntegerField(default=1, db_default=1, editable=False)
    action = models.CharField("handeling", max_length=80)
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=LogStatus.choices, default=LogStatus.OK)
    # The register row as code + version (not a foreign key): a log line must outlive register edits.
    activity_code = models.CharField(max_length=60)
    activity_version = models.PositiveSmallIntegerField()
    # dpl.core.processing_activity_id: the URI of that version in the register.
    activity_uri = models.CharField(max_length=200, blank=True, db_default="")
    # The OpenTelemetry resource: which system (and which version of it) wrote the line.
    resource_name = models.CharField(max_length=60, blank=True, db_default="")
    resource_version = models.CharField(max_length=40, blank=True, db_default="")
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices)
    subject_pseudonym = models.CharField(max_length=64, db_index=True)
    # The register version of the subject type the line was written under (format 3); older lines
    # have none and were written under version 1 (migration 0005 makes version 1 valid from before them).
    subject_type_version = models.PositiveSmallIntegerField(null=True, blank=True)
    subject_type_uri = models.CharField(max_length=200, blank=True, db_default="")
    data_categories = models.CharField("welke gegevens", max_length=300, blank=True)
    # Who processed: kept as id and role, so the line survives a renamed or removed account.
    user_id = models.BigIntegerField(null=True, db_index=True)
    role = models.CharField(max_length=32, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    basis = models.CharField("grondslag of reden", max_length=300, blank=True)
    # The controller (CBS code; not a key: a line outlives everything). Empty on lines of formats
    # 1-3, which belong to the home gemeente by definition.
    gemeente_code = models.CharField("gemeente", max_length=6, blank=True, db_default="")

    class Meta:
        verbose_name = "verwerkingslogregel"
        verbose_name_plural = "verwerkingslog"
        ordering = ["seq"]
        indexes = [models.Index(fields=["gemeente_code", "seq"], name="log_gemeente_seq")]

    def __str__(self):
        return f"{self.action} {self.subject_type} {self.started_at:%Y-%m-%d %H:%M}"

    def chained_fields(self) -> tuple[str, ...]:
        return (self.CHAINED_FIELDS + (self.CHAINED_FIELDS_V2 if self.format_version >= 2 else ())
                + (self.CHAINED_FIELDS_V3 if self.format_version >= 3 else ())
                + (self.CHAINED_FIELDS_V4 if self.format_version >= 4 else ()))

    @property
    def subject_type_reference(self) -> str:
        """The URI of the subject type's register version; version 1 for a line from before format 3."""
        return self.subject_type_uri or subject_type_uri(self.subject_type, self.subject_type_version or 1)


class SecurityEvent(models.TextChoices):
    LOGIN = "inloggen", "Ingelogd"
    LOGIN_FAILED = "inloggen_mislukt", "Inloggen mislukt"
    LOGOUT = "uitloggen", "Uitgelogd"
    LOCKED_OUT = "geblokkeerd", "Geblokkeerd na herhaalde mislukte pogingen"
    SECOND_FACTOR = "tweede_factor", "Tweede factor gecontroleerd"
    ADMIN_ADD = "beheer_toegevoegd", "Beheer: toegevoegd"
    ADMIN_CHANGE = "beheer_gewijzigd", "Beheer: gewijzigd"
    ADMIN_DELETE = "beheer_verwijderd", "Beheer: verwijderd"
    ROLE_GRANTED = "rol_toegekend", "Rol toegekend"
    ROLE_REVOKED = "rol_ingetrokken", "Rol ingetrokken"
    TOKEN_ISSUED = "token_uitgegeven", "Partnertoken uitgegeven"
    TOKEN_REVOKED = "token_ingetrokken", "Partnertoken ingetrokken"
    ACCESS_DENIED = "toegang_geweigerd", "Geweigerde toegang"
    ADMIN_BULK = "beheer_bulk", "Beheer: actie op meerdere records"
    ROLES_BULK = "rollen_bulk", "Meerdere rollen tegelijk toegekend"
    LOG_READ = "logboek_opgevraagd", "Logboek opgevraagd via de API"
    CHAIN_BROKEN = "keten_onjuist", "Controle van de logketen mislukt"


class SecurityResult(models.TextChoices):
    SUCCESS = "geslaagd", "Geslaagd"
    FAILURE = "mislukt", "Mislukt"


class SecurityLogEntry(AppendOnlyModel):
    """BIO 12.4.1/01: the event, who (traceable to a natural person), the device, the result, the
    date and time. /02: never a password, token or other secret (security.py only passes names)."""

    CHAIN = "beveiliging"
    CHAINED_FIELDS = (
        "occurred_at", "event", "result", "user_id", "username", "roles", "ip_address", "user_agent",
        "object_type", "object_id", "detail", "trace_id",
    )
    # Lines of format 2 also chain their format and their gemeente (ADR 0030 §6).
    CHAINED_FIELDS_V2 = ("format_version", "gemeente_code")

    occurred_at = models.DateTimeField("tijdstip", db_index=True)
    event = models.CharField("gebeurtenis", max_length=24, choices=SecurityEvent.choices)
    result = models.CharField("resultaat", max_length=8, choices=SecurityResult.choices)
    # Who: the account (id and name as typed or stored) and its roles at that moment.
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField("gebruiker", max_length=150, blank=True)
    roles = models.CharField("rollen", max_length=200, blank=True)
    # The device: network address and browser, or the host of a command-line action.
    ip_address = models.CharField("netwerkadres", max_length=45, blank=True)
    user_agent = models.CharField("apparaat", max_length=200, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    detail = models.CharField("toelichting", max_length=300, blank=True)
    trace_id = models.CharField(max_length=32, blank=True)
    format_version = models.PositiveSmallIntegerField(default=1, db_default=1, editable=False)
    # The gemeente the event concerns (a refusal on its record, a role there); "" for events of the
    # installation (a login), which every FG sees.
    gemeente_code = models.CharField("gemeente", max_length=6, blank=True, db_default="")

    class Meta:
        verbose_name = "beveiligingslogregel"
        verbose_name_plural = "beveiligingslog"
        ordering = ["seq"]

    def __str__(self):
        return f"{self.get_event_display()} {self.username} {self.occurred_at:%Y-%m-%d %H:%M}"

    def chained_fields(self) -> tuple[str, ...]:
        return self.CHAINED_FIELDS + (self.CHAINED_FIELDS_V2 if self.format_version >= 2 else ())
