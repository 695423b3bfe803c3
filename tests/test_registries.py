"""Local registry connectors on the loaded demo data: hit/no-hit first, then exactly the
approved fields (data minimisation), and nothing about subjects a source does not hold."""

import pytest

from meldpunt.core.identifiers import InvalidIdentifier
from meldpunt.registries import models as m
from meldpunt.registries.connectors import (
    LOCAL_CONNECTORS,
    ConnectorError,
    FieldNotAllowed,
    NoHit,
    Subject,
    SubjectKind,
    UnsupportedSubject,
    local_connector,
)

pytestmark = pytest.mark.django_db

BRP, BAG, NHR, WOZ, VTH = (local_connector(s) for s in ("BRP", "BAG", "NHR", "WOZ", "VERGUNNINGEN"))
# Valid identifiers that the synthetic municipality never uses.
ABSENT_BSN = "111222333"
ABSENT_KVK = "12345678"
ABSENT_ADRES = "0479200099999999"


def persoon(bsn):
    return Subject(SubjectKind.PERSOON, bsn)


def onderneming(kvk):
    return Subject(SubjectKind.ONDERNEMING, kvk)


def adres(num_id):
    return Subject(SubjectKind.ADRES, num_id)


@pytest.fixture
def a_resident():
    verblijf = m.Verblijfplaats.objects.filter(datum_einde__isnull=True).select_related("persoon", "adres")
    return verblijf.order_by("persoon_id").first()


@pytest.fixture
def a_company():
    return m.Onderneming.objects.order_by("id").first()


# ------------------------------------------------------------------------------ hit/no-hit


def test_the_demo_data_is_loaded():
    assert m.Persoon.objects.count() > 1000
    assert m.Onderneming.objects.count() > 100


def test_brp_hit_on_person(a_resident):
    assert ABSENT_BSN not in set(m.Persoon.objects.values_list("bsn", flat=True))
    assert BRP.hit(persoon(a_resident.persoon.bsn)) is True
    assert BRP.hit(persoon(ABSENT_BSN)) is False


def test_nhr_hit_on_company(a_company):
    assert NHR.hit(onderneming(a_company.kvk_nummer)) is True
    assert not m.Onderneming.objects.filter(kvk_nummer=ABSENT_KVK).exists()
    assert NHR.hit(onderneming(ABSENT_KVK)) is False


def test_bag_hit_on_address():
    num = m.Nummeraanduiding.objects.order_by("identificatie").first()
    assert BAG.hit(adres(num.identificatie)) is True
    assert BAG.hit(adres(ABSENT_ADRES)) is False


def test_brp_hit_on_address_means_someone_lives_there(a_resident):
    assert BRP.hit(adres(a_resident.adres_id)) is True
    empty = m.Nummeraanduiding.objects.exclude(ingeschrevenen__isnull=False).first()
    assert empty is not None
    assert BRP.hit(adres(empty.identificatie)) is False


def test_nhr_hit_on_director():
    functionaris = m.Functionaris.objects.select_related("persoon").first()
    assert NHR.hit(persoon(functionaris.persoon.bsn)) is True
    assert NHR.hit(persoon(ABSENT_BSN)) is False


def test_woz_and_permits_hit():
    woz = m.WozWaarde.objects.select_related("verblijfsobject").first()
    assert WOZ.hit(adres(woz.verblijfsobject.hoofdadres_id)) is True
    assert WOZ.hit(adres(ABSENT_ADRES)) is False
    permit = m.Vergunning.objects.first()
    assert VTH.hit(adres(permit.adres_id)) is True


# ----------------------------------------------------------------------------- details


def test_brp_details_returns_exactly_the_requested_fields(a_resident):
    p = a_resident.persoon
    fields = ["naam.geslachtsnaam", "geboorte.datum"]
    details = BRP.details(persoon(p.bsn), fields)
    assert details == {"naam.geslachtsnaam": p.geslachtsnaam, "geboorte.datum": p.geboortedatum.isoformat()}


def test_brp_details_current_address(a_resident):
    details = BRP.details(persoon(a_resident.persoon.bsn), ["verblijfplaats.adres"])
    assert details == {"verblijfplaats.adres": str(a_resident.adres)}


def test_duplicate_fields_are_returned_once(a_company):
    details = NHR.details(onderneming(a_company.kvk_nummer), ["naam", "naam"])
    assert details == {"naam": a_company.naam}


def test_nhr_details_only_queries_what_was_asked(a_company, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        details = NHR.details(onderneming(a_company.kvk_nummer), ["naam", "rechtsvorm"])
    assert details == {"naam": a_company.naam, "rechtsvorm": a_company.rechtsvorm}


def test_nhr_details_functionarissen(a_company):
    details = NHR.details(onderneming(a_company.kvk_nummer), ["functionarissen"])
    assert list(details) == ["functionarissen"]
    expected = set(a_company.functionarissen.values_list("persoon__bsn", flat=True))
    assert {f["burgerservicenummer"] for f in details["functionarissen"]} == expected


def test_bag_details(a_resident):
    vbo = m.Verblijfsobject.objects.get(hoofdadres_id=a_resident.adres_id)
    details = BAG.details(adres(a_resident.adres_id), ["oppervlakte", "buurtcode", "gebruiksdoel"])
    assert details == {"oppervlakte": vbo.oppervlakte, "buurtcode": vbo.buurt_id, "gebruiksdoel": "woonfunctie"}


def test_brp_address_details_count_residents(generated_s):
    planted = generated_s.ground_truth["overbewoning"][0]
    details = BRP.details(adres(planted["adres"]), ["aantalIngeschrevenen"])
    assert details == {"aantalIngeschrevenen": planted["ingeschrevenen"]}


def test_details_refuse_a_field_not_allowed(a_resident, a_company):
    with pytest.raises(FieldNotAllowed, match="levert deze gegevens niet: nationaliteit"):
        BRP.details(persoon(a_resident.persoon.bsn), ["naam.geslachtsnaam", "nationaliteit"])
    # A field allowed for one subject kind is not allowed for another.
    with pytest.raises(FieldNotAllowed):
        NHR.details(onderneming(a_company.kvk_nummer), ["functies"])
    with pytest.raises(FieldNotAllowed, match="ten minste één"):
        BRP.details(persoon(a_resident.persoon.bsn), [])


def test_details_refuse_unsupported_subject_kinds(a_resident, a_company):
    with pytest.raises(UnsupportedSubject, match="kan niets zeggen over een persoon"):
        BAG.hit(persoon(a_resident.persoon.bsn))
    with pytest.raises(UnsupportedSubject):
        BAG.details(persoon(a_resident.persoon.bsn), ["adres"])
    with pytest.raises(UnsupportedSubject):
        WOZ.details(onderneming(a_company.kvk_nummer), ["waarde"])
    with pytest.raises(UnsupportedSubject):
        BRP.hit(onderneming(a_company.kvk_nummer))


def test_details_without_hit_raise_no_hit():
    with pytest.raises(NoHit):
        BRP.details(persoon(ABSENT_BSN), ["naam.geslachtsnaam"])
    with pytest.raises(NoHit):
        BAG.details(adres(ABSENT_ADRES), ["adres"])
    with pytest.raises(NoHit):
        NHR.details(onderneming(ABSENT_KVK), ["naam"])


def test_every_connector_only_returns_allowed_fields(a_resident, a_company):
    subjects = {
        SubjectKind.PERSOON: persoon(a_resident.persoon.bsn),
        SubjectKind.ONDERNEMING: onderneming(a_company.kvk_nummer),
        SubjectKind.ADRES: adres(a_resident.adres_id),
    }
    for connector in LOCAL_CONNECTORS.values():
        for kind, allowed in connector.allowed_fields.items():
            assert kind in connector.subject_kinds
            subject = subjects[kind]
            if not connector.hit(subject):
                continue
            for field in allowed:
                assert list(connector.details(subject, [field])) == [field]


# ---------------------------------------------------------------------------- subjects


def test_subject_rejects_invalid_bsn_in_dutch():
    with pytest.raises(InvalidIdentifier, match="elfproef"):
        Subject(SubjectKind.PERSOON, "123456789")
    with pytest.raises(InvalidIdentifier, match="burgerservicenummer heeft 9 cijfers"):
        Subject("persoon", "1234")


def test_subject_normalises_and_checks_kind():
    assert Subject("persoon", "1112.22.333").identifier == "111222333"
    assert Subject("onderneming", "9000 0001").identifier == "90000001"
    with pytest.raises(InvalidIdentifier, match="niet van een nummeraanduiding"):
        Subject(SubjectKind.ADRES, "0479010000000001")  # a verblijfsobject, not an address
    with pytest.raises(ValueError):
        Subject("voertuig", "AB-12-CD")


def test_unknown_source_has_no_connector():
    with pytest.raises(KeyError, match="Geen lokale koppeling"):
        local_connector("BESTAAT_NIET")
    assert issubclass(FieldNotAllowed, ConnectorError)
