"""Which page takes each row of the signal table (issue 12: every transition has a page).

The table in ``transitions.py`` says what may happen; this says where a person does it. The signal
page offers, for the transitions its reader may take from the current status, one link per page
(stap 1 takes both intake rows, weging 4 all four ``hits_`` rows). Parts above the protocol
register their own page for a row they take (cases: ``casus_koppelen``) in their AppConfig's
``ready``, so the protocol never imports them (as with ``hooks.py``).

tests/test_every_transition_has_a_page.py walks every row of every table against these pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from meldpunt import policy

from . import services
from .transitions import SIGNAL_TRANSITIONS, Transition


@dataclass(frozen=True)
class StepPage:
    url_name: str  # takes the signal's kenmerk as ``reference``
    label: str  # the button on the signal page
    codes: tuple[str, ...]  # the rows of SIGNAL_TRANSITIONS this page takes


def _codes(prefix: str) -> tuple[str, ...]:
    return tuple(t.code for t in SIGNAL_TRANSITIONS if t.code.startswith(prefix))


_pages: list[StepPage] = [
    StepPage("protocol:stap1", "Stap 1: wegen (W1, W2A, W2B)", _codes("intake_")),
    StepPage("protocol:stap2", "Stap 2: zwaarte bepalen (W3)", _codes("zwaarte_")),
    StepPage("protocol:weging4", "Weging 4: uitkomst bronnenonderzoek", _codes("hits_")),
]


def register_page(page: StepPage) -> None:
    """A part above the protocol adds the page for a row it takes (registering twice is harmless)."""
    if page not in _pages:
        _pages.append(page)


def pages() -> list[StepPage]:
    return list(_pages)


def page_for(code: str) -> StepPage | None:
    return next((p for p in _pages if code in p.codes), None)


def rows_of(page: StepPage) -> list[Transition]:
    return [t for t in SIGNAL_TRANSITIONS if t.code in page.codes]


def offered(user, signal) -> list[StepPage]:
    """The step pages for the rows this user may take from the signal's current status, in table
    order, each once. A row the user's role cannot take is not offered (its page would refuse)."""
    found: list[StepPage] = []
    for row in SIGNAL_TRANSITIONS:
        if row.source != signal.state or signal.is_sealed or not policy.may_take_transition(user, row, signal):
            continue
        page = page_for(row.code)
        if page is not None and page not in found:
            found.append(page)
    return found


@dataclass(frozen=True)
class Refusal:
    label: str  # the row's label, e.g. "Doorzetten naar bepalen zwaarte (stap 2)"
    reasons: list[str]  # services.blockers: in Dutch, what has to happen first


def refusals(user, signal, url_name: str) -> tuple[list[Refusal], bool]:
    """For the rows a step page takes: why each cannot be taken now (``services.blockers``, the part
    of ``check()`` that no form field fixes: the role, the signal's fields, open source requests), and
    whether any row can be taken (then the page shows its form)."""
    page = next(p for p in _pages if p.url_name == url_name)
    refused, possible = [], False
    for row in rows_of(page):
        if row.source != signal.state:
            continue
        reasons = services.blockers(user, signal, row)
        if reasons:
            refused.append(Refusal(row.label, reasons))
        else:
            possible = True
    return refused, possible
