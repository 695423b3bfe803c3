"""Where the parts above the protocol act on its transitions, without the protocol importing them.

The protocol sits below casussen and source research: those register here (in their AppConfig's
``ready``) and the protocol service calls what is registered. So ``protocol.services`` never
imports ``cases``, and the import-linter contracts in pyproject.toml keep it that way.

- A **guard** says why a transition cannot be taken yet: ``guard(signal) -> list[str]`` of Dutch
  messages (empty: no objection). Research registers "W4 waits for open source requests".
- An **effect** runs in the transition's transaction, right after the state change and its log
  line: ``effect(user, signal, change, used_wegingen)``. Cases registers "W4 casus opens a casus".

(The other way round, intake sits below the protocol: its signal-received hook, where the protocol
registers ``start_history``, lives in ``intake/hooks.py``.)

Registering twice is harmless (the same function is kept once), so ``ready`` may run again in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Guard = Callable[..., list[str]]
Effect = Callable[..., None]

_guards: dict[str, list[Guard]] = {}
_effects: dict[str, list[Effect]] = {}


def _add(table: dict[str, list], names: str | Iterable[str], fn: Callable) -> None:
    for name in [names] if isinstance(names, str) else names:
        registered = table.setdefault(name, [])
        if fn not in registered:
            registered.append(fn)


def register_guard(transition_name: str | Iterable[str], fn: Guard) -> None:
    """``fn(signal)`` returns why the transition(s) cannot be taken now (Dutch, empty: it can)."""
    _add(_guards, transition_name, fn)


def register_effect(transition_name: str | Iterable[str], fn: Effect) -> None:
    """``fn(user, signal, change, used)`` runs inside the transition's transaction."""
    _add(_effects, transition_name, fn)


def guard_problems(transition_name: str, signal) -> list[str]:
    problems: list[str] = []
    for guard in _guards.get(transition_name, ()):
        problems.extend(p for p in guard(signal) if p not in problems)
    return problems


def run_effects(transition_name: str, user, signal, change, used) -> None:
    for effect in _effects.get(transition_name, ()):
        effect(user, signal, change, used)


def has_effect(transition_name: str) -> bool:
    return bool(_effects.get(transition_name))


# ------------------------------------------------------------------------------ connectors above us
# A source whose connector lives above the protocol (regio's "Andere gemeenten in de regio", ADR
# 0030 §8.1) registers a plugin: bronnenonderzoek asks it instead of registries.connectors.


class ConnectorPlugin:
    """What a connector above the protocol answers. Subclasses override what differs."""

    def subject_problem(self, source, mention) -> str:
        """Why ``mention`` cannot be asked of ``source`` (Dutch), '' when it can."""
        return ""

    def pc1_defaults(self, source) -> dict:
        """Initial values of the PC1 form for ``source`` (e.g. the convenant as the legal basis)."""
        return {}

    def pc1_problems(self, source_request, weging) -> list[str]:
        """Why an allowing PC1 cannot be recorded for this request (Dutch), empty when it can."""
        return []

    def ask(self, source_request) -> None:
        """Called in PC1's transaction once it allowed the request: ask (e.g. start a job on commit)."""

    def annotate(self, user, source_request) -> None:
        """Before the signal page shows ``source_request``: set ``answer_lines`` (list of Dutch lines)
        on each of its hits, and ``shared`` (what was shared, for the user) on the request."""


_plugins: dict[str, ConnectorPlugin] = {}


def register_connector(code: str, plugin: ConnectorPlugin) -> None:
    _plugins[code] = plugin


def connector_plugin(code: str) -> ConnectorPlugin | None:
    return _plugins.get(code or "")
