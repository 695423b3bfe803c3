"""Hit/no-hit between the gemeenten of one installation (ADR 0030 §8): B's index of keyed digests,
A's question and its one bit per (subject, gemeente), B's request to weigh a hit, and the frozen
release B's weging made for A."""

from django.conf import settings
from django.db import models

from .matching import Kind


class MatchDigest(models.Model):
    """One canonical value of one of B's signals that may be found, keyed with B's match key. Derived
    (a rebuild recomputes it); it goes with its signal and its mention."""

    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="gemeente")
    kind = models.CharField("soort", max_length=10, choices=[(k.value, k.value) for k in Kind])
    digest = models.CharField("sleutelwaarde", max_length=64)
    signal = models.ForeignKey("intake.Signal", on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey("intake.MentionedSubject", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = "sleutelwaarde voor hit/no-hit"
        verbose_name_plural = "sleutelwaarden voor hit/no-hit"
        # A's question looks up all members' digests at once by digest (a keyed digest is unique to its
        # gemeente); B's own matches by (gemeente, kind, digest).
        indexes = [models.Index(fields=["gemeente", "kind", "digest"], name="regio_digest_lookup"),
                   models.Index(fields=["digest"], name="regio_digest_value")]

    def __str__(self):
        return f"sleutelwaarde {self.pk}"


class RegionalQuestion(models.Model):
    """A's question to the other gemeenten of its regio: one per allowed source request."""

    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="vragende gemeente")
    source_request = models.OneToOneField("protocol.SourceRequest", on_delete=models.CASCADE,
                                          related_name="regional_question")
    asked_at = models.DateTimeField("gevraagd op")
    trace_id = models.CharField(max_length=32, blank=True)
    # The answering gemeenten whose part (requests and log lines) is done: a retried job skips them.
    answered_for = models.JSONField("afgehandeld voor", default=list, blank=True)

    class Meta:
        verbose_name = "regionale vraag"
        verbose_name_plural = "regionale vragen"
        ordering = ["asked_at", "id"]

    def __str__(self):
        return f"regionale vraag {self.pk}"


class RegionalAnswer(models.Model):
    """One bit: does gemeente B know this subject of A's signal? Nothing else."""

    question = models.ForeignKey(RegionalQuestion, on_delete=models.CASCADE, related_name="answers")
    mention = models.ForeignKey("intake.MentionedSubject", on_delete=models.CASCADE, related_name="+")
    answering = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="antwoordende gemeente")
    hit = models.BooleanField("treffer")

    class Meta:
        verbose_name = "regionaal antwoord"
        verbose_name_plural = "regionale antwoorden"
        ordering = ["question_id", "mention_id", "answering_id"]
        constraints = [models.UniqueConstraint(fields=["question", "mention", "answering"],
                                               name="one_answer_per_subject_and_gemeente")]

    def __str__(self):
        return f"regionaal antwoord {self.pk}"


class RegionalRequestState(models.TextChoices):
    TE_BEOORDELEN = "te_beoordelen", "Te beoordelen"
    GEDEELD = "gedeeld", "Gedeeld"
    NIET_GEDEELD = "niet_gedeeld", "Niet gedeeld"


class RegionalRequest(models.Model):
    """A hit in B becomes B's decision: B's privacyfunctionaris weighs whether to share (WegingType
    RV). The matched signals are B's own data, read only by B."""

    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="gemeente")
    from_gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="vragende gemeente")
    # B's record outlives A's destruction of the signal that asked (A's answer is A's data).
    answer = models.OneToOneField(RegionalAnswer, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="request")
    purpose = models.TextField("doel")
    legal_basis = models.CharField("grondslag", max_length=300)
    pc1_reference = models.CharField("privacytoets 1 van de vragende gemeente", max_length=100, blank=True)
    asked_by_name = models.CharField("gevraagd door", max_length=200)
    asked_by_organisation = models.CharField("organisatie", max_length=200)
    subject_label = models.CharField("betrokkene (soort)", max_length=100)
    received_at = models.DateTimeField("ontvangen op")
    state = models.CharField("status", max_length=15, choices=RegionalRequestState.choices,
                             default=RegionalRequestState.TE_BEOORDELEN)
    matched_signals = models.ManyToManyField("intake.Signal", related_name="+", verbose_name="gevonden signalen")
    weging = models.OneToOneField("protocol.Weging", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="regional_request")
    decided_at = models.DateTimeField("besloten op", null=True, blank=True)

    class Meta:
        verbose_name = "regionaal verzoek"
        verbose_name_plural = "regionale verzoeken"
        ordering = ["received_at", "id"]

    def __str__(self):
        return f"regionaal verzoek {self.pk}"


class RegionalRelease(models.Model):
    """What B shared, frozen: A's data from then on, read on A's signal page."""

    request = models.OneToOneField(RegionalRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="release")
    # A's data: it goes with A's answer (and so with A's signal), whatever B keeps.
    answer = models.ForeignKey(RegionalAnswer, on_delete=models.CASCADE, related_name="releases")
    content = models.JSONField("gedeelde inhoud", default=list)
    released_at = models.DateTimeField("gedeeld op")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "regionale vrijgave"
        verbose_name_plural = "regionale vrijgaven"

    def __str__(self):
        return f"regionale vrijgave {self.pk}"
