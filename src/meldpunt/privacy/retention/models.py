"""Result classes, retention dates, legal holds, destruction lists, tombstones and destruction
statements (P4). The retention issue builds the workflow on these tables."""

from django.db import models


class Valuation(models.TextChoices):
    VERNIETIGEN = "vernietigen", "Vernietigen"
    BLIJVEND = "blijvend_bewaren", "Blijvend bewaren"


class ResultClass(models.Model):
    """A result class with its retention term: defaults from the Selectielijst gemeenten en
    intergemeentelijke organen 2020 (domain reference §5.1), configurable by functioneel beheer.
    Destruction date = brondatum + term."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("omschrijving", max_length=200)
    selectielijst_item = models.CharField("selectielijst-categorie", max_length=20, blank=True)
    valuation = models.CharField("waardering", max_length=20, choices=Valuation.choices,
                                 default=Valuation.VERNIETIGEN)
    term_months = models.PositiveSmallIntegerField("bewaartermijn in maanden", null=True, blank=True)
    source = models.CharField("bron", max_length=300, blank=True)
    active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "resultaatklasse"
        verbose_name_plural = "resultaatklassen"
        ordering = ["selectielijst_item", "code"]

    def __str__(self):
        return f"{self.selectielijst_item} {self.name}".strip()
