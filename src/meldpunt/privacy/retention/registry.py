"""The records retention serves, registered by the apps that own them (issue 15).

Retention sits below the domain apps: it computes dates, blocks and destroys records of intake,
cases and inzage without importing their models. Each app registers here in its AppConfig's
``ready``:

- intake: the signal model (``SIGNAL``), its reporter contacts and mentioned subjects, and the
  sources of a signal's date (``register_sources``: its brondatum and result class);
- cases: the casus model (``CASUS``), the link of a signal to its casus (``CASUS_SIGNAL``, with
  fields ``signal`` and ``casus``: a signal in a casus follows the casus' dossier) and the sources
  of a casus' date; the casusoverleg minutes as a daily task and a destroy hook
  (``cases/minutes_retention.py``);
- inzage: which signals and casussen an open request found (they may not be destroyed while it is
  answered), the recomputation of its own dates (result classes that apply to inzage) and the
  anonymisation of closed requests as a daily task;
- others: destroy hooks (``destroy_hooks.py``, with the same idea).

``dates.py`` and ``blocks.py`` read this registry; ``purge.py`` walks foreign keys from the roots
it is given, so rows that hang from a signal or casus need no registration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

SIGNAL = "signal"
CASUS = "casus"
CASUS_SIGNAL = "casus_signal"
REPORTER_CONTACT = "reporter_contact"  # anonymised after the contact term (anonymise.py)
MENTIONED_SUBJECT = "mentioned_subject"  # read before destruction for the log (destruction.py)

_models: dict[str, type] = {}
_requested: dict[str, list[Callable[[], set[int]]]] = {}
_recomputers: dict[str, list[Callable[[], int]]] = {}
_sources: dict[str, Callable[[list[int]], Iterable[Source]]] = {}
_daily_tasks: dict[str, Callable[[bool, date | None], str]] = {}


@dataclass(frozen=True)
class Source:
    """What the destruction date of one record is computed from (dates.py), as its app knows it.

    ``brondatum`` is the local date the record was finished (None while it is not); ``term_months``
    and ``valuation`` come from its result class (None without one); ``current`` is the stored
    ``destroy_after``. ``follows_casus``: the record belongs to its casus' dossier and takes the
    casus' date instead (a signal in the state 'casus')."""

    pk: int
    brondatum: date | None
    term_months: int | None
    valuation: str | None
    current: date | None
    follows_casus: bool = False


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


def register_sources(role: str, fn: Callable[[list[int]], Iterable[Source]]) -> None:
    """``fn(ids)`` gives the :class:`Source` of each record of ``role`` (SIGNAL or CASUS) among
    ``ids``: the app that owns the record knows its brondatum and result class (dates.py)."""
    if _sources.get(role) not in (None, fn):
        raise ValueError(f"retention sources of {role!r} are already registered")
    _sources[role] = fn


def sources(role: str, ids: list[int]) -> list[Source]:
    try:
        fn = _sources[role]
    except KeyError:
        raise LookupError(f"no sources registered for retention role {role!r}: is its app installed?") from None
    return list(fn(ids))


def register_daily_task(name: str, fn: Callable[[bool, date | None], str]) -> None:
    """``fn(dry_run, today)`` does (or with ``dry_run`` only counts) an app's own part of the daily run
    as of ``today`` (a peildatum; None is the real today)
    and returns its line for the summary, in Dutch (jobs.py). Tasks run in the order of their
    names, so the summary keeps one shape whatever order the apps are loaded in."""
    if _daily_tasks.get(name) not in (None, fn):
        raise ValueError(f"daily retention task {name!r} is already registered")
    _daily_tasks[name] = fn


def daily_tasks() -> list[tuple[str, Callable[[bool, date | None], str]]]:
    return sorted(_daily_tasks.items())
