"""Retention settings per gemeente (ADR 0030 §7): each gemeente is the controller of its records and
sets its own terms.

The result classes and signal rules without a gemeente are the installation's default (seeded
from the Selectielijst, catalogue.py). A gemeente that changes a class's term or valuation gets a
row of its own with the same code (``ResultClass.gemeente``); one that gives an end state another
class gets its own ``SignalRetentionRule``. Everything else it reads from the default, so a change
of the default reaches every gemeente that did not override it.

Records keep pointing at the default row (a casus' ``result_class``, an agenda item's minutes
class): the code names the class, and the term that applies is the one of the record's gemeente.
:class:`Terms` reads both tables once (they are small) and answers per gemeente in memory, so the
date computations ask it per record without a query each.
"""

from __future__ import annotations

from dataclasses import dataclass

from meldpunt.tenancy.keys import code_of

from .models import ResultClass, SignalRetentionRule


class Terms:
    """The default and every gemeente's own result classes and signal rules, as read at one moment.
    Each table is read when first needed (one query each): a casus without a class or a signal in no
    end state costs no query for the classes."""

    def __init__(self):
        self._rules: dict[tuple[str, str], int] | None = None
        self._classes: dict[tuple[str, str], ResultClass] | None = None
        self._by_pk: dict[int, ResultClass] = {}

    @property
    def rules(self) -> dict[tuple[str, str], int]:
        """(gemeente or "", state) -> pk of the (default) class."""
        if self._rules is None:
            self._rules = {(gemeente_id or "", state): class_id for gemeente_id, state, class_id in
                           SignalRetentionRule.objects.values_list("gemeente_id", "state", "result_class_id")}
        return self._rules

    @property
    def classes(self) -> dict[tuple[str, str], ResultClass]:
        """(gemeente or "", code) -> class."""
        if self._classes is None:
            self._classes = {}
            for result in ResultClass.objects.all():
                self._classes[(result.gemeente_id or "", result.code)] = result
                self._by_pk[result.pk] = result
        return self._classes

    def result_class(self, gemeente, code: str | None) -> ResultClass | None:
        """The class ``code`` as it holds in ``gemeente`` (a Tenant, its code, or None: the default)."""
        if not code:
            return None
        key = code_of(gemeente) if gemeente else ""
        return self.classes.get((key, code)) or self.classes.get(("", code))

    def _rule_code(self, gemeente, state: str) -> str | None:
        key = code_of(gemeente) if gemeente else ""
        pk = self.rules.get((key, state)) or self.rules.get(("", state))
        if pk is None:
            return None
        self.classes  # noqa: B018 (loads _by_pk)
        found = self._by_pk.get(pk)
        return found.code if found else None

    def signal_class(self, gemeente, state: str) -> ResultClass | None:
        """The class a signal of ``gemeente`` gets in end state ``state``, with that gemeente's term."""
        return self.result_class(gemeente, self._rule_code(gemeente, state))

    def signal_rules(self, gemeente=None) -> dict[str, ResultClass]:
        """End state -> class (with the gemeente's term) for ``gemeente``; the default without one."""
        states = {state for _gemeente, state in self.rules}
        found = {state: self.signal_class(gemeente, state) for state in sorted(states)}
        return {state: result for state, result in found.items() if result is not None}

    def states_of(self, gemeente, code: str) -> list[str]:
        """The end states whose signals of ``gemeente`` get class ``code``."""
        return [state for state, result in self.signal_rules(gemeente).items() if result.code == code]

    def gemeenten_with_own_rules(self) -> set[str]:
        return {key for key, _state in self.rules if key}

    def own(self, gemeente) -> set[str]:
        """The codes of the classes ``gemeente`` changed itself."""
        key = code_of(gemeente)
        return {code for owner, code in self.classes if owner == key}

    def own_rules(self, gemeente) -> set[str]:
        key = code_of(gemeente)
        return {state for owner, state in self.rules if owner == key}


def load() -> Terms:
    """Both tables as they are now, read when first asked (terms are never cached across calls: a
    change applies at once in every worker)."""
    return Terms()


def defaults():
    """The installation's default classes (what a record points at, what a form offers)."""
    return ResultClass.objects.filter(gemeente__isnull=True)


@dataclass(frozen=True)
class TermRow:
    """One result class as a gemeente's beheerder sees it: the default and what holds there."""

    default: ResultClass
    current: ResultClass
    own: bool


@dataclass(frozen=True)
class RuleRow:
    """One end state of a signal: the default class and the class that holds in the gemeente."""

    state: str
    default: ResultClass
    current: ResultClass
    own: bool


def settings_of(gemeente) -> tuple[list[TermRow], list[RuleRow]]:
    """The retention settings of ``gemeente`` (a Tenant or code): every active default class with the
    term that holds there, and every end state's class (ADR 0030 §7)."""
    found = load()
    own_classes, own_rules = found.own(gemeente), found.own_rules(gemeente)
    defaults_ = sorted((c for (owner, _code), c in found.classes.items() if not owner and c.active),
                       key=lambda c: (c.applies_to, c.selectielijst_item, c.code))
    rows = [TermRow(c, found.result_class(gemeente, c.code), c.code in own_classes) for c in defaults_]
    rules = []
    for state in sorted({state for owner, state in found.rules if not owner}):
        default, current = found.signal_class(None, state), found.signal_class(gemeente, state)
        if default is not None and current is not None:
            rules.append(RuleRow(state, found.classes[("", default.code)], found.classes[("", current.code)],
                                 state in own_rules))
    return rows, rules
