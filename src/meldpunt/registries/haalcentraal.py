"""The shapes of the Haal Centraal BRP Personen, BAG and KvK APIs, mapped to our field names.

Our field names (``connectors/local.py``) stay the same whatever the implementation, so an
approval of "naam.geslachtsnaam" means the same for the extract and for the live registry.
This module says which registry fields each of ours needs (minimisation: never more) and turns
the registry's answer back into our record.
"""

from __future__ import annotations

from datetime import date

# --------------------------------------------------------------------------------- BRP

BRP_TYPE_BSN = "RaadpleegMetBurgerservicenummer"
BRP_TYPE_ADRES = "ZoekMetNummeraanduidingIdentificatie"

_VERBLIJFADRES = tuple(
    f"verblijfplaats.verblijfadres.{name}"
    for name in ("officieleStraatnaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats")
)

# Our field -> the BRP `fields` paths it needs (each path is in RvIG's published field list).
BRP_PERSOON_FIELDS: dict[str, tuple[str, ...]] = {
    "burgerservicenummer": ("burgerservicenummer",),
    "naam.voornamen": ("naam.voornamen",),
    "naam.voorvoegsel": ("naam.voorvoegsel",),
    "naam.geslachtsnaam": ("naam.geslachtsnaam",),
    "geboorte.datum": ("geboorte.datum",),
    "verblijfplaats.adres": _VERBLIJFADRES,
    "verblijfplaats.datumAanvangAdreshouding": ("verblijfplaats.datumVan",),
}
# A search by address returns PersoonBeperkt; both our fields need only the BSN of each resident.
BRP_ADRES_FIELDS: dict[str, tuple[str, ...]] = {
    "aantalIngeschrevenen": ("burgerservicenummer",),
    "ingeschrevenen.burgerservicenummer": ("burgerservicenummer",),
}
# The hit question asks for the one field the asker already knows: the BSN it asks about (for
# a person), or the BSN of residents (for an address; discarded, only "any?" is kept). Both are
# the mapping of an approved field, so a hit never asks for anything outside the approval.
BRP_HIT_FIELD = "burgerservicenummer"


def brp_fields(mapping: dict[str, tuple[str, ...]], ours: tuple[str, ...]) -> list[str]:
    """The BRP ``fields`` for our fields: exactly the mapped paths, each once, in order."""
    return list(dict.fromkeys(path for field in ours for path in mapping[field]))


def datum(value: dict | None) -> str | None:
    """An ``AbstractDatum`` as ISO text: a full date, ``YYYY-MM``, ``YYYY``, or None if unknown."""
    if not value:
        return None
    kind = value.get("type")
    if kind == "Datum":
        return value.get("datum")
    if kind == "JaarMaandDatum":
        return f"{value['jaar']:04d}-{value['maand']:02d}"
    if kind == "JaarDatum":
        return f"{value['jaar']:04d}"
    return None  # DatumOnbekend


def address_line(straat: str, huisnummer, huisletter: str = "", toevoeging: str = "", postcode: str = "",
                 woonplaats: str = "") -> str:
    """The same text as ``Nummeraanduiding.__str__``, so local and HTTP answers compare equal."""
    extra = f"{huisletter or ''}{'-' + toevoeging if toevoeging else ''}"
    pc = f"{postcode[:4]} {postcode[4:]}" if postcode else ""
    return f"{straat} {huisnummer}{extra}, {pc} {woonplaats}".strip()


def brp_persoon_record(persoon: dict) -> dict:
    """A ``Persoon`` (filtered by ``fields``) as our record."""
    naam = persoon.get("naam") or {}
    verblijf = persoon.get("verblijfplaats") or {}
    adres = None
    if verblijf.get("type") == "Adres" and verblijf.get("verblijfadres"):
        va = verblijf["verblijfadres"]
        adres = address_line(va.get("officieleStraatnaam", ""), va.get("huisnummer", ""), va.get("huisletter", ""),
                             va.get("huisnummertoevoeging", ""), va.get("postcode", ""), va.get("woonplaats", ""))
    return {
        "burgerservicenummer": persoon.get("burgerservicenummer"),
        "naam.voornamen": naam.get("voornamen"),
        "naam.voorvoegsel": naam.get("voorvoegsel", ""),
        "naam.geslachtsnaam": naam.get("geslachtsnaam"),
        "geboorte.datum": datum((persoon.get("geboorte") or {}).get("datum")),
        "verblijfplaats.adres": adres,
        "verblijfplaats.datumAanvangAdreshouding": datum(verblijf.get("datumVan")),
    }


def brp_adres_record(personen: list[dict]) -> dict:
    bsns = sorted(p["burgerservicenummer"] for p in personen if p.get("burgerservicenummer"))
    return {"aantalIngeschrevenen": len(bsns), "ingeschrevenen.burgerservicenummer": bsns}


# --------------------------------------------------------------------------------- BAG

BAG_UITGEBREID_FIELDS = frozenset({"oppervlakte", "gebruiksdoel", "pand.bouwjaar", "verblijfsobject.identificatie"})


def bag_resource(ours: tuple[str, ...]) -> str:
    """``adressen`` when only address fields are asked, ``adressenuitgebreid`` otherwise: the
    BAG API has no field selection, so minimisation is the choice of the smaller resource."""
    return "adressenuitgebreid" if set(ours) & BAG_UITGEBREID_FIELDS else "adressen"


def bag_record(adres: dict) -> dict:
    bouwjaren = adres.get("oorspronkelijkBouwjaar") or []
    doelen = adres.get("gebruiksdoelen") or []
    return {
        "adres": address_line(adres["openbareRuimteNaam"], adres["huisnummer"], adres.get("huisletter", ""),
                              adres.get("huisnummertoevoeging", ""), adres.get("postcode", ""),
                              adres["woonplaatsNaam"]),
        "postcode": adres.get("postcode"),
        "oppervlakte": adres.get("oppervlakte"),
        "gebruiksdoel": doelen[0] if doelen else None,
        "pand.bouwjaar": int(bouwjaren[0]) if bouwjaren else None,
        "verblijfsobject.identificatie": adres.get("adresseerbaarObjectIdentificatie"),
    }


# --------------------------------------------------------------------------------- KvK

KVK_PROFIEL_FIELDS = frozenset({"naam", "rechtsvorm", "datumOprichting", "datumOpheffing"})


def kvk_datum(value: str | None) -> str | None:
    """KvK dates are ``JJJJMMDD``; ``00`` for an unknown month or day."""
    if not value or len(value) != 8:
        return None
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if not month:
        return f"{year:04d}"
    if not day:
        return f"{year:04d}-{month:02d}"
    return date(year, month, day).isoformat()


def kvk_record(profiel: dict | None, vestigingen: dict | None) -> dict:
    record: dict = {"naam": None, "rechtsvorm": None, "datumOprichting": None, "datumOpheffing": None,
                    "vestigingen": None}
    if profiel is not None:
        registratie = profiel.get("materieleRegistratie") or {}
        eigenaar = (profiel.get("_embedded") or {}).get("eigenaar") or {}
        record.update(
            naam=profiel.get("naam"),
            rechtsvorm=eigenaar.get("uitgebreideRechtsvorm") or eigenaar.get("rechtsvorm"),
            datumOprichting=kvk_datum(registratie.get("datumAanvang")),
            datumOpheffing=kvk_datum(registratie.get("datumEinde")),
        )
    if vestigingen is not None:
        # The list holds no SBI code or dates; they stay None rather than being guessed.
        record["vestigingen"] = [
            {"vestigingsnummer": v["vestigingsnummer"], "handelsnaam": v.get("eersteHandelsnaam"),
             "sbiCode": None, "adres": v.get("volledigAdres"), "datumAanvang": None, "datumEinde": None}
            for v in vestigingen.get("vestigingen", [])
        ]
    return record
