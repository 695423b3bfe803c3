"""Keys that must live outside the database: encryption of sealed records and the keyed hash
that pseudonymises data subjects in the processing log.

Each key comes from an environment variable or, for the embedded default, from a file in the
var folder (created on first use, mode 0600). A database dump alone never holds a key.
"""

import base64
import hashlib
import hmac
import os
import re
import secrets
from functools import cache, cached_property
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def key_from_file(path: Path, make) -> bytes:
    """Read the key file, or create it (mode 0600). Several workers may start at once: the first
    to link its file in place wins and the others read that one, so all use one key."""
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = make()
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    draft.write_bytes(key)
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = path.read_bytes().strip()
    finally:
        draft.unlink()
    return key


def _file_has_key(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def random_key() -> bytes:
    return base64.urlsafe_b64encode(secrets.token_bytes(32))


@cache
def _fernet() -> Fernet:
    configured = settings.MELDPUNT_ENCRYPTION_KEY
    key = configured.encode() if configured else key_from_file(
        Path(settings.VAR_DIR) / "encryption_key", Fernet.generate_key)
    return Fernet(key)


@cache
def _pseudonym_key() -> bytes:
    configured = settings.MELDPUNT_PSEUDONYM_KEY
    if configured:
        return configured.encode()
    return key_from_file(Path(settings.VAR_DIR) / "pseudonym_key", random_key)


def seal(data: bytes) -> bytes:
    """Encrypt (AES-128-CBC + HMAC-SHA256, Fernet) with the key outside the database."""
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as error:
        raise ValueError("De versleutelde gegevens kunnen niet worden geopend met de huidige sleutel.") from error


def pseudonymise(kind: str, identifier: str) -> str:
    """A keyed hash (HMAC-SHA256) of a data subject: stable per subject, useless without the key."""
    message = f"{kind}:{identifier}".encode()
    return hmac.new(_pseudonym_key(), message, hashlib.sha256).hexdigest()


# ------------------------------------------------------------------ a key ring per gemeente
# In a regional installation each gemeente is its own controller (ADR 0030 §5): its own
# encryption key and pseudonym key, independent random keys, never derived from another's. A
# ring is named by its slot: "" is the installation's keys above (the gemeente whose data was
# there before tenancy keeps them, so nothing is re-encrypted); a CBS code such as "GM0880" reads
# MELDPUNT_ENCRYPTION_KEY_GM0880 / MELDPUNT_PSEUDONYM_KEY_GM0880 (settings) or files in
# var/keys/GM0880/, made on first use like the installation's.

_SLOT = re.compile(r"^GM\d{4}$")


def _slot_key(slot: str, name: str, make) -> bytes:
    configured = getattr(settings, f"MELDPUNT_{name.upper()}_{slot}", "")
    if configured:
        return configured.encode()
    return key_from_file(Path(settings.VAR_DIR) / "keys" / slot / name, make)


class KeyRing:
    """The keys of one controller: sealing, pseudonymising, and keys derived for other purposes
    (the regio's match key). The pseudonym key itself never leaves the ring."""

    def __init__(self, slot: str):
        if slot and not _SLOT.match(slot):
            raise ValueError(f"Een sleutelring heet naar een CBS-gemeentecode (bv. GM0880), niet {slot!r}.")
        self.slot = slot

    @cached_property
    def _fernet(self) -> Fernet:
        return _fernet() if not self.slot else Fernet(_slot_key(self.slot, "encryption_key", Fernet.generate_key))

    @cached_property
    def _pseudonym_key(self) -> bytes:
        return _pseudonym_key() if not self.slot else _slot_key(self.slot, "pseudonym_key", random_key)

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def unseal(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(bytes(token))
        except InvalidToken as error:
            raise ValueError("De versleutelde gegevens kunnen niet worden geopend met de sleutel van "
                             "deze gemeente.") from error

    def pseudonymise(self, kind: str, identifier: str) -> str:
        return hmac.new(self._pseudonym_key, f"{kind}:{identifier}".encode(), hashlib.sha256).hexdigest()

    def ensure(self) -> None:
        """Make the key files now (on first use otherwise), so a lost one can be told apart."""
        self._fernet  # noqa: B018 - reading the property makes the files
        self._pseudonym_key  # noqa: B018

    def missing(self) -> list[str]:
        """The keys of this ring that are neither configured nor in their file (readiness probe)."""
        if not self.slot:
            names = (("versleutelsleutel", "MELDPUNT_ENCRYPTION_KEY", Path(settings.VAR_DIR) / "encryption_key"),
                     ("pseudoniemsleutel", "MELDPUNT_PSEUDONYM_KEY", Path(settings.VAR_DIR) / "pseudonym_key"))
        else:
            folder = Path(settings.VAR_DIR) / "keys" / self.slot
            names = (("versleutelsleutel", f"MELDPUNT_ENCRYPTION_KEY_{self.slot}", folder / "encryption_key"),
                     ("pseudoniemsleutel", f"MELDPUNT_PSEUDONYM_KEY_{self.slot}", folder / "pseudonym_key"))
        return [label for label, setting, path in names
                if not getattr(settings, setting, "") and not _file_has_key(path)]

    def derive(self, label: bytes) -> bytes:
        """A key for another purpose, one way from the pseudonym key: it tells nothing about that
        key, and the label keeps its outputs apart from the log's pseudonyms."""
        if not label:
            raise ValueError("Een afgeleide sleutel heeft een eigen label nodig.")
        return hmac.new(self._pseudonym_key, label, hashlib.sha256).digest()


@cache
def ring(slot: str = "") -> KeyRing:
    return KeyRing(slot)


def ensure_keys(**_kwargs) -> None:
    """After migrate: the embedded default's key files exist from installation on, so the readiness
    probe (meldpunt.health) can tell a key file that went missing from one not yet made."""
    _fernet()
    _pseudonym_key()
