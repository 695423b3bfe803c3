"""The records retention serves, registered by the apps that own them (issue 15).

Retention sits below the domain apps: it computes dates, blocks and destroys records of intake,
cases and inzage without importing their models. Each app registers here in its AppConfig's
``ready``:

- intake: the signal model (``SIGNAL``), its reporter contacts and mentioned subjects;
- cases: the casus model (``CASUS``) and the link of a signal to its casus (``CASUS_SIGNAL``,
  with fields ``signal`` and ``casus``): a signal in a casus follows the casus' dossier;
- inzage: which signals and casussen an open request found (they may not be destroyed while it is
  answered), and the recomputation of its own dates (result classes that apply to inzage);
- casusoverleg and others: destroy hooks (``destroy_hooks.py``, with the same idea).

``dates.py`` and ``blocks.py`` read this registry; ``purge.py`` walks foreign keys from the roots
it is given, so rows that hang from a signal or casus need no registration.
"""

from __future__ import annotations

from collections.abc import Callable

SIGNAL = "signal"
CASUS = "casus"
CASUS_SIGNAL = "casus_signal"
REPORTER_CONTACT = "reporter_contact"  # anonymised after the contact term (anonymise.py)
MENTIONED_SUBJECT = "mentioned_subject"  # read before destruction for the log (destruction.py)

_models: dict[str, type] = {}
_requested: dict[str, list[Callable[[], set[int]]]] = {}
_recomputers: dict[str, list[Callable[[], int]]] = {}


def register_model(role: str, model: type) -> None:
    """``model`` plays ``role`` (SIGNAL, CASUS or CASUS_SIGNAL) for retention."""
    if _models.get(role) not in (None, model):
        raise ValueError(f"retention role {role!r} is already registered to {_models[role].__name__}")
    _models[role] = model


def model(role: str) -> type:
    try:
        return _models[role]
    except KeyError:
        raise LookupError(f"no model registered for retention role {role!r}: is its app installed?") from None


def register_requested(role: str, fn: Callable[[], set[int]]) -> None:
    """``fn()`` returns the ids of records of ``role`` that an open request is about (blocks.py)."""
    found = _requested.setdefault(role, [])
    if fn not in found:
        found.append(fn)


def requested(role: str) -> set[int]:
    ids: set[int] = set()
    for fn in _requested.get(role, ()):
        ids |= fn()
    return ids


def register_recompute(applies_to: str, fn: Callable[[], int]) -> None:
    """``fn()`` recomputes every date of records whose result class applies to ``applies_to``
    (an ``AppliesTo`` value) and returns how many changed (dates.py)."""
    found = _recomputers.setdefault(applies_to, [])
    if fn not in found:
        found.append(fn)


def recomputers(applies_to: str | None = None) -> list[Callable[[], int]]:
    """The registered recomputations of ``applies_to``, or of all when None."""
    if applies_to is not None:
        return list(_recomputers.get(applies_to, ()))
    return [fn for fns in _recomputers.values() for fn in fns]
