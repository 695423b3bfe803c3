"""Other apps register here what they must remove when records are destroyed: derived tables
without a foreign key (insight aggregates, search indexes), cache keys. Rows that reference a
signal or casus by foreign key are found and deleted by the purge itself.

    from meldpunt.privacy.retention import destroy_hooks

    @destroy_hooks.register
    def forget(destroyed: destroy_hooks.Destroyed) -> None:
        MyDerivedRow.objects.filter(signal_id__in=destroyed.signal_ids).delete()

Hooks run inside the destruction's transaction: a failing hook rolls the whole list back. A hook
registered with ``before_purge=True`` runs before the rows are deleted, so it can still see what
hangs from them (a casusoverleg whose whole agenda goes with the destroyed casussen).
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
_before_purge: list[Hook] = []


def register(hook: Hook, *, before_purge: bool = False) -> Hook:
    hooks = _before_purge if before_purge else _hooks
    if hook not in hooks:
        hooks.append(hook)
    return hook


def unregister(hook: Hook) -> None:
    for hooks in (_hooks, _before_purge):
        if hook in hooks:
            hooks.remove(hook)


def run(destroyed: Destroyed, *, before_purge: bool = False) -> None:
    for hook in list(_before_purge if before_purge else _hooks):
        hook(destroyed)
