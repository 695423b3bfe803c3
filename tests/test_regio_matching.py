"""Hit/no-hit between gemeenten, its pure core (ADR 0030 §8.2–8.4): one canonical form per subject
however it was written, digests keyed per answering gemeente, and an answer that is a bit per
gemeente and nothing more."""

import hashlib
import hmac
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meldpunt.regio import matching as m

pytestmark = pytest.mark.unit

ZAANSTAD, WORMERLAND, OOSTZAAN = "GM0479", "GM0880", "GM0431"


def keys_for(*codes, material=b"installatie"):
    # Each gemeente has its own pseudonym key (ADR 0030 §5); here a different byte string each.
    return {code: m.derive_match_key(material + code.encode(), code) for code in codes}


class Index:
    """A gemeente's digests as the regio index holds them: a row per record, so one subject in
    seven signals is seven rows. Counts how often it is asked, to show equal work."""

    def __init__(self):
        self.rows: Counter = Counter()
        self.calls: list[list[tuple[str, str, str]]] = []

    def add(self, gemeente, key, canonical, records=1):
        self.rows[(gemeente, canonical.kind.value, m.digest(key, canonical))] += records

    def lookup(self, wanted):
        self.calls.append(list(wanted))
        return [triple for triple in wanted if self.rows[triple]]


# ------------------------------------------------------------------ canonical forms


@pytest.mark.parametrize("written", ["999993653", "9999.93.653", " 999 993 653 ", "9999-93-653"])
def test_a_bsn_written_any_way_is_one_value(written):
    assert str(m.canonical_bsn(written)) == "bsn:999993653"


def test_a_bsn_that_lost_its_leading_zero_gets_it_back():
    assert str(m.canonical_bsn("10000008")) == "bsn:010000008"


@pytest.mark.parametrize("value, message", [("999993654", "elfproef"), ("12345", "9 cijfers"), ("", "Vul een")])
def test_a_wrong_bsn_is_refused_in_dutch(value, message):
    with pytest.raises(m.InvalidIdentifier, match=message):
        m.canonical_bsn(value)


def test_a_kvk_number_with_spaces_is_eight_digits():
    assert str(m.canonical_kvk("1234 5678")) == "kvk:12345678"
    with pytest.raises(m.InvalidIdentifier, match="8 cijfers"):
        m.canonical_kvk("1234567")


@pytest.mark.parametrize("postcode, number, letter, addition", [
    ("1506 MA", 12, "a", "bis"), ("1506ma", "12", "A", "BIS"), (" 1506MA ", " 12 ", " a ", "-bis"),
])
def test_an_address_typed_or_from_the_bag_is_one_value(postcode, number, letter, addition):
    assert str(m.canonical_address(postcode, number, letter, addition)) == "adres:1506MA|12|A|BIS"


def test_an_address_without_letter_or_addition_keeps_its_place_for_them():
    # "12" and "12 A" are different addresses: the empty parts stay in the string.
    assert str(m.canonical_address("1506MA", 12)) == "adres:1506MA|12||"
    assert m.canonical_address("1506MA", 12) != m.canonical_address("1506MA", 12, "A")
    assert m.canonical_address("1506MA", 1, "", "2") != m.canonical_address("1506MA", 12)


@pytest.mark.parametrize("postcode, number, letter, addition, message", [
    ("0506MA", 12, "", "", "postcode"), ("1506SS", 12, "", "", "niet uitgegeven"),
    ("1506MA", 0, "", "", "huisnummer"), ("1506MA", "12a", "", "", "huisnummer"),
    ("1506MA", None, "", "", "huisnummer"), ("1506MA", 12, "AB", "", "huisletter"),
    ("1506MA", 12, "", "12345", "toevoeging"),
])
def test_a_wrong_address_is_refused_in_dutch(postcode, number, letter, addition, message):
    with pytest.raises(m.InvalidIdentifier, match=message):
        m.canonical_address(postcode, number, letter, addition)


@pytest.mark.parametrize("written", ["12-ABC-3", "12abc3", "12 ABC 3", "12.abc.3"])
def test_a_kenteken_is_letters_and_digits_in_capitals(written):
    assert str(m.canonical_kenteken(written)) == "kenteken:12ABC3"


@pytest.mark.parametrize("written", ["AB1", "123456789", "", "--"])
def test_a_wrong_kenteken_is_refused_in_dutch(written):
    with pytest.raises(m.InvalidIdentifier, match="4 tot 8 letters en cijfers"):
        m.canonical_kenteken(written)


def test_a_subject_gives_every_value_it_can_be_asked_by():
    values = m.canonicals_of(bsn="999993653", address=m.Address("1506MA", 12), kenteken="12-abc-3")
    assert [str(v) for v in values] == ["bsn:999993653", "adres:1506MA|12||", "kenteken:12ABC3"]
    assert m.canonicals_of() == []


# ------------------------------------------------------------------ keys and digests


def test_each_gemeente_has_its_own_match_key_and_digest():
    keys = keys_for(ZAANSTAD, WORMERLAND, OOSTZAAN)
    bsn = m.canonical_bsn("999993653")
    assert len({*keys.values()}) == 3
    assert len({m.digest(key, bsn) for key in keys.values()}) == 3


def test_the_same_key_material_still_gives_two_gemeenten_two_keys():
    assert m.derive_match_key(b"same", ZAANSTAD) != m.derive_match_key(b"same", WORMERLAND)


def test_a_digest_is_never_the_log_pseudonym_of_the_same_subject():
    # core.keys.pseudonymise: HMAC(pseudonym key, "bsn:<number>"). The digest uses a key derived
    # from it, so the regio index cannot be joined with the processing log.
    pseudonym_key = b"pseudoniemsleutel van Wormerland"
    pseudonym = hmac.new(pseudonym_key, b"bsn:999993653", hashlib.sha256).hexdigest()
    match_key = m.derive_match_key(pseudonym_key, WORMERLAND)
    assert match_key != pseudonym_key
    assert m.digest(match_key, m.canonical_bsn("999993653")) != pseudonym


def test_a_match_key_needs_key_material_and_a_gemeente_code():
    with pytest.raises(ValueError, match="geen sleutel"):
        m.derive_match_key(b"", WORMERLAND)
    with pytest.raises(m.InvalidIdentifier):
        m.derive_match_key(b"key", "Wormerland")


def test_a_digest_is_stable_and_hex():
    key = keys_for(WORMERLAND)[WORMERLAND]
    first = m.digest(key, m.canonical_kenteken("12-abc-3"))
    assert first == m.digest(key, m.canonical_kenteken("12ABC3"))
    assert len(first) == 64 and int(first, 16) >= 0


# ------------------------------------------------------------------ hit/no-hit


def test_the_answer_is_one_bit_per_other_gemeente():
    keys = keys_for(WORMERLAND, OOSTZAAN)
    index = Index()
    person = m.canonical_bsn("999993653")
    index.add(WORMERLAND, keys[WORMERLAND], person)
    assert m.hits(person, keys, index.lookup, asking=ZAANSTAD) == {WORMERLAND: True, OOSTZAAN: False}


def test_the_bit_does_not_tell_how_many_records_or_of_what_kind():
    keys = keys_for(WORMERLAND, OOSTZAAN)
    person = m.canonical_bsn("999993653")
    once, often = Index(), Index()
    once.add(WORMERLAND, keys[WORMERLAND], person, records=1)
    often.add(WORMERLAND, keys[WORMERLAND], person, records=7)
    answer = m.hits(person, keys, once.lookup, asking=ZAANSTAD)
    assert answer == m.hits(person, keys, often.lookup, asking=ZAANSTAD)
    assert all(type(bit) is bool for bit in answer.values())


def test_a_value_known_under_another_kind_is_no_hit():
    # A KvK-nummer that happens to be the digits of a kenteken must not match it.
    keys = keys_for(WORMERLAND)
    index = Index()
    index.add(WORMERLAND, keys[WORMERLAND], m.canonical_kenteken("12345678"))
    assert m.hits(m.canonical_kvk("12345678"), keys, index.lookup, asking=ZAANSTAD) == {WORMERLAND: False}


def test_every_gemeente_costs_the_same_in_one_lookup_hit_or_not():
    keys = keys_for(WORMERLAND, OOSTZAAN)
    person = m.canonical_bsn("999993653")
    hit, miss = Index(), Index()
    hit.add(OOSTZAAN, keys[OOSTZAAN], person)
    m.hits(person, keys, hit.lookup, asking=ZAANSTAD)
    m.hits(person, keys, miss.lookup, asking=ZAANSTAD)
    assert len(hit.calls) == len(miss.calls) == 1
    assert [g for g, _, _ in hit.calls[0]] == [g for g, _, _ in miss.calls[0]] == [OOSTZAAN, WORMERLAND]


def test_the_asking_gemeente_is_never_asked_about_itself():
    keys = keys_for(ZAANSTAD, WORMERLAND)
    with pytest.raises(ValueError, match="vragende gemeente"):
        m.hits(m.canonical_bsn("999993653"), keys, Index().lookup, asking=ZAANSTAD)


def test_a_digest_made_with_another_gemeentes_key_finds_nothing():
    # A gemeente's index under its own key: a question digested with Oostzaan's key cannot hit
    # Wormerland's rows, even for the same subject.
    keys = keys_for(WORMERLAND, OOSTZAAN)
    person = m.canonical_bsn("999993653")
    index = Index()
    index.add(WORMERLAND, keys[OOSTZAAN], person)
    assert m.hits(person, keys, index.lookup, asking=ZAANSTAD) == {WORMERLAND: False, OOSTZAAN: False}


_GEMEENTEN = ["GM0479", "GM0880", "GM0431", "GM0363", "GM0599"]


@given(known=st.dictionaries(st.sampled_from(_GEMEENTEN[1:]), st.sets(st.integers(0, 9), max_size=5)),
       asked=st.integers(0, 9))
def test_a_hit_is_exactly_the_gemeenten_that_know_the_subject(known, asked):
    # Ten subjects (kentekens); each answering gemeente knows some of them. The answer names every
    # other gemeente, true exactly where that gemeente knows the asked subject.
    plates = [m.canonical_kenteken(f"{n:02d}-ABC-1") for n in range(10)]
    keys = keys_for(*_GEMEENTEN[1:])
    index = Index()
    for gemeente, subjects in known.items():
        for n in subjects:
            index.add(gemeente, keys[gemeente], plates[n])
    answer = m.hits(plates[asked], keys, index.lookup, asking=_GEMEENTEN[0])
    assert answer == {g: asked in known.get(g, set()) for g in _GEMEENTEN[1:]}


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=4, max_size=8))
def test_every_kenteken_intake_stores_has_its_canonical_form(plate):
    # intake.services stores a kenteken as 4 to 8 capitals and digits: each one can be asked about.
    assert m.canonical_kenteken(plate).value == plate


@pytest.mark.parametrize(("text", "expected"), [
    ("Dorpsstraat 12a, 1506 MA Zaandam", m.Address("1506MA", 12, "A", "")),
    ("Dorpsstraat 12 A 1506ma", m.Address("1506MA", 12, "A", "")),
    ("Kerkstraat 4-2, 1521 AB Wormer", m.Address("1521AB", 4, "", "2")),
    ("Laan 7 II, 1506 MA", m.Address("1506MA", 7, "", "II")),
    ("Laan 12a-1, 1506 MA Zaandam", m.Address("1506MA", 12, "A", "1")),
])
def test_a_typed_address_with_one_postcode_and_one_number_is_findable(text, expected):
    assert m.address_from_text(text) == expected
    # and it meets the same address taken from the BAG
    bag = m.canonical_address(expected.postcode, expected.huisnummer, expected.huisletter, expected.toevoeging)
    assert m.canonicals_of(address=m.address_from_text(text)) == [bag]


@pytest.mark.parametrize("text", ["Dorpsstraat 12", "1506 MA Zaandam", "Dorpsstraat 12, 1506 MA, naast nr 14",
                                  "Tussen 1506 MA en 1521 AB, nummer 3", "", "bij de snackbar"])
def test_an_unclear_typed_address_is_not_guessed(text):
    assert m.address_from_text(text) is None
