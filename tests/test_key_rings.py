"""Keys per gemeente (ADR 0030 §5): each controller seals and pseudonymises with keys of its own,
the gemeente that was there first keeps the installation's keys, and the regio's match key is
derived from the gemeente's own ring."""

import hashlib
import hmac
import stat

import pytest

from meldpunt.core import keys
from meldpunt.regio import keys as regio_keys
from meldpunt.regio import matching
from meldpunt.settings.env import env_matching

pytestmark = pytest.mark.unit

WORMERLAND, OOSTZAAN = "GM0880", "GM0431"


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    keys.ring.cache_clear()
    yield tmp_path
    keys.ring.cache_clear()


def test_one_gemeentes_sealed_data_does_not_open_with_anothers_keys(var_dir):
    token = keys.KeyRing(WORMERLAND).seal(b"melding over Dorpsstraat 1")
    assert keys.KeyRing(WORMERLAND).unseal(token) == b"melding over Dorpsstraat 1"
    for other in (OOSTZAAN, ""):
        with pytest.raises(ValueError, match="niet worden geopend met de sleutel van deze gemeente"):
            keys.KeyRing(other).unseal(token)


def test_the_first_gemeente_keeps_the_installations_keys(var_dir):
    # Slot "": what was sealed and pseudonymised before tenancy stays readable and linkable.
    old = keys.seal(b"verzegeld voor de regio bestond")
    assert keys.KeyRing("").unseal(old) == b"verzegeld voor de regio bestond"
    assert keys.KeyRing("").pseudonymise("bsn", "999993653") == keys.pseudonymise("bsn", "999993653")


def test_each_gemeente_pseudonymises_a_subject_differently(var_dir):
    pseudonyms = {slot: keys.KeyRing(slot).pseudonymise("bsn", "999993653") for slot in ("", WORMERLAND, OOSTZAAN)}
    assert len(set(pseudonyms.values())) == 3
    assert pseudonyms[WORMERLAND] == keys.KeyRing(WORMERLAND).pseudonymise("bsn", "999993653")


def test_a_gemeentes_keys_live_in_files_of_its_own_readable_only_by_the_app(var_dir):
    keys.KeyRing(WORMERLAND).seal(b"x")
    keys.KeyRing(WORMERLAND).pseudonymise("bsn", "999993653")
    folder = var_dir / "keys" / WORMERLAND
    assert sorted(p.name for p in folder.iterdir()) == ["encryption_key", "pseudonym_key"]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (var_dir / "keys" / OOSTZAAN).exists()


def test_a_configured_key_is_used_instead_of_a_file(var_dir, settings):
    settings.MELDPUNT_PSEUDONYM_KEY_GM0880 = "sleutel-uit-de-omgeving"
    expected = hmac.new(b"sleutel-uit-de-omgeving", b"kvk:12345678", hashlib.sha256).hexdigest()
    assert keys.KeyRing(WORMERLAND).pseudonymise("kvk", "12345678") == expected
    assert not (var_dir / "keys" / WORMERLAND / "pseudonym_key").exists()


def test_per_gemeente_keys_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MELDPUNT_PSEUDONYM_KEY_GM0880", "abc")
    monkeypatch.setenv("MELDPUNT_PSEUDONYM_KEY_GM0431", "")
    monkeypatch.setenv("MELDPUNT_PSEUDONYM_KEY_ZAANSTAD", "niet zo genoemd")
    found = env_matching(r"MELDPUNT_(ENCRYPTION|PSEUDONYM)_KEY_GM\d{4}")
    assert found == {"MELDPUNT_PSEUDONYM_KEY_GM0880": "abc"}


@pytest.mark.parametrize("slot", ["Wormerland", "GM880", "../GM0880", "gm0880"])
def test_a_ring_is_named_by_a_gemeente_code_only(slot):
    with pytest.raises(ValueError, match="CBS-gemeentecode"):
        keys.KeyRing(slot)


def test_the_match_key_comes_from_the_gemeentes_own_ring(var_dir):
    key = regio_keys.match_key(WORMERLAND, WORMERLAND)
    material = (var_dir / "keys" / WORMERLAND / "pseudonym_key").read_bytes().strip()
    assert key == matching.derive_match_key(material, WORMERLAND)
    assert key != regio_keys.match_key(OOSTZAAN, OOSTZAAN)
    # The match key is not the pseudonym key, so digests and log pseudonyms never meet.
    bsn = matching.canonical_bsn("999993653")
    assert matching.digest(key, bsn) != keys.KeyRing(WORMERLAND).pseudonymise("bsn", "999993653")


def test_a_derived_key_needs_a_label(var_dir):
    with pytest.raises(ValueError, match="eigen label"):
        keys.KeyRing(WORMERLAND).derive(b"")
