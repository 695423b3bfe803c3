"""Connectors over the local registry extracts (the tables in ``registries.models``).

Field names follow the Haal Centraal paths where one exists (``naam.geslachtsnaam``), so the
HTTP connectors can take the same approved field lists.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .. import models as m
from .base import RegistryConnector, Subject, SubjectKind


def _address_text(adres: m.Nummeraanduiding) -> str:
    return str(adres)


def _current(qs):
    today = timezone.localdate()
    return qs.filter(Q(datum_einde__isnull=True) | Q(datum_einde__gt=today))


class LocalBrpConnector(RegistryConnector):
    source = "BRP"
    label = "BRP (Basisregistratie Personen)"
    subject_kinds = frozenset({SubjectKind.PERSOON, SubjectKind.ADRES})
    allowed_fields = {
        SubjectKind.PERSOON: (
            "burgerservicenummer",
            "naam.voornamen",
            "naam.voorvoegsel",
            "naam.geslachtsnaam",
            "geboorte.datum",
            "verblijfplaats.adres",
            "verblijfplaats.datumAanvangAdreshouding",
        ),
        SubjectKind.ADRES: ("aantalIngeschrevenen", "ingeschrevenen.burgerservicenummer"),
    }

    def _residents(self, subject: Subject):
        return _current(m.Verblijfplaats.objects.filter(adres_id=subject.identifier))

    def _hit(self, subject):
        if subject.kind is SubjectKind.ADRES:
            return self._residents(subject).exists()
        return m.Persoon.objects.filter(bsn=subject.identifier).exists()

    def _details(self, subject, fields):
        if subject.kind is SubjectKind.ADRES:
            residents = self._residents(subject).select_related("persoon")
            if not residents:
                return None
            return {
                "aantalIngeschrevenen": len(residents),
                "ingeschrevenen.burgerservicenummer": sorted(r.persoon.bsn for r in residents),
            }
        persoon = m.Persoon.objects.filter(bsn=subject.identifier).first()
        if persoon is None:
            return None
        verblijf = (
            _current(persoon.verblijfplaatsen.all()).select_related("adres").order_by("-datum_aanvang").first()
        )
        return {
            "burgerservicenummer": persoon.bsn,
            "naam.voornamen": persoon.voornamen,
            "naam.voorvoegsel": persoon.voorvoegsel,
            "naam.geslachtsnaam": persoon.geslachtsnaam,
            "geboorte.datum": persoon.geboortedatum.isoformat(),
            "verblijfplaats.adres": _address_text(verblijf.adres) if verblijf else None,
            "verblijfplaats.datumAanvangAdreshouding": (
                verblijf.datum_aanvang.isoformat() if verblijf else None
            ),
        }


class LocalBagConnector(RegistryConnector):
    source = "BAG"
    label = "BAG (Basisregistratie Adressen en Gebouwen)"
    subject_kinds = frozenset({SubjectKind.ADRES})
    allowed_fields = {
        SubjectKind.ADRES: (
            "adres",
            "postcode",
            "oppervlakte",
            "gebruiksdoel",
            "buurtcode",
            "pand.bouwjaar",
            "verblijfsobject.identificatie",
        )
    }

    def _hit(self, subject):
        return m.Nummeraanduiding.objects.filter(pk=subject.identifier).exists()

    def _details(self, subject, fields):
        adres = m.Nummeraanduiding.objects.filter(pk=subject.identifier).first()
        if adres is None:
            return None
        vbo = m.Verblijfsobject.objects.select_related("pand").filter(hoofdadres=adres).first()
        return {
            "adres": _address_text(adres),
            "postcode": adres.postcode,
            "oppervlakte": vbo.oppervlakte if vbo else None,
            "gebruiksdoel": vbo.gebruiksdoel if vbo else None,
            "buurtcode": vbo.buurt_id if vbo else None,
            "pand.bouwjaar": vbo.pand.bouwjaar if vbo else None,
            "verblijfsobject.identificatie": vbo.identificatie if vbo else None,
        }


class LocalNhrConnector(RegistryConnector):
    source = "NHR"
    label = "Handelsregister (KvK)"
    subject_kinds = frozenset({SubjectKind.ONDERNEMING, SubjectKind.ADRES, SubjectKind.PERSOON})
    allowed_fields = {
        SubjectKind.ONDERNEMING: (
            "naam",
            "rechtsvorm",
            "datumOprichting",
            "datumOpheffing",
            "vestigingen",
            "functionarissen",
        ),
        SubjectKind.ADRES: ("vestigingen",),
        SubjectKind.PERSOON: ("functies",),
    }

    def _hit(self, subject):
        if subject.kind is SubjectKind.ONDERNEMING:
            return m.Onderneming.objects.filter(kvk_nummer=subject.identifier).exists()
        if subject.kind is SubjectKind.ADRES:
            return m.Vestiging.objects.filter(adres_id=subject.identifier).exists()
        return m.Functionaris.objects.filter(persoon__bsn=subject.identifier).exists()

    @staticmethod
    def _vestiging(v: m.Vestiging) -> dict:
        return {
            "vestigingsnummer": v.vestigingsnummer,
            "handelsnaam": v.handelsnaam,
            "sbiCode": v.sbi_id,
            "adres": _address_text(v.adres),
            "datumAanvang": v.datum_aanvang.isoformat(),
            "datumEinde": v.datum_einde.isoformat() if v.datum_einde else None,
        }

    def _details(self, subject, fields):
        if subject.kind is SubjectKind.ADRES:
            vestigingen = m.Vestiging.objects.filter(adres_id=subject.identifier).select_related("adres")
            return {"vestigingen": [self._vestiging(v) for v in vestigingen]} if vestigingen else None
        if subject.kind is SubjectKind.PERSOON:
            functies = m.Functionaris.objects.filter(persoon__bsn=subject.identifier).select_related(
                "onderneming"
            )
            if not functies:
                return None
            return {
                "functies": [
                    {"kvkNummer": f.onderneming.kvk_nummer, "naam": f.onderneming.naam,
                     "functie": f.functie, "datumAanvang": f.datum_aanvang.isoformat(),
                     "datumEinde": f.datum_einde.isoformat() if f.datum_einde else None}
                    for f in functies
                ]
            }
        onderneming = m.Onderneming.objects.filter(kvk_nummer=subject.identifier).first()
        if onderneming is None:
            return None
        record = {
            "naam": onderneming.naam,
            "rechtsvorm": onderneming.rechtsvorm,
            "datumOprichting": onderneming.datum_oprichting.isoformat(),
            "datumOpheffing": (
                onderneming.datum_opheffing.isoformat() if onderneming.datum_opheffing else None
            ),
            "vestigingen": None,
            "functionarissen": None,
        }
        # Only query the related data that was asked for.
        if "vestigingen" in fields:
            record["vestigingen"] = [
                self._vestiging(v) for v in onderneming.vestigingen.select_related("adres")
            ]
        if "functionarissen" in fields:
            record["functionarissen"] = [
                {"burgerservicenummer": f.persoon.bsn, "naam": f.persoon.naam, "functie": f.functie,
                 "datumAanvang": f.datum_aanvang.isoformat(),
                 "datumEinde": f.datum_einde.isoformat() if f.datum_einde else None}
                for f in onderneming.functionarissen.select_related("persoon")
            ]
        return record


class LocalWozConnector(RegistryConnector):
    source = "WOZ"
    label = "WOZ (waardering onroerende zaken)"
    subject_kinds = frozenset({SubjectKind.ADRES})
    allowed_fields = {SubjectKind.ADRES: ("waarde", "peildatum", "waardeHistorie")}

    def _values(self, subject):
        return m.WozWaarde.objects.filter(
            verblijfsobject__hoofdadres_id=subject.identifier
        ).order_by("-peildatum")

    def _hit(self, subject):
        return self._values(subject).exists()

    def _details(self, subject, fields):
        values = list(self._values(subject))
        if not values:
            return None
        return {
            "waarde": values[0].waarde,
            "peildatum": values[0].peildatum.isoformat(),
            "waardeHistorie": [{"peildatum": w.peildatum.isoformat(), "waarde": w.waarde} for w in values],
        }


class LocalVergunningenConnector(RegistryConnector):
    source = "VERGUNNINGEN"
    label = "Vergunningen (VTH)"
    subject_kinds = frozenset({SubjectKind.ADRES, SubjectKind.ONDERNEMING})
    allowed_fields = {SubjectKind.ADRES: ("vergunningen",), SubjectKind.ONDERNEMING: ("vergunningen",)}

    def _permits(self, subject):
        if subject.kind is SubjectKind.ADRES:
            return m.Vergunning.objects.filter(adres_id=subject.identifier)
        return m.Vergunning.objects.filter(houder__kvk_nummer=subject.identifier)

    def _hit(self, subject):
        return self._permits(subject).exists()

    def _details(self, subject, fields):
        permits = list(self._permits(subject).select_related("adres"))
        if not permits:
            return None
        return {
            "vergunningen": [
                {"soort": p.soort, "adres": _address_text(p.adres), "status": p.status,
                 "datumVerlening": p.datum_verlening.isoformat(),
                 "datumEinde": p.datum_einde.isoformat() if p.datum_einde else None}
                for p in permits
            ]
        }


LOCAL_CONNECTORS: dict[str, RegistryConnector] = {
    c.source: c
    for c in (
        LocalBrpConnector(),
        LocalBagConnector(),
        LocalNhrConnector(),
        LocalWozConnector(),
        LocalVergunningenConnector(),
    )
}


def local_connector(source: str) -> RegistryConnector:
    try:
        return LOCAL_CONNECTORS[source]
    except KeyError:
        raise KeyError(f"Geen lokale koppeling voor bron {source!r}") from None
