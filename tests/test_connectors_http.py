"""The HTTP connectors (Haal Centraal BRP Personen, BAG, KvK) against a stub server that
validates every request and response against the OpenAPI documents."""

import pytest
import requests
from django.test import override_settings

from meldpunt.registries import haalcentraal as hc
from meldpunt.registries import models as m
from meldpunt.registries import openapi
from meldpunt.registries.connectors import (
    LOCAL_CONNECTORS,
    FieldNotAllowed,
    NoHit,
    Subject,
    SubjectKind,
    UnsupportedSubject,
    connector,
)
from meldpunt.registries.connectors.http import (
    HttpBagConnector,
    HttpBrpConnector,
    HttpKvkConnector,
    HttpTransport,
    InvalidAnswer,
    RegistryRefused,
    RegistryUnavailable,
)
from stubs.haalcentraal import HaalCentraalStub, from_registry

pytestmark = pytest.mark.django_db
API_KEYS = {"BRP": "brp-sleutel", "BAG": "bag-sleutel", "NHR": "kvk-sleutel"}


@pytest.fixture
def registry_sample(db):
    personen = list(m.Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk")[:5])
    adressen = list(m.Nummeraanduiding.objects.filter(verblijfsobject__isnull=False)
                    .select_related("verblijfsobject__pand").order_by("pk")[:3])
    adressen += [p.verblijfplaatsen.first().adres for p in personen]
    ondernemingen = list(m.Onderneming.objects.filter(vestigingen__isnull=False).order_by("pk")[:3])
    return personen, adressen, ondernemingen


@pytest.fixture
def stub(registry_sample):
    with HaalCentraalStub(from_registry(*registry_sample), api_keys=API_KEYS) as server:
        yield server
        # Every response the stub sent matched the OpenAPI document.
        assert server.errors == []


def make(cls, stub, source, timeout=2.0, retries=2, key=None):
    transport = HttpTransport(cls.label, stub.url(source), "apikey" if source == "NHR" else "X-Api-Key",
                              api_key=API_KEYS[source] if key is None else key, timeout=timeout, retries=retries,
                              backoff=0.01)
    return cls(transport)


def persoon(bsn):
    return Subject(SubjectKind.PERSOON, bsn)


def adres(identificatie):
    return Subject(SubjectKind.ADRES, identificatie)


# ------------------------------------------------------------------------------- BRP


def test_brp_details_equal_the_local_extract(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP")
    fields = LOCAL_CONNECTORS["BRP"].allowed_fields[SubjectKind.PERSOON]
    for p in registry_sample[0]:
        assert brp.details(persoon(p.bsn), fields) == LOCAL_CONNECTORS["BRP"].details(persoon(p.bsn), fields)
    sent = stub.requests_to("BRP")[0]
    assert sent.method == "POST" and sent.path == "/personen"
    assert sent.body["type"] == "RaadpleegMetBurgerservicenummer"
    assert sent.headers["X-Api-Key"] == "brp-sleutel"
    assert sent.headers["Content-Type"].startswith("application/json")


def test_brp_requests_only_the_approved_fields(stub, registry_sample):
    """Minimisation, asserted on what the registry received: for each approved field exactly its
    mapped BRP paths; never a path outside the approval."""
    brp = make(HttpBrpConnector, stub, "BRP")
    bsn = registry_sample[0][0].bsn
    for field in brp.allowed_fields[SubjectKind.PERSOON]:
        stub.received.clear()
        result = brp.details(persoon(bsn), [field])
        assert list(result) == [field]
        (sent,) = stub.requests_to("BRP")
        assert sent.body["fields"] == list(hc.BRP_PERSOON_FIELDS[field])
        assert sent.body["burgerservicenummer"] == [bsn]
    # Two approved fields: the union of their paths, nothing else.
    stub.received.clear()
    brp.details(persoon(bsn), ["naam.geslachtsnaam", "geboorte.datum"])
    assert stub.requests_to("BRP")[0].body["fields"] == ["naam.geslachtsnaam", "geboorte.datum"]


def test_brp_hit_asks_only_for_the_bsn_it_already_knows(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP")
    assert brp.hit(persoon(registry_sample[0][0].bsn)) is True
    assert brp.hit(persoon("999999990")) is False
    assert {tuple(r.body["fields"]) for r in stub.requests_to("BRP")} == {("burgerservicenummer",)}
    with pytest.raises(NoHit, match="heeft niets over dit persoon"):
        brp.details(persoon("999999990"), ["naam.geslachtsnaam"])


def test_a_field_outside_the_approval_is_never_sent(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP")
    with pytest.raises(FieldNotAllowed, match="levert deze gegevens niet: nationaliteiten"):
        brp.details(persoon(registry_sample[0][0].bsn), ["naam.geslachtsnaam", "nationaliteiten"])
    with pytest.raises(UnsupportedSubject):
        brp.hit(Subject(SubjectKind.ONDERNEMING, "90000001"))
    assert stub.received == []


def test_brp_residents_of_an_address(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP")
    home = registry_sample[0][0].verblijfplaatsen.first().adres_id
    result = brp.details(adres(home), ["ingeschrevenen.burgerservicenummer"])
    expected = sorted(p.bsn for p in registry_sample[0] if p.verblijfplaatsen.first().adres_id == home)
    assert result["ingeschrevenen.burgerservicenummer"] == expected
    sent = stub.requests_to("BRP")[-1].body
    assert sent == {"type": "ZoekMetNummeraanduidingIdentificatie", "fields": ["burgerservicenummer"],
                    "nummeraanduidingIdentificatie": home}


def test_every_mapped_brp_path_is_in_the_published_field_lists():
    persoon_paths = openapi.allowed_brp_fields()
    beperkt_paths = openapi.allowed_brp_fields(beperkt=True)
    assert all(p in persoon_paths for paths in hc.BRP_PERSOON_FIELDS.values() for p in paths)
    assert all(p in beperkt_paths for paths in hc.BRP_ADRES_FIELDS.values() for p in paths)
    assert set(HttpBrpConnector.allowed_fields[SubjectKind.PERSOON]) == set(hc.BRP_PERSOON_FIELDS)
    assert set(HttpBrpConnector.allowed_fields[SubjectKind.ADRES]) == set(hc.BRP_ADRES_FIELDS)


def test_the_stub_refuses_what_the_real_api_refuses(stub, registry_sample):
    url = stub.url("BRP") + "/personen"
    bsn = registry_sample[0][0].bsn
    query = {"type": "RaadpleegMetBurgerservicenummer", "fields": ["geheimhoudingPersoonsgegevens"],
             "burgerservicenummer": [bsn]}
    auto = requests.post(url, json=query, headers={"X-Api-Key": "brp-sleutel"}, timeout=5)
    assert auto.status_code == 400 and auto.json()["invalidParams"][0]["name"] == "fields"
    missing = requests.post(url, json={"type": "RaadpleegMetBurgerservicenummer", "fields": ["naam"]},
                            headers={"X-Api-Key": "brp-sleutel"}, timeout=5)
    assert missing.status_code == 400


# ------------------------------------------------------------------------- BAG and KvK


def test_bag_uses_the_smaller_resource_for_address_fields(stub, registry_sample):
    bag = make(HttpBagConnector, stub, "BAG")
    local = LOCAL_CONNECTORS["BAG"]
    a = registry_sample[1][0]
    assert bag.details(adres(a.pk), ["adres", "postcode"]) == local.details(adres(a.pk), ["adres", "postcode"])
    assert [r.path for r in stub.requests_to("BAG")] == [f"/adressen/{a.pk}"]
    fields = list(bag.allowed_fields[SubjectKind.ADRES])
    assert "buurtcode" not in fields
    assert bag.details(adres(a.pk), fields) == local.details(adres(a.pk), fields)
    assert stub.requests_to("BAG")[-1].path == f"/adressenuitgebreid/{a.pk}"
    assert stub.requests_to("BAG")[-1].headers["X-Api-Key"] == "bag-sleutel"


def test_bag_unknown_address_is_no_hit(stub):
    bag = make(HttpBagConnector, stub, "BAG")
    unknown = "0479200099999999"
    assert bag.hit(adres(unknown)) is False
    with pytest.raises(NoHit):
        bag.details(adres(unknown), ["adres"])


def test_kvk_profile_and_vestigingen_only_when_asked(stub, registry_sample):
    kvk = make(HttpKvkConnector, stub, "NHR")
    local = LOCAL_CONNECTORS["NHR"]
    o = registry_sample[2][0]
    subject = Subject(SubjectKind.ONDERNEMING, o.kvk_nummer)
    profile_fields = ["naam", "rechtsvorm", "datumOprichting", "datumOpheffing"]
    assert kvk.details(subject, profile_fields) == local.details(subject, profile_fields)
    assert [r.path for r in stub.requests_to("NHR")] == [f"/v1/basisprofielen/{o.kvk_nummer}"]
    stub.received.clear()
    result = kvk.details(subject, ["vestigingen"])
    assert [r.path for r in stub.requests_to("NHR")] == [f"/v1/basisprofielen/{o.kvk_nummer}/vestigingen"]
    assert [v["vestigingsnummer"] for v in result["vestigingen"]] == [
        v["vestigingsnummer"] for v in local.details(subject, ["vestigingen"])["vestigingen"]]
    assert stub.requests_to("NHR")[0].headers["apikey"] == "kvk-sleutel"
    assert kvk.hit(Subject(SubjectKind.ONDERNEMING, "90999998")) is False


# ------------------------------------------------------------- timeouts, retries, errors


def test_a_timeout_is_retried_and_then_answered(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP", timeout=0.3, retries=2)
    stub.delay_next(1, 1.0)
    assert brp.hit(persoon(registry_sample[0][0].bsn)) is True
    assert len(stub.requests_to("BRP")) == 2


def test_timeouts_on_every_attempt_give_a_dutch_error(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP", timeout=0.2, retries=1)
    stub.delay_next(2, 0.6)
    with pytest.raises(RegistryUnavailable, match="gaf binnen 0.2 seconden geen antwoord, ook niet na 2 pogingen"):
        brp.hit(persoon(registry_sample[0][0].bsn))
    assert len(stub.requests_to("BRP")) == 2


def test_5xx_is_retried_with_a_bound(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP", retries=2)
    stub.fail_next(2, 503)
    assert brp.hit(persoon(registry_sample[0][0].bsn)) is True
    assert len(stub.requests_to("BRP")) == 3
    stub.received.clear()
    stub.fail_next(3, 500)
    with pytest.raises(RegistryUnavailable, match=r"heeft een storing \(HTTP 500, 3 pogingen\)"):
        brp.hit(persoon(registry_sample[0][0].bsn))
    assert len(stub.requests_to("BRP")) == 3


@pytest.mark.parametrize("status, message", [
    (400, "wees de vraag af als ongeldig"),
    (401, "geen toegang tot BRP"),
    (403, "geen toegang tot BRP"),
    (429, "te veel vragen"),
    (415, "kon de vraag niet verwerken"),
])
def test_4xx_is_not_retried_and_explained_in_dutch(stub, registry_sample, status, message):
    brp = make(HttpBrpConnector, stub, "BRP", retries=3)
    stub.fail_next(1, status)
    with pytest.raises(RegistryRefused, match=message):
        brp.hit(persoon(registry_sample[0][0].bsn))
    assert len(stub.requests_to("BRP")) == 1


def test_a_wrong_api_key_is_refused(stub, registry_sample):
    bag = make(HttpBagConnector, stub, "BAG", key="verkeerd")
    with pytest.raises(RegistryRefused, match=r"geen toegang tot BAG .*\(HTTP 401\)"):
        bag.hit(adres(registry_sample[1][0].pk))


def test_an_answer_that_breaks_the_spec_is_not_read(stub, registry_sample):
    brp = make(HttpBrpConnector, stub, "BRP")
    stub.raw_next({"type": "RaadpleegMetBurgerservicenummer",
                   "personen": [{"burgerservicenummer": "12", "geboorte": {"datum": {"type": "Datum"}}}]})
    with pytest.raises(InvalidAnswer, match="wijkt af van de afspraken"):
        brp.details(persoon(registry_sample[0][0].bsn), ["geboorte.datum"])
    stub.raw_next("geen json-object")
    with pytest.raises(InvalidAnswer):
        brp.hit(persoon(registry_sample[0][0].bsn))


def test_no_connection_gives_a_dutch_error():
    transport = HttpTransport("BRP", "http://127.0.0.1:9", "X-Api-Key", timeout=0.5, retries=1, backoff=0.01)
    with pytest.raises(RegistryUnavailable, match=r"BRP is niet bereikbaar \(2 pogingen\)"):
        HttpBrpConnector(transport).hit(persoon("999999990"))


# ---------------------------------------------------------------------- configuration


def test_the_implementation_is_chosen_per_source_in_settings(stub):
    assert connector("BRP") is LOCAL_CONNECTORS["BRP"]
    registries = {"BRP": {"implementation": "http", "url": stub.url("BRP"), "api_key": "brp-sleutel"},
                  "NHR": {"implementation": "http", "url": ""}}
    with override_settings(MELDPUNT_REGISTRIES=registries):
        brp = connector("BRP")
        assert isinstance(brp, HttpBrpConnector)
        assert brp.transport.api_key == "brp-sleutel"
        assert connector("BAG") is LOCAL_CONNECTORS["BAG"]
        assert connector("WOZ") is LOCAL_CONNECTORS["WOZ"]
        with pytest.raises(Exception, match="geen adres ingesteld"):
            connector("NHR")
