"""Local extracts of the base registries (BAG, BRP, NHR, WOZ), permits, property sales and
the CBS geography with its key figures.

These tables hold what a municipality receives as periodic extracts (or the synthetic demo
data). They are read through connectors (``connectors/``) and selectors, never by views.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from meldpunt.core import validators as v

# ---------------------------------------------------------------- CBS geography (public data)


class Gemeente(models.Model):
    code = models.CharField(max_length=6, primary_key=True, validators=[v.validate_gemeentecode])
    naam = models.CharField(max_length=100)
    jaar = models.PositiveSmallIntegerField("jaar van de indeling", default=2024)

    class Meta:
        verbose_name_plural = "gemeenten"
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.code})"


class AreaFigures(models.Model):
    """CBS Kerncijfers wijken en buurten 2024 and registered crime (Politie via CBS)."""

    inwoners = models.PositiveIntegerField(null=True)
    inwoners_0_tot_15 = models.PositiveIntegerField(null=True)
    inwoners_65_plus = models.PositiveIntegerField(null=True)
    huishoudens = models.PositiveIntegerField(null=True)
    woz_gemiddeld = models.PositiveIntegerField("gemiddelde WOZ-waarde (× €1.000)", null=True)
    koopwoningen_pct = models.PositiveSmallIntegerField(null=True)
    oppervlakte_land_ha = models.PositiveIntegerField(null=True)
    misdrijven_2025 = models.PositiveIntegerField(null=True)
    misdrijven_per_1000_gem5j = models.DecimalField(max_digits=8, decimal_places=1, null=True)

    class Meta:
        abstract = True


class Wijk(AreaFigures):
    code = models.CharField(max_length=8, primary_key=True, validators=[v.validate_wijkcode])
    naam = models.CharField(max_length=100)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="wijken")

    class Meta:
        verbose_name_plural = "wijken"
        ordering = ["code"]

    def __str__(self):
        return self.naam


class Buurt(AreaFigures):
    code = models.CharField(max_length=10, primary_key=True, validators=[v.validate_buurtcode])
    naam = models.CharField(max_length=100)
    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="buurten")
    postcode4 = models.CharField("meest voorkomende postcode (PC4)", max_length=4, blank=True)

    class Meta:
        verbose_name_plural = "buurten"
        ordering = ["code"]

    def __str__(self):
        return self.naam


class SbiCode(models.Model):
    code = models.CharField(max_length=5, primary_key=True)
    omschrijving = models.CharField(max_length=300)

    class Meta:
        verbose_name = "SBI-code"
        verbose_name_plural = "SBI-codes"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.omschrijving}"


# ------------------------------------------------------------------------------------- BAG


class Pand(models.Model):
    identificatie = models.CharField(max_length=16, primary_key=True, validators=[v.validate_bag_id])
    bouwjaar = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name_plural = "panden"

    def __str__(self):
        return f"pand {self.identificatie}"


class Nummeraanduiding(models.Model):
    identificatie = models.CharField(max_length=16, primary_key=True, validators=[v.validate_bag_id])
    openbare_ruimte = models.CharField("straat", max_length=120)
    huisnummer = models.PositiveIntegerField()
    huisletter = models.CharField(max_length=1, blank=True)
    toevoeging = models.CharField("huisnummertoevoeging", max_length=4, blank=True)
    postcode = models.CharField(max_length=6, validators=[v.validate_postcode], db_index=True)
    woonplaats = models.CharField(max_length=80)

    class Meta:
        verbose_name_plural = "nummeraanduidingen"
        indexes = [models.Index(fields=["postcode", "huisnummer"]),
                   models.Index(fields=["openbare_ruimte", "huisnummer"])]  # linking by street

    def __str__(self):
        extra = f"{self.huisletter}{'-' + self.toevoeging if self.toevoeging else ''}"
        postcode = f"{self.postcode[:4]} {self.postcode[4:]}"
        return f"{self.openbare_ruimte} {self.huisnummer}{extra}, {postcode} {self.woonplaats}"


class Gebruiksdoel(models.TextChoices):
    WOON = "woonfunctie", "woonfunctie"
    WINKEL = "winkelfunctie", "winkelfunctie"
    KANTOOR = "kantoorfunctie", "kantoorfunctie"
    INDUSTRIE = "industriefunctie", "industriefunctie"
    BIJEENKOMST = "bijeenkomstfunctie", "bijeenkomstfunctie"
    LOGIES = "logiesfunctie", "logiesfunctie"
    OVERIG = "overige gebruiksfunctie", "overige gebruiksfunctie"


class Verblijfsobject(models.Model):
    identificatie = models.CharField(max_length=16, primary_key=True, validators=[v.validate_bag_id])
    hoofdadres = models.OneToOneField(
        Nummeraanduiding, on_delete=models.PROTECT, related_name="verblijfsobject"
    )
    pand = models.ForeignKey(Pand, on_delete=models.PROTECT, related_name="verblijfsobjecten")
    oppervlakte = models.PositiveIntegerField("oppervlakte (m²)")
    gebruiksdoel = models.CharField(max_length=32, choices=Gebruiksdoel.choices)
    buurt = models.ForeignKey(Buurt, on_delete=models.PROTECT, related_name="verblijfsobjecten")

    class Meta:
        verbose_name_plural = "verblijfsobjecten"

    def __str__(self):
        return f"verblijfsobject {self.identificatie}"


# ------------------------------------------------------------------------------------- BRP


class Persoon(models.Model):
    """A person in the BRP extract. No nationality, origin or ethnicity is held (P7)."""

    bsn = models.CharField("burgerservicenummer", max_length=9, unique=True, validators=[v.validate_bsn])
    voornamen = models.CharField(max_length=200)
    voorvoegsel = models.CharField(max_length=20, blank=True)
    geslachtsnaam = models.CharField(max_length=200, db_index=True)
    geboortedatum = models.DateField(db_index=True)  # blocking when linking mentions

    class Meta:
        verbose_name_plural = "personen"

    def __str__(self):
        return f"persoon {self.pk}"  # no name or BSN in logs and admin titles

    @property
    def naam(self) -> str:
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if p)


class Verblijfplaats(models.Model):
    """An address registration of a person, with its period."""

    persoon = models.ForeignKey(Persoon, on_delete=models.CASCADE, related_name="verblijfplaatsen")
    adres = models.ForeignKey(Nummeraanduiding, on_delete=models.PROTECT, related_name="ingeschrevenen")
    datum_aanvang = models.DateField()
    datum_einde = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "verblijfplaatsen"
        indexes = [models.Index(fields=["adres", "datum_einde"])]

    def __str__(self):
        return f"inschrijving {self.pk}"


# ------------------------------------------------------------------------------------- NHR


class Onderneming(models.Model):
    kvk_nummer = models.CharField(max_length=8, unique=True, validators=[v.validate_kvk_nummer])
    naam = models.CharField(max_length=200)
    rechtsvorm = models.CharField(max_length=60)
    rsin = models.CharField(max_length=9, blank=True, validators=[v.validate_rsin])
    datum_oprichting = models.DateField()
    datum_opheffing = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "ondernemingen"

    def __str__(self):
        return f"{self.naam} (KvK {self.kvk_nummer})"


class Vestiging(models.Model):
    vestigingsnummer = models.CharField(max_length=12, unique=True, validators=[v.validate_vestigingsnummer])
    onderneming = models.ForeignKey(Onderneming, on_delete=models.CASCADE, related_name="vestigingen")
    handelsnaam = models.CharField(max_length=200)
    adres = models.ForeignKey(Nummeraanduiding, on_delete=models.PROTECT, related_name="vestigingen")
    sbi = models.ForeignKey(SbiCode, on_delete=models.PROTECT, related_name="vestigingen")
    datum_aanvang = models.DateField()
    datum_einde = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "vestigingen"

    def __str__(self):
        return f"{self.handelsnaam} ({self.vestigingsnummer})"


class Functionaris(models.Model):
    onderneming = models.ForeignKey(Onderneming, on_delete=models.CASCADE, related_name="functionarissen")
    persoon = models.ForeignKey(Persoon, on_delete=models.CASCADE, related_name="functies")
    functie = models.CharField(max_length=40)
    datum_aanvang = models.DateField()
    datum_einde = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "functionarissen"

    def __str__(self):
        return f"{self.functie} bij onderneming {self.onderneming_id}"


# ------------------------------------------------------------------ WOZ, sales and permits


class WozWaarde(models.Model):
    verblijfsobject = models.ForeignKey(Verblijfsobject, on_delete=models.CASCADE, related_name="woz_waarden")
    peildatum = models.DateField()
    waarde = models.PositiveIntegerField("WOZ-waarde (€)")

    class Meta:
        verbose_name = "WOZ-waarde"
        verbose_name_plural = "WOZ-waarden"
        constraints = [
            models.UniqueConstraint(fields=["verblijfsobject", "peildatum"], name="one_woz_per_peildatum")
        ]

    def __str__(self):
        return f"WOZ {self.verblijfsobject_id} {self.peildatum}"


class Eigendomsoverdracht(models.Model):
    """A property transfer (Kadaster koopsom), needed for ABC-resale indicators."""

    verblijfsobject = models.ForeignKey(Verblijfsobject, on_delete=models.CASCADE, related_name="overdrachten")
    datum = models.DateField()
    koopsom = models.PositiveIntegerField("koopsom (€)")

    class Meta:
        verbose_name = "eigendomsoverdracht"
        verbose_name_plural = "eigendomsoverdrachten"
        indexes = [models.Index(fields=["verblijfsobject", "datum"])]

    def __str__(self):
        return f"overdracht {self.verblijfsobject_id} {self.datum}"


class Vergunning(models.Model):
    soort = models.CharField(max_length=80)
    adres = models.ForeignKey(Nummeraanduiding, on_delete=models.PROTECT, related_name="vergunningen")
    houder = models.ForeignKey(
        Onderneming, on_delete=models.SET_NULL, null=True, blank=True, related_name="vergunningen"
    )
    datum_verlening = models.DateField()
    datum_einde = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, default="verleend")

    class Meta:
        verbose_name_plural = "vergunningen"

    def __str__(self):
        return f"{self.soort} ({self.status})"


# ------------------------------------------------------- linking mentions to registry records


class LinkedEntityKind(models.TextChoices):
    PERSOON = "persoon", "Persoon (BRP)"
    ONDERNEMING = "onderneming", "Onderneming (KvK)"
    ADRES = "adres", "Adres (BAG)"


class LinkVerdict(models.TextChoices):
    BEVESTIGD = "bevestigd", "Bevestigd: dezelfde"
    AFGEWEZEN = "afgewezen", "Afgewezen: niet dezelfde"


class LinkJudgement(models.Model):
    """A person's judgement that a subject mentioned in a signal is, or is not, a registry
    record (nomenklatura's *judgement*). Proposals of the linker are never stored as facts and
    nothing is merged: only these judgements say who is who. Append-only: a changed mind is a
    new judgement; the latest one per mention and record counts.

    The record is held by its natural key (BSN, KvK-nummer, nummeraanduiding-id), not by a
    foreign key, because the extracts are replaced on every delivery.
    """

    mention = models.ForeignKey("intake.MentionedSubject", on_delete=models.CASCADE,
                                related_name="link_judgements", verbose_name="betrokkene")
    entity_kind = models.CharField("soort registratie", max_length=12, choices=LinkedEntityKind.choices)
    entity_key = models.CharField("sleutel in de registratie", max_length=16)
    verdict = models.CharField("oordeel", max_length=10, choices=LinkVerdict.choices)
    score = models.FloatField("score van het voorstel", null=True, blank=True)
    reasons = models.JSONField("redenen van het voorstel", default=list, blank=True)
    explanation = models.TextField("toelichting", blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="beoordeeld door")
    judged_at = models.DateTimeField("beoordeeld op", default=timezone.now)

    class Meta:
        verbose_name = "koppeloordeel"
        verbose_name_plural = "koppeloordelen"
        ordering = ["-judged_at", "-pk"]
        indexes = [
            models.Index(fields=["mention", "entity_kind", "entity_key"]),
            models.Index(fields=["entity_kind", "entity_key"]),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} voor betrokkene {self.mention_id}"
