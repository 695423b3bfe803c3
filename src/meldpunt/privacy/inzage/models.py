"""Requests of data subjects under AVG art. 15 (AccessRequest), what was found on the subject
(AccessItem, one per signal, report or casus) with its UAVG art. 41 decision, and the periodic
re-evaluation of restrictions (RestrictionReview).

A copy of an identity document is never stored: only its type, the last four characters of its
number, who checked it and when (AVG art. 5(1)(c), data minimisation).
"""

from django.conf import settings
from django.db import models

from meldpunt.tenancy.defaults import only_gemeente


class RequestStatus(models.TextChoices):
    ONTVANGEN = "ontvangen", "Ontvangen"
    IN_BEHANDELING = "in_behandeling", "In behandeling"
    VERLENGD = "verlengd", "Verlengd"
    AFGEHANDELD = "afgehandeld", "Afgehandeld"


class IdentityDocument(models.TextChoices):
    PASPOORT = "paspoort", "Paspoort"
    ID_KAART = "id_kaart", "Identiteitskaart"
    RIJBEWIJS = "rijbewijs", "Rijbewijs"
    VERBLIJFSDOCUMENT = "verblijfsdocument", "Verblijfsdocument"
    DIGID = "digid", "DigiD (ingelogd verzoek)"


class AccessRequest(models.Model):
    reference = models.CharField("kenmerk", max_length=20, unique=True)
    # An inzageverzoek is made to one controller: the gemeente.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="access_requests",
                                 default=only_gemeente, verbose_name="gemeente")
    received_on = models.DateField("ontvangen op")
    requester_name = models.CharField("naam verzoeker", max_length=200)
    requester_contact = models.CharField("antwoord sturen naar", max_length=300,
                                         help_text="Postadres of e-mailadres voor het antwoord.")
    # Identity check (AVG art. 12(6)): how, by whom, when; never a copy of the document.
    identity_document = models.CharField("soort identiteitsbewijs", max_length=20, choices=IdentityDocument.choices)
    identity_last4 = models.CharField("laatste vier tekens documentnummer", max_length=4, blank=True)
    identity_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            related_name="+", verbose_name="identiteit gecontroleerd door")
    identity_checked_at = models.DateTimeField("identiteit gecontroleerd op")
    # Whom the request is about (usually the requester).
    subject_bsn = models.CharField("BSN", max_length=9, blank=True)
    subject_name = models.CharField("naam", max_length=200, blank=True)
    subject_birth_date = models.DateField("geboortedatum", null=True, blank=True)
    subject_address = models.ForeignKey("registries.Nummeraanduiding", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name="adres (BAG)")
    subject_address_text = models.CharField("adres in eigen woorden", max_length=200, blank=True)
    subject_email = models.EmailField("e-mailadres", blank=True)
    status = models.CharField("status", max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.ONTVANGEN)
    deadline = models.DateField("uiterste antwoorddatum")
    extended_until = models.DateField("verlengd tot", null=True, blank=True)
    extension_reason = models.TextField("reden verlenging", blank=True)
    extension_informed_on = models.DateField("verzoeker geïnformeerd over verlenging op", null=True, blank=True)
    searched_at = models.DateTimeField("gezocht op", null=True, blank=True)
    # UAVG art. 41 can also restrict the duty to confirm (art. 15(1)): whether the answer says
    # that data were withheld is a recorded choice per request.
    mention_restrictions = models.BooleanField("beperking vermelden in het antwoord", default=True)
    no_mention_reasoning = models.TextField("motivering niet vermelden", blank=True)
    closed_at = models.DateTimeField("afgehandeld op", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Retention (ADR 0009 addendum): closed_at + the term of result class 'inzageverzoek-afgehandeld';
    # then the daily job clears who the request was from and about (inzage/retention.py).
    destroy_after = models.DateField("te anonimiseren na", null=True, blank=True)
    anonymised_at = models.DateTimeField("geanonimiseerd op", null=True, blank=True)

    class Meta:
        verbose_name = "inzageverzoek"
        verbose_name_plural = "inzageverzoeken"
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.reference

    @property
    def effective_deadline(self):
        return self.extended_until or self.deadline

    @property
    def is_closed(self) -> bool:
        return self.status == RequestStatus.AFGEHANDELD


class ItemKind(models.TextChoices):
    SIGNAAL = "signaal", "Signaal waarin u wordt genoemd"
    MELDING = "melding", "Melding die u zelf deed"
    CASUS = "casus", "Casus"
    LOG = "log", "Overige verwerkingen (verwerkingslog)"


class Decision(models.TextChoices):
    VOLLEDIG = "volledig", "Volledig verstrekken"
    GEDEELTELIJK = "gedeeltelijk", "Gedeeltelijk beperken"
    GEHEEL = "geheel", "Geheel beperken"
    # A false positive of the search (a namesake, an earlier resident): not the subject's data.
    NIET_BETROKKENE = "niet_betrokkene", "Gaat niet over de betrokkene"


class Ground(models.TextChoices):
    """UAVG art. 41 lid 1 (domain reference §6.4)."""

    A = "a", "a. nationale veiligheid"
    B = "b", "b. landsverdediging"
    C = "c", "c. openbare veiligheid"
    D = "d", ("d. de voorkoming, het onderzoek, de opsporing en de vervolging van strafbare feiten of de "
              "tenuitvoerlegging van straffen")
    E = "e", "e. andere belangrijke doelstellingen van algemeen belang"


class Part(models.TextChoices):
    """What a partial restriction withholds from an item."""

    OMSCHRIJVING = "omschrijving", "Omschrijving en locatie"
    WEGINGEN = "wegingen", "Wegingen en motiveringen"
    DOORZENDINGEN = "doorzendingen", "Doorzendingen (ontvangers)"
    VERLOOP = "verloop", "Verloop (statussen)"
    LOG = "log", "Verwerkingslog"


class AccessItem(models.Model):
    """One thing found on the subject, with the UAVG art. 41 decision on it."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("soort", max_length=10, choices=ItemKind.choices)
    # A reference, not a foreign key: the item must survive the destruction of the signal (P4).
    object_id = models.CharField(max_length=40, blank=True)
    label = models.CharField("omschrijving", max_length=200)
    found_via = models.JSONField("gevonden via", default=list)
    decision = models.CharField("besluit", max_length=16, choices=Decision.choices, blank=True)
    ground = models.CharField("grond (UAVG art. 41 lid 1)", max_length=1, choices=Ground.choices, blank=True)
    withheld_parts = models.JSONField("niet verstrekte onderdelen", default=list, blank=True)
    reasoning = models.TextField("motivering", blank=True)
    necessity = models.TextField("noodzaak en evenredigheid", blank=True)
    review_on = models.DateField("opnieuw beoordelen op", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Pointers kept by the re-evaluations (the decision above never changes after closing).
    next_review_on = models.DateField("volgende herbeoordeling", null=True, blank=True)
    lifted_at = models.DateTimeField("beperking opgeheven op", null=True, blank=True)

    class Meta:
        verbose_name = "gevonden gegevens"
        verbose_name_plural = "gevonden gegevens"
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "kind", "object_id"], name="unique_access_item")]

    def __str__(self):
        return self.label

    @property
    def restricted(self) -> bool:
        """Restricted now: a partial or full restriction that has not been lifted."""
        return self.decision in (Decision.GEDEELTELIJK, Decision.GEHEEL) and self.lifted_at is None


class ReviewOutcome(models.TextChoices):
    HANDHAVEN = "handhaven", "Beperking handhaven"
    OPHEFFEN = "opheffen", "Beperking opheffen (alsnog verstrekken)"


class RestrictionReview(models.Model):
    """A periodic re-evaluation of a restriction (the decision itself stays as it was)."""

    item = models.ForeignKey(AccessItem, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField("uitkomst", max_length=10, choices=ReviewOutcome.choices)
    reasoning = models.TextField("motivering")
    next_review_on = models.DateField("volgende beoordeling", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = "herbeoordeling beperking"
        verbose_name_plural = "herbeoordelingen beperking"
        ordering = ["reviewed_at", "id"]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.item_id})"


class AnswerPackage(models.Model):
    """The answer package made by a background job (PDF + JSON). The files themselves are stored
    encrypted in the var folder (inzage/answers.py); this row says when and from which state of the
    request they were made, so that a package made before a later decision is never handed out."""

    request = models.OneToOneField(AccessRequest, on_delete=models.CASCADE, related_name="answer_package")
    made_at = models.DateTimeField("gemaakt op")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    # A hash of the status and every decision at the moment it was made (answers.fingerprint).
    fingerprint = models.CharField(max_length=64)
    released_items = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "antwoordpakket"
        verbose_name_plural = "antwoordpakketten"

    def __str__(self):
        return f"Antwoordpakket ({self.request_id})"
