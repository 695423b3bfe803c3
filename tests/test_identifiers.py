import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from meldpunt.core import identifiers as ids
from meldpunt.core import validators

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value", ["111222333", "123456782", "999990019", "1112.22.333", " 111222333 "])
def test_valid_bsn(value):
    assert len(ids.parse_bsn(value)) == 9


def test_bsn_restores_lost_leading_zero():
    # 012345672 passes the elfproef; spreadsheets drop the zero.
    assert ids.parse_bsn("12345672") == "012345672"


@pytest.mark.parametrize(
    "value, message",
    [("111222334", "elfproef"), ("12345", "9 cijfers"), ("11122233a", "alleen uit cijfers"),
     ("000000000", "geen geldig"), ("", "Vul een burgerservicenummer in")],
)
def test_invalid_bsn_has_dutch_message(value, message):
    with pytest.raises(ids.InvalidIdentifier, match=message):
        ids.parse_bsn(value)


@given(st.integers(min_value=10_000_000, max_value=99_999_999))
def test_elfproef_accepts_exactly_one_check_digit_or_none(base):
    digits = str(base)
    valid = [d for d in range(10) if ids.elfproef(digits + str(d))]
    assert len(valid) <= 1


def test_rsin_uses_elfproef():
    assert ids.parse_rsin("816529437") == "816529437"
    with pytest.raises(ids.InvalidIdentifier):
        ids.parse_rsin("816529436")


def test_kvk_and_vestigingsnummer():
    assert ids.parse_kvk_nummer("6875 0110") == "68750110"
    with pytest.raises(ids.InvalidIdentifier, match="8 cijfers"):
        ids.parse_kvk_nummer("1234567")
    assert ids.parse_vestigingsnummer("000037178598") == "000037178598"
    assert ids.parse_vestigingsnummer("37178598") == "000037178598"
    with pytest.raises(ids.InvalidIdentifier, match="12 cijfers"):
        ids.parse_vestigingsnummer("1234567890123")


def test_bag_ids_with_object_type():
    bag = ids.BagId("0479200000001609")
    assert bag.object_type == "nummeraanduiding" and bag.gemeentecode == "0479"
    assert ids.BagId("0363010000758545").object_type == "verblijfsobject"
    assert ids.BagId("0363100012185598").object_type == "pand"
    with pytest.raises(ids.InvalidIdentifier, match="objecttypecode"):
        ids.BagId("0479990000001609")
    with pytest.raises(ids.InvalidIdentifier, match="16 cijfers"):
        ids.BagId("047920000000160")
    with pytest.raises(ids.InvalidIdentifier, match="niet van een verblijfsobject"):
        ids.parse_bag_id("0479200000001609", "verblijfsobject")


@pytest.mark.parametrize("value, expected", [("1506 MA", "1506MA"), ("1506ma", "1506MA"), ("9999 zz", "9999ZZ")])
def test_valid_postcode(value, expected):
    pc = ids.Postcode(value)
    assert pc.value == expected and pc.formatted() == f"{expected[:4]} {expected[4:]}"


@pytest.mark.parametrize("value", ["0123 AB", "123 AB", "1234 SS", "1234 SA", "1234 SD", "1234A", "12345AB"])
def test_invalid_postcode(value):
    with pytest.raises(ids.InvalidIdentifier):
        ids.parse_postcode(value)


def test_cbs_codes_numeric_and_alphanumeric():
    assert ids.parse_gemeentecode("gm0479") == "GM0479"
    assert ids.parse_wijkcode("WK047911") == "WK047911"
    assert ids.parse_wijkcode("WK0363KA") == "WK0363KA"  # Amsterdam, since 2023
    buurt = ids.CbsBuurtCode("BU0363KA05")
    assert buurt.wijkcode == "WK0363KA" and buurt.gemeentecode == "GM0363"
    for bad in ("GM479", "WK04791", "BU0479111", "BU0363ka0", "XX04791112"):
        with pytest.raises(ids.InvalidIdentifier):
            ids.parse_buurtcode(bad) if bad.startswith(("BU", "XX")) else (
                ids.parse_wijkcode(bad) if bad.startswith("WK") else ids.parse_gemeentecode(bad))


def test_every_cbs_code_in_the_shipped_data_is_valid():
    import csv

    from meldpunt.demo.generator.build import data_file

    with open(data_file("cbs", "kwb2024_buurten.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 14_000
    for row in rows:
        ids.parse_buurtcode(row["buurtcode"])
        ids.parse_wijkcode(row["wijkcode"])
        ids.parse_gemeentecode(row["gemeentecode"])


def test_django_validators_raise_validation_error():
    validators.validate_bsn("111222333")
    with pytest.raises(ValidationError) as err:
        validators.validate_postcode("1234 SS")
    assert "niet uitgegeven" in err.value.messages[0]
