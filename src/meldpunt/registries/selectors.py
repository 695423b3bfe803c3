"""Reads of registry and geography data. Geography and CBS figures are public aggregates;
personal registry data is read only through connectors after approval (see policy)."""

from django.db.models import Count

from .models import Buurt, Gemeente, Wijk


def gemeenten():
    return Gemeente.objects.annotate(n_buurten=Count("wijken__buurten")).order_by("naam")


def wijken(gemeente_code: str | None = None):
    qs = Wijk.objects.select_related("gemeente").order_by("code")
    return qs.filter(gemeente_id=gemeente_code) if gemeente_code else qs


def buurten(gemeente_code: str | None = None, wijk_code: str | None = None):
    qs = Buurt.objects.select_related("wijk").order_by("code")
    if gemeente_code:
        qs = qs.filter(wijk__gemeente_id=gemeente_code)
    if wijk_code:
        qs = qs.filter(wijk_id=wijk_code)
    return qs


def registry_counts() -> dict[str, int]:
    from . import models as m

    return {
        "adressen": m.Nummeraanduiding.objects.count(),
        "personen": m.Persoon.objects.count(),
        "ondernemingen": m.Onderneming.objects.count(),
        "vestigingen": m.Vestiging.objects.count(),
    }


def address_lookup(postcode: str, huisnummer: int):
    """BAG addresses are public registry data: the public form may look them up."""
    from .models import Nummeraanduiding

    return (Nummeraanduiding.objects.filter(postcode=postcode, huisnummer=huisnummer)
            .order_by("huisletter", "toevoeging"))


def buurt_choices(gemeente_code: str | None = None) -> list[tuple[str, str]]:
    return [(b.code, f"{b.naam} ({b.wijk.naam})") for b in buurten(gemeente_code).order_by("naam")]
