"""Meldingen: telling a person of their work, in the application and by e-mail (issue 17).

A notification names the kind of work, a kenmerk and a link — never a name, address or BSN, so the
row and the e-mail made from it hold no personal data (docs/adr/0029-notifications.md)."""

from django.conf import settings
from django.db import models

from meldpunt.tenancy.defaults import only_gemeente


class Kind(models.TextChoices):
    SIGNAAL_TOEGEWEZEN = "signaal_toegewezen", "Er is een signaal aan u toegewezen"
    SIGNAAL_WACHT = "signaal_wacht", "Een signaal wacht langer dan de afgesproken termijn"
    TERMIJN_NADERT = "termijn_nadert", "De termijn van een signaal verloopt binnenkort"
    PRIVACYTOETS_WACHT = "privacytoets_wacht", "Een verzoek wacht op uw privacytoets"
    BESLUIT = "besluit", "Er is besloten over uw verzoek"
    UITNODIGING = "uitnodiging", "U bent uitgenodigd voor een casusoverleg"
    INTERVENTIE_BIJNA = "interventie_bijna", "Een interventie moet binnenkort klaar zijn"
    INTERVENTIE_VERLOPEN = "interventie_verlopen", "Een interventie is over de uiterste datum"
    INZAGE_TERMIJN = "inzage_termijn", "De antwoordtermijn van een inzageverzoek verloopt binnenkort"
    VERNIETIGINGSLIJST = "vernietigingslijst", "Een vernietigingslijst wacht op uw beoordeling"


class EmailState(models.TextChoices):
    PENDING = "wacht", "Wacht op verzending"
    SENT = "verstuurd", "Verstuurd"
    FAILED = "mislukt", "Verzenden mislukt"
    SKIPPED = "niet_per_mail", "Niet per e-mail"


class Mode(models.TextChoices):
    DIRECT = "direct", "Direct per e-mail"
    DIGEST = "dagelijks", "Eén e-mail per dag met alles bij elkaar"
    APP_ONLY = "alleen_app", "Alleen in de applicatie, geen e-mail"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name="ontvanger")
    # The gemeente of the record the melding is about (ADR 0030 §2): the code that makes it names
    # it; the default (the installation's only gemeente) refuses once there are several.
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="notifications",
                                 default=only_gemeente, verbose_name="gemeente")
    kind = models.CharField("soort werk", max_length=30, choices=Kind.choices)
    # A signal reference, casus kenmerk, inzage kenmerk, list name or meeting date: never a person.
    kenmerk = models.CharField("kenmerk", max_length=200)
    link = models.CharField("pagina", max_length=300)
    # The same event makes one notification, however often a hook or scan sees it.
    dedupe_key = models.CharField("sleutel", max_length=200, unique=True)
    # An invitation carries the meeting, for its .ics attachment (time and place, nothing personal);
    # it goes with the meeting (a destroyed casusoverleg leaves no invitation with a dead link).
    meeting = models.ForeignKey("cases.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("aangemaakt op", db_index=True)
    read_at = models.DateTimeField("gelezen op", null=True, blank=True)
    email_state = models.CharField("e-mail", max_length=16, choices=EmailState.choices, default=EmailState.PENDING)
    attempts = models.PositiveSmallIntegerField("pogingen", default=0)
    last_error = models.CharField("laatste fout", max_length=300, blank=True)
    sent_at = models.DateTimeField("verstuurd op", null=True, blank=True)

    class Meta:
        verbose_name = "melding"
        verbose_name_plural = "meldingen"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_state", "recipient"], name="notification_email_state"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.kenmerk})"


class Preference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference", verbose_name="gebruiker")
    mode = models.CharField("meldingen per e-mail", max_length=16, choices=Mode.choices, default=Mode.DIRECT)

    class Meta:
        verbose_name = "voorkeur voor meldingen"
        verbose_name_plural = "voorkeuren voor meldingen"

    def __str__(self):
        return self.get_mode_display()
