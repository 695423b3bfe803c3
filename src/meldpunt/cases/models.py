"""The casus (step 4): signals that belong together, led by the regisseur (design §3), with its
casusoverleg, releases (PC2A/PC2B), plan van aanpak and interventions.

Everything a casus owns hangs from it with on_delete=CASCADE (directly or through something
that does), so destroying the casus removes every copy (P4). A meeting (casusoverleg) is shared
by the casussen on its agenda and holds no case content itself: the minutes, decisions and
releases of a casus live on its agenda item, which goes with the casus.
"""

from django.conf import settings
from django.db import models

from meldpunt.core.datums import format_date
from meldpunt.intake.models import Signal
from meldpunt.tenancy.defaults import only_gemeente


class Casus(models.Model):
    reference = models.CharField("kenmerk", max_length=20, unique=True)
    # Holds only signals of this gemeente (cases.services checks it when a signal is linked).
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="casussen",
                                 default=only_gemeente, verbose_name="gemeente")
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
        indexes = [models.Index(fields=["state", "opened_at"], name="casus_state_opened")]

    def __str__(self):
        return self.reference


class CasusSignal(models.Model):
    """A signal that belongs to a casus. Each link is made with its own weging."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="signal_links")
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="casus_links")
    linked_at = models.DateTimeField("gekoppeld op")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    # The W4 that opened the casus (on the signal) or linked the signal (on the casus).
    weging = models.ForeignKey("protocol.Weging", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="casus_links")
    outcome = models.CharField("uitkomst voor dit signaal", max_length=300, blank=True)

    class Meta:
        verbose_name = "signaal bij casus"
        verbose_name_plural = "signalen bij casus"
        constraints = [models.UniqueConstraint(fields=["casus", "signal"], name="unique_casus_signal")]

    def __str__(self):
        return f"{self.signal_id} in {self.casus_id}"


class CasusStateChange(models.Model):
    """Append-only history of a casus: the current state is its latest row."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField("overgang", max_length=40)
    source = models.CharField("van", max_length=30, blank=True)
    target = models.CharField("naar", max_length=30)
    at = models.DateTimeField("op")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="casus_state_changes")
    role = models.CharField("rol", max_length=32, blank=True)
    note = models.TextField("toelichting", blank=True)
    # The weging this step used (e.g. W4 for re-opening); a weging serves one step only.
    weging = models.OneToOneField("protocol.Weging", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="casus_step")

    class Meta:
        verbose_name = "statuswijziging casus"
        verbose_name_plural = "statusgeschiedenis casussen"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.source or '∅'} → {self.target} ({self.casus_id})"


class MeetingState(models.TextChoices):
    GEPLAND = "gepland", "Gepland"
    GEHOUDEN = "gehouden", "Gehouden"


class Meeting(models.Model):
    """A casusoverleg. Holds no case content: title, date and place only."""

    # Held by one gemeente: its agenda holds only that gemeente's casussen (cases.meetings checks it).
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="meetings",
                                 default=only_gemeente, verbose_name="gemeente")
    title = models.CharField("naam van het overleg", max_length=200)
    starts_at = models.DateTimeField("datum en tijd")
    location = models.CharField("plaats", max_length=200, blank=True)
    # Per the local protocol: may external partners take part? Decides the minutes' retention.
    with_third_parties = models.BooleanField("met externe partners", default=False)
    state = models.CharField("status", max_length=12, choices=MeetingState.choices, default=MeetingState.GEPLAND)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("aangemaakt op")

    class Meta:
        verbose_name = "casusoverleg"
        verbose_name_plural = "casusoverleggen"
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.title} ({format_date(self.starts_at)})"


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_seats")
    organisation = models.CharField("afdeling of organisatie", max_length=200)
    external = models.BooleanField("externe partner", default=False)
    invited_at = models.DateTimeField("uitgenodigd op")
    attended = models.BooleanField("aanwezig", null=True, blank=True)

    class Meta:
        verbose_name = "deelnemer"
        verbose_name_plural = "deelnemers"
        ordering = ["organisation", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="unique_meeting_participant")]

    def __str__(self):
        return f"{self.user} ({self.organisation})"


class AgendaItem(models.Model):
    """A casus on the agenda of a meeting, with its minutes and decisions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("volgorde", default=1)
    minutes = models.TextField("verslag", blank=True)
    decisions = models.TextField("besluiten", blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    minutes_at = models.DateTimeField("verslag vastgelegd op", null=True, blank=True)
    # Selectielijst 19.1.9 (intern ambtelijk overleg, 1 jaar) or 19.1.11 (met derden, 5 jaar).
    minutes_result_class = models.ForeignKey("retention.ResultClass", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name="resultaatklasse verslag")

    class Meta:
        verbose_name = "agendapunt"
        verbose_name_plural = "agendapunten"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "casus"], name="unique_agenda_casus")]

    def __str__(self):
        return f"{self.casus_id} op {self.meeting_id}"


class ReleaseKind(models.TextChoices):
    PC2A = "PC2A", "Vrijgave aan deelnemer (privacytoets 2A)"
    PC2B = "PC2B", "Vrijgave voor interventie (privacytoets 2B)"


class ReleaseState(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", "Wacht op besluit"
    VRIJGEGEVEN = "vrijgegeven", "Vrijgegeven"
    GEWEIGERD = "geweigerd", "Niet vrijgegeven"


class ReleaseRequest(models.Model):
    """What one recipient may see of a casus: asked by the regisseur, decided by the
    privacyfunctionaris with a PC2A or PC2B weging. Items are keys of ``cases.items``."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="release_requests")
    kind = models.CharField("soort", max_length=4, choices=ReleaseKind.choices)
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="release_requests")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="release_requests")
    intervention = models.ForeignKey("Intervention", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="release_requests")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="releases")
    items = models.JSONField("gevraagde onderdelen", default=list)
    purpose = models.TextField("waarvoor de ontvanger dit nodig heeft")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("gevraagd op")
    state = models.CharField("status", max_length=12, choices=ReleaseState.choices,
                             default=ReleaseState.AANGEVRAAGD)
    approved_items = models.JSONField("vrijgegeven onderdelen", default=list)
    # The signals linked when the decision was taken: 'veld:' items cover these and no signal
    # linked later (a release never grows silently, P1/P3). Empty until decided.
    signal_scope = models.JSONField("signalen bij het besluit", default=list, blank=True)
    weging = models.OneToOneField("protocol.Weging", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="release")
    decided_at = models.DateTimeField("besloten op", null=True, blank=True)

    class Meta:
        verbose_name = "vrijgave"
        verbose_name_plural = "vrijgaven"
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["recipient", "state"], name="release_recipient_state")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="PC2A", participant__isnull=False, agenda_item__isnull=False)
                           | models.Q(kind="PC2B", intervention__isnull=False)),
                name="release_has_its_target"),
        ]

    def __str__(self):
        return f"{self.kind} voor {self.recipient} ({self.casus_id})"


class Instrument(models.Model):
    """An intervention instrument (domain §2): configurable data, seeded on migrate."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField("naam", max_length=200)
    legal_basis = models.CharField("wettelijke grondslag", max_length=300)
    competent_authority = models.CharField("bevoegd orgaan", max_length=200)
    department = models.CharField("afdeling", max_length=200)
    order = models.PositiveSmallIntegerField("volgorde", default=100)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "instrument"
        verbose_name_plural = "instrumenten"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class InterventionStatus(models.TextChoices):
    GEPLAND = "gepland", "Gepland"
    IN_UITVOERING = "in_uitvoering", "In uitvoering"
    AFGEROND = "afgerond", "Afgerond"
    GESTOPT = "gestopt", "Gestopt"


class Intervention(models.Model):
    """One measure of the plan van aanpak, carried out by its owner (uitvoerder)."""

    casus = models.ForeignKey(Casus, on_delete=models.CASCADE, related_name="interventions")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="interventions")
    description = models.TextField("wat er gebeurt")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interventions",
                              verbose_name="uitvoerder")
    department = models.CharField("afdeling", max_length=200)
    deadline = models.DateField("uiterlijk klaar op")
    status = models.CharField("status", max_length=16, choices=InterventionStatus.choices,
                              default=InterventionStatus.GEPLAND)
    result = models.TextField("resultaat", blank=True)
    created_at = models.DateTimeField("aangemaakt op")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("gestart op", null=True, blank=True)
    finished_at = models.DateTimeField("afgerond op", null=True, blank=True)

    class Meta:
        verbose_name = "interventie"
        verbose_name_plural = "interventies"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="intervention_status_deadline")]

    def __str__(self):
        return f"{self.instrument} ({self.casus_id})"

    @property
    def open(self) -> bool:
        return self.status in (InterventionStatus.GEPLAND, InterventionStatus.IN_UITVOERING)

    @property
    def latest_release(self):
        """The newest PC2B request for this intervention, or None (uses a prefetch when there is one)."""
        requests = list(self.release_requests.all())
        return max(requests, key=lambda r: (r.requested_at, r.pk)) if requests else None


class InterventionUpdate(models.Model):
    """Progress of an intervention (monitoring), append-only."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField("op")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("status", max_length=16, choices=InterventionStatus.choices)
    note = models.TextField("toelichting", blank=True)

    class Meta:
        verbose_name = "voortgang interventie"
        verbose_name_plural = "voortgang interventies"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.intervention_id})"


class Reminder(models.Model):
    """A reminder about an overdue intervention; one per intervention per day (idempotent job)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField("verstuurd op")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "herinnering"
        verbose_name_plural = "herinneringen"
        constraints = [models.UniqueConstraint(fields=["intervention", "sent_on"], name="unique_reminder_per_day")]

    def __str__(self):
        return f"herinnering {self.sent_on} ({self.intervention_id})"
