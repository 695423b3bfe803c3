"""The signal-received hook: intake sits below the protocol, so it does not call the protocol;
the protocol registers here (``ProtocolConfig.ready`` registers ``start_history``) and
``create_signal`` fires the hook inside its transaction.

A new signal without its first history row would be a signal outside the protocol, so firing the
hook with nothing registered is an error rather than a silent skip.
"""

from __future__ import annotations

from collections.abc import Callable

SignalReceived = Callable[..., None]

_received: list[SignalReceived] = []


def register_signal_received(fn: SignalReceived) -> None:
    """``fn(signal, user)`` runs when a new signal is registered, in the same transaction."""
    if fn not in _received:
        _received.append(fn)


def signal_received(signal, user=None) -> None:
    if not _received:
        raise RuntimeError("no signal-received hook registered: is meldpunt.protocol installed?")
    for hook in _received:
        hook(signal, user)


# After every write of a signal's subjects (registered, added, corrected, removed) and of its
# sealing: regio keeps its hit/no-hit index in step (ADR 0030 §8.3). Nothing registered: nothing to do.
SubjectsChanged = Callable[..., None]

_subjects_changed: list[SubjectsChanged] = []


def register_subjects_changed(fn: SubjectsChanged) -> None:
    """``fn(signal)`` runs after a write of the signal's subjects, in the same transaction."""
    if fn not in _subjects_changed:
        _subjects_changed.append(fn)


def subjects_changed(signal) -> None:
    for hook in _subjects_changed:
        hook(signal)
