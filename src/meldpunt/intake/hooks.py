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
