"""Other apps register here what they must remove when records are destroyed: derived tables
without a foreign key (insight aggregates, search indexes), cache keys. Rows that reference a
signal or casus by foreign key are found and deleted by the purge itself.

    from meldpunt.privacy.retention import destroy_hooks

    @destroy_hooks.register
    def forget(destroyed: destroy_hooks.Destroyed) -> None:
        MyDerivedRow.objects.filter(signal_id__in=destroyed.signal_ids).delete()

Hooks run inside the destruction's transaction: a failing hook rolls the whole list back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Destroyed:
    signal_ids: tuple[int, ...]
    casus_ids: tuple[int, ...]
    references: tuple[str, ...]


Hook = Callable[[Destroyed], None]
_hooks: list[Hook] = []


def register(hook: Hook) -> Hook:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def unregister(hook: Hook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def run(destroyed: Destroyed) -> None:
    for hook in list(_hooks):
        hook(destroyed)
