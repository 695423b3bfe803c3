"""Keys that must live outside the database: encryption of sealed records and the keyed hash
that pseudonymises data subjects in the processing log.

Each key comes from an environment variable or, for the embedded default, from a file in the
var folder (created on first use, mode 0600). A database dump alone never holds a key.
"""

import base64
import hashlib
import hmac
import os
import secrets
from functools import cache
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


def ensure_keys(**_kwargs) -> None:
    """After migrate: the embedded default's key files exist from installation on, so the readiness
    probe (meldpunt.health) can tell a key file that went missing from one not yet made."""
    _fernet()
    _pseudonym_key()
