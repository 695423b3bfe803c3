"""Snapshot files: written once, read-only on disk, verified against the SHA-256 in the database
before every read (a changed or replaced file is refused, not shown)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from . import conf
from .errors import SnapshotFileError  # noqa: F401 (re-exported)

_verified: dict[tuple[str, int, int], str] = {}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def seal(path: Path) -> str:
    """Make the file read-only and return its SHA-256."""
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return sha256_of(path)


def path_of(snapshot) -> Path:
    return conf.snapshot_dir() / snapshot.cells_file


def verified_path(snapshot) -> Path:
    """The snapshot's cell file, after checking it is the one that was written."""
    path = path_of(snapshot)
    if not path.exists():
        raise SnapshotFileError(f"Het bestand van momentopname {snapshot.version} ontbreekt.")
    info = path.stat()
    key = (str(path), info.st_mtime_ns, info.st_size)
    if _verified.get(key) != snapshot.cells_sha256:
        if sha256_of(path) != snapshot.cells_sha256:
            raise SnapshotFileError(
                f"Het bestand van momentopname {snapshot.version} is gewijzigd; het wordt niet getoond.")
        _verified[key] = snapshot.cells_sha256
    return path
