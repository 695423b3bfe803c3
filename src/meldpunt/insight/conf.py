"""Settings of the ondermijningsbeeld, with their defaults (all overridable in Django settings or
through the environment, like every MELDPUNT_* setting):

- ``MELDPUNT_BEELD_SCHEDULE``: how often ``beeld run-due`` makes a new snapshot: ``maandelijks``
  (default), ``wekelijks``, ``dagelijks``, ``kwartaal`` or ``uit``.
- ``MELDPUNT_BEELD_DIR``: where the snapshot files live (default ``MELDPUNT_VAR_DIR/beeld``).
- ``MELDPUNT_BEELD_MEMORY_LIMIT`` / ``MELDPUNT_BEELD_THREADS``: DuckDB limits for a run.
"""

import os
from pathlib import Path

from django.conf import settings

SCHEDULES = ("dagelijks", "wekelijks", "maandelijks", "kwartaal", "uit")


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def schedule() -> str:
    value = _setting("MELDPUNT_BEELD_SCHEDULE", "maandelijks").lower()
    if value not in SCHEDULES:
        raise ValueError(f"MELDPUNT_BEELD_SCHEDULE moet een van {', '.join(SCHEDULES)} zijn, niet {value!r}.")
    return value


def snapshot_dir() -> Path:
    return Path(_setting("MELDPUNT_BEELD_DIR", str(Path(settings.VAR_DIR) / "beeld")))


def memory_limit() -> str:
    return _setting("MELDPUNT_BEELD_MEMORY_LIMIT", "3GB")


def threads() -> int:
    return int(_setting("MELDPUNT_BEELD_THREADS", "2"))
