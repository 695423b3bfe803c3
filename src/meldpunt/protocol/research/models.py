"""Bronnenonderzoek (design §3, step 3): the source catalogue, a request per signal and source
with its privacy check 1, the hit/no-hit answers per subject, and requests to open details."""

from django.conf import settings
from django.db import models

from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.tenancy.defaults import only_gemeente


class Source(models.Model):
    """A departmental source that may be consulted. With a connector the system asks it; without
    one (sociaal domein, VTH dossiers) its bronhouders answer in the UI."""

    # Each gemeente has its own bronnen and bronhouders; the code is unique within the gemeente.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="sources",
                                 default=only_gemeente, verbose_name="gemeente")
    code = models.CharField("code", max_length=30)
    name = models.CharField("naam", max_length=200)
    department = models.CharField("afdeling (eigenaar)", max_length=200)
    connector = models.CharField("koppeling", max_length=30, blank=True,
                                 help_text="Code van de koppeling (BRP, BAG, NHR, WOZ, VERGUNNINGEN); leeg: de "
                                           "bronhouder beantwoordt de vraag.")
    # Per subject kind (persoon, onderneming, adres) the fields that may be asked: [[key, label], ...].
    fields = models.JSONField("gegevens per soort betrokkene", default=dict)
    primary_basis = models.CharField("oorspronkelijke grondslag", max_length=300)
    legal_note = models.TextField("toelichting voor de privacyfunctionaris", blank=True)
    bronhouders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="sources",
                                         verbose_name="bronhouders")
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "bron"
        verbose_name_plural = "bronnen"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["gemeente", "code"], name="unique_source_code_per_gemeente")]

    def __str__(self):
        return self.name

    @property
    def has_connector(self) -> bool:
        return bool(self.connector)

    def field_labels(self, kind: str) -> dict[str, str]:
        return {key: label for key, label in (self.fields or {}).get(kind, [])}


class RequestState(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", "Wacht op privacytoets 1"
    TOEGESTAAN = "toegestaan", "Toegestaan"
    GEWEIGERD = "geweigerd", "Geweigerd"


class SourceRequest(models.Model):
    """The regisseur asks to consult one source about chosen subjects of a signal, with purpose."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="source_requests")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="requests")
    subjects = models.ManyToManyField(MentionedSubject, related_name="source_requests", verbose_name="betrokkenen")
    purpose = models.TextField("doel")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="source_requests")
    requested_at = models.DateTimeField("gevraagd op")
    state = models.CharField("status", max_length=12, choices=RequestState.choices,
                             default=RequestState.AANGEVRAAGD)
    weging = models.ForeignKey("protocol.Weging", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="source_requests", verbose_name="privacytoets 1")
    decided_at = models.DateTimeField("besloten op", null=True, blank=True)

    class Meta:
        verbose_name = "bronverzoek"
        verbose_name_plural = "bronverzoeken"
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["signal", "source"], name="one_request_per_signal_source")]

    def __str__(self):
        return f"{self.source} voor {self.signal_id}"


class HitResult(models.Model):
    """Hit or no hit for one subject in one source; nothing more (hit/no-hit first)."""

    request = models.ForeignKey(SourceRequest, on_delete=models.CASCADE, related_name="hits")
    subject = models.ForeignKey(MentionedSubject, on_delete=models.CASCADE, related_name="hits")
    hit = models.BooleanField("hit", null=True, blank=True)
    answered_by_connector = models.BooleanField("beantwoord door koppeling", default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="hits_answered")
    answered_at = models.DateTimeField("beantwoord op", null=True, blank=True)
    error = models.CharField("foutmelding koppeling", max_length=300, blank=True)

    class Meta:
        verbose_name = "hit/no-hit"
        verbose_name_plural = "hits/no-hits"
        ordering = ["request_id", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "subject"], name="one_hit_per_request_subject")]

    def __str__(self):
        return f"hit/no-hit {self.pk} bij bronverzoek {self.request_id}"

    @property
    def answered(self) -> bool:
        return self.hit is not None


class DetailState(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", "Wacht op goedkeuring"
    TOEGESTAAN = "toegestaan", "Toegestaan"
    GEWEIGERD = "geweigerd", "Geweigerd"


class DetailRequest(models.Model):
    """A request to open chosen fields behind one hit. Approved as a PC1 weging on the signal;
    only ``approved_fields`` are ever fetched or shown."""

    hit = models.ForeignKey(HitResult, on_delete=models.CASCADE, related_name="detail_requests")
    fields = models.JSONField("gevraagde gegevens", default=list)
    purpose = models.TextField("doel")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="detail_requests")
    requested_at = models.DateTimeField("gevraagd op")
    state = models.CharField("status", max_length=12, choices=DetailState.choices, default=DetailState.AANGEVRAAGD)
    approved_fields = models.JSONField("goedgekeurde gegevens", default=list, blank=True)
    weging = models.ForeignKey("protocol.Weging", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="detail_requests", verbose_name="privacytoets 1 (details)")
    decided_at = models.DateTimeField("besloten op", null=True, blank=True)
    # Sources without a connector: what the bronhouder supplied, only the approved fields.
    supplied = models.JSONField("geleverde gegevens", default=dict, blank=True)
    supplied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="details_supplied")
    supplied_at = models.DateTimeField("geleverd op", null=True, blank=True)

    class Meta:
        verbose_name = "verzoek om details"
        verbose_name_plural = "verzoeken om details"
        ordering = ["requested_at", "id"]

    def __str__(self):
        return f"verzoek om details {self.pk} bij hit {self.hit_id}"
