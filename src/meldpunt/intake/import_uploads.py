"""Files uploaded on the page 'Signalen importeren', kept until the import job has read them.

They hold personal data (descriptions, addresses): stored encrypted with the key outside the
database (core/keys.seal), in the var folder, under a random name, and removed once the import is
done or refused. A file whose job failed otherwise stays for 'Opnieuw starten' and is removed by
the daily retention run after MAX_AGE (intake/apps.py registers it)."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

from meldpunt.tenancy.defaults import gemeente_or_only
from meldpunt.tenancy.keys import ring_for

MAX_AGE_SECONDS = 7 * 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _path(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise ValueError("Het te importeren bestand is niet gevonden.")
    return _folder() / f"{token}.versleuteld"


def store(content: bytes, gemeente=None) -> str:
    """Keep the upload encrypted with the key of the gemeente it is for (by default the
    installation's only one); returns the name the job reads it by."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = _path(token)
    path.write_bytes(ring_for(gemeente_or_only(gemeente)).seal(content))
    path.chmod(0o600)
    return token


def load(token: str, gemeente=None) -> bytes:
    path = _path(token)
    if not path.exists():
        raise ValueError("Het te importeren bestand is er niet meer. Upload het opnieuw.")
    return ring_for(gemeente_or_only(gemeente)).unseal(path.read_bytes())


def discard(token: str) -> None:
    _path(token).unlink(missing_ok=True)


def prune(dry_run: bool = False, today=None) -> str:
    """The daily run's part: remove uploads left behind by failed imports after MAX_AGE."""
    limit = time.time() - MAX_AGE_SECONDS
    old = [p for p in _folder().glob("*.versleuteld") if p.stat().st_mtime < limit] if _folder().exists() else []
    if dry_run:
        return f"Achtergebleven importbestanden die zouden worden verwijderd: {len(old)}."
    for path in old:
        path.unlink(missing_ok=True)
    return f"Achtergebleven importbestanden verwijderd: {len(old)}."
