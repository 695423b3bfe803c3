"""Signals: which signals a user reads (P1, need to know), who registers which channel, who
forwards, reveals a sealed signal, records a weging or takes a step of the protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from meldpunt.accounts.roles import Role

from .base import NOTHING, active, granted, holds, owner
from .cases import cases_visible_to
from .memo import remember, remembered

if TYPE_CHECKING:
    from meldpunt.accounts.models import User

# Involvement through a queue: the step a role works on makes the signals in that step theirs.
# Beoordelaar: step 1. Ondermijningsteam: steps 2 and 3 (W3, W4). Regisseur: steps 1 to 4.
INTAKE_STATES = frozenset({"ontvangen"})
TEAM_STATES = frozenset({"zwaarte", "bronnenonderzoek"})
# Not 'casus': from step 4 on, a signal is read through its casus (lead, team), like the casus itself.
REGIE_STATES = frozenset({"ontvangen", "zwaarte", "bronnenonderzoek", "geen_actie", "niet_in_behandeling",
                          "doorgezet_afdeling", "doorgezet_riec", "afdeling_regie"})
# Step 4: a signal in these states is read only through its casus (cases_visible_to).
CASE_STATES = frozenset({"casus"})
# Who reads a signal in step 4 through its casus (lead, team).
CASE_READER_ROLES = frozenset({Role.REGISSEUR, Role.TEAMLID})


def signals_visible_to(user: User, signals: QuerySet) -> QuerySet:
    """Filter a Signal queryset to the rows this user has a role *and* an involvement for."""
    if not active(user):
        return signals.none()
    path = owner(signals.model)
    # Being the signal's assigned person (the teamlid who decided W3) involves a user up to step 4 only:
    # once the signal is in a casus it is read through that casus (lead, team), never through
    # ``assigned_to`` (issue 13, finding 3: no reading after leaving). Every involvement counts only
    # in the gemeenten where the role is held (ADR 0030 §3).
    assigned = Q(assigned_to=user) & ~Q(state__in=CASE_STATES)
    condition = NOTHING
    # Staff melders see their own reports only.
    condition |= granted(user, {Role.MELDER_INTERN}, path) & Q(reported_by=user)
    condition |= granted(user, {Role.BEOORDELAAR}, path) & (Q(state__in=INTAKE_STATES) | assigned)
    condition |= granted(user, {Role.REGISSEUR}, path) & (Q(state__in=REGIE_STATES) | assigned)
    condition |= granted(user, {Role.TEAMLID}, path) & (Q(state__in=TEAM_STATES) | assigned)
    if holds(user, CASE_READER_ROLES):
        # The lead and team of a casus read the signals that belong to it (step 4).
        from meldpunt.cases.models import Casus, CasusSignal

        # The signals of every casus this user may open (cases_visible_to): never more than the casus.
        casussen = cases_visible_to(user, Casus.objects.all()).values("pk")
        condition |= granted(user, CASE_READER_ROLES, path) & Q(
            pk__in=CasusSignal.objects.filter(casus__in=casussen).values("signal_id"))
    return signals.filter(condition)


def may_read_signal(user: User, signal) -> bool:
    """Does ``signals_visible_to`` hold this signal for this user? Asked once per GET request
    (policy.memo); a POST, a task or a command asks the database every time."""
    # The domain apps import the policy while they load: their models only when asked.
    from meldpunt.intake.models import Signal

    return remembered("signal", user, signal,
                      lambda: signals_visible_to(user, Signal.objects.filter(pk=signal.pk)).exists())


def note_signal_read(user: User, signal) -> None:
    """``signal`` was just fetched for ``user`` through ``signals_visible_to``: in this GET request
    ``may_read_signal`` answers yes without asking again (policy.memo; a POST keeps asking)."""
    remember("signal", user, signal, True)


# ------------------------------------------------------------------------------ registering

# Meldpunt staff: they register the report of someone else, by telephone or at the desk.
CALL_REGISTRAR_ROLES = frozenset({Role.BEOORDELAAR, Role.REGISSEUR})
# The channel only meldpunt staff may register (intake.models.Channel.TELEFOON).
STAFF_CHANNELS = frozenset({"telefoon"})


def may_register_channel(user: User | None, channel: str, gemeente=None) -> bool:
    """May ``user`` register a signal through ``channel``? A telephone or desk report only by meldpunt
    staff (beoordelaar, regisseur) — in ``gemeente``, the signal's, when the caller knows it. ``None`` is
    the system itself (the data-analyse rules, the demo and
    the tests), which registers for nobody; the view, the API and ``intake.services.create_signal`` all
    ask this. Whether the user may use the intake form at all is the page rule ``signaal_melden``."""
    if channel not in STAFF_CHANNELS or user is None:
        return True
    return active(user) and holds(user, CALL_REGISTRAR_ROLES, gemeente)


# ------------------------------------------------------------------------------ actions on a signal

# Who may read the content of a sealed ('geen actie') signal, with a reason (protocol.sealing.reveal).
REVEAL_ROLES = frozenset({Role.REGISSEUR, Role.TEAMLID})
# Who records a doorzending (protocol.services.forward).
FORWARD_ROLES = frozenset({Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID})
# Which roles may record which weging on a signal (design §2: beoordelaar does step 1, the team W3 and W4).
WEGING_ROLES = {
    "W1": frozenset({Role.BEOORDELAAR, Role.REGISSEUR}),
    "W2A": frozenset({Role.BEOORDELAAR, Role.REGISSEUR}),
    "W2B": frozenset({Role.BEOORDELAAR, Role.REGISSEUR}),
    "W3": frozenset({Role.TEAMLID}),
    "W4": frozenset({Role.TEAMLID, Role.REGISSEUR}),
}
# The wegingen of a casus: W4 to link a signal or re-open (the regisseur and the team), privacy checks
# 2A and 2B to release (the privacyfunctionaris).
CASUS_WEGING_ROLES = {
    "W4": frozenset({Role.REGISSEUR, Role.TEAMLID}),
    "PC2A": frozenset({Role.PRIVACYFUNCTIONARIS}),
    "PC2B": frozenset({Role.PRIVACYFUNCTIONARIS}),
}


# Who calls a reporter back who left contact details (intake.selectors.reporter_contact_for): the
# meldpunt staff who weigh the signal and ask the reporter what they saw.
CALLBACK_ROLES = frozenset({Role.BEOORDELAAR, Role.REGISSEUR})


def may_read_reporter_contact(user: User, signal) -> bool:
    """May this user read how to reach the reporter of ``signal``? Only while the signal is readable to
    them, not sealed, and only in a role that calls reporters back."""
    return (holds(user, CALLBACK_ROLES, signal.gemeente_id) and not signal.is_sealed
            and may_read_signal(user, signal))


def may_reveal_sealed(user: User, signal) -> bool:
    """May this user read the sealed content of ``signal``? A regisseur or team member who reads it."""
    return holds(user, REVEAL_ROLES, signal.gemeente_id) and may_read_signal(user, signal)


def may_forward(user: User, signal=None) -> bool:
    """May this user record a doorzending (of ``signal``: in its gemeente)? Whether they read the
    signal is checked by the caller first."""
    return holds(user, FORWARD_ROLES, _gemeente_of(signal))


def _gemeente_of(record):
    """The gemeente of a signal, casus or other root record (its code), or None without a record."""
    return None if record is None else record.gemeente_id


def weging_roles(kind: str, *, on_casus: bool = False) -> frozenset[str] | None:
    """The roles that record weging ``kind`` on a signal (or on a casus); None: no such weging there."""
    return (CASUS_WEGING_ROLES if on_casus else WEGING_ROLES).get(kind)


def may_take_weging(user: User, kind: str, signal_or_casus) -> bool:
    """May this user record weging ``kind`` on this signal or casus (by role; reading is the caller's)?"""
    on_casus = signal_or_casus is not None and signal_or_casus._meta.model_name == "casus"
    roles = weging_roles(kind, on_casus=on_casus)
    return roles is not None and holds(user, roles, _gemeente_of(signal_or_casus))


def may_take_transition(user: User, transition, record=None) -> bool:
    """May this user take ``transition`` (a row of protocol.transitions) on ``record`` (the signal or
    casus: in its gemeente)? Its role column says who; a row only the system takes (retention) is
    never a person's."""
    return not transition.system_only and holds(user, transition.roles, _gemeente_of(record))


# ------------------------------------------------------------------------------ queues (meldingen)

# Whose queue a signal in this state waits in when no one is assigned: the role that takes its next
# step. The daily signalering (notifications.signalering) tells them when it waits too long.
QUEUE_ROLES = {
    "ontvangen": (Role.BEOORDELAAR,),
    "zwaarte": (Role.TEAMLID,),
    "bronnenonderzoek": (Role.REGISSEUR,),
    "afdeling_regie": (Role.REGISSEUR,),
}


# ------------------------------------------------------------------------------ subjects after intake

# Who adds, corrects and removes the subjects of a signal after intake (intake.subject_changes), per
# state: whoever works on the signal in that step. Other states are closed to changes: the signal was
# handed on, sealed or ended; in a casus only while the casus is open.
SUBJECT_CHANGE_ROLES = {
    "ontvangen": frozenset({Role.BEOORDELAAR, Role.REGISSEUR}),
    "zwaarte": frozenset({Role.TEAMLID, Role.REGISSEUR}),
    "bronnenonderzoek": frozenset({Role.TEAMLID, Role.REGISSEUR}),
    "casus": frozenset({Role.TEAMLID, Role.REGISSEUR}),
}
CLOSED_CASUS_STATES = frozenset({"afgesloten", "vernietigd"})


def subject_change_refusal(user: User, signal) -> str:
    """Why this user may not add, correct or remove subjects of ``signal`` now (a Dutch sentence), or ''."""
    if not active(user) or not may_read_signal(user, signal):
        return "U werkt niet aan dit signaal en kunt de betrokkenen niet wijzigen."
    if signal.is_sealed or signal.state not in SUBJECT_CHANGE_ROLES:
        return ("Dit signaal is afgehandeld of doorgezet: de betrokkenen kunnen niet meer worden gewijzigd.")
    if signal.state == "casus":
        # The casus of a signal in step 4, read when asked (as in may_read_signal above).
        from meldpunt.cases.models import CasusSignal

        states = set(CasusSignal.objects.filter(signal=signal).values_list("casus__state", flat=True))
        if not states or states <= CLOSED_CASUS_STATES:
            return "De casus van dit signaal is afgesloten: de betrokkenen kunnen niet meer worden gewijzigd."
    if not holds(user, SUBJECT_CHANGE_ROLES[signal.state], signal.gemeente_id):
        return "Met uw rol kunt u de betrokkenen van dit signaal in deze stap niet wijzigen."
    return ""


def may_change_subjects(user: User, signal) -> bool:
    """May this user add, correct or remove subjects of ``signal`` now?"""
    return not subject_change_refusal(user, signal)
