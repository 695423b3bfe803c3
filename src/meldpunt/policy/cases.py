"""Casussen (step 4): which casus a user reads, who leads and manages it, who sits on its team, who
organises and joins a casusoverleg, decides a release, owns an intervention."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from meldpunt.accounts.roles import Role

from .base import NOTHING, active, granted, holds, owner

if TYPE_CHECKING:
    from meldpunt.accounts.models import User

# The regisseur leads a casus, changes it and organises its casusoverleg.
MANAGER_ROLES = frozenset({Role.REGISSEUR})
# Who may sit on a casus team.
TEAM_ROLES = frozenset({Role.TEAMLID, Role.REGISSEUR})


def cases_visible_to(user: User, cases: QuerySet) -> QuerySet:
    """Filter a Casus queryset (need to know, P1): the regisseur reads the casussen they lead or
    are on the team of, and unassigned ones (to take the lead); a team member only their team's.
    Participants and uitvoerders never read a casus: only their releases (cases.selectors)."""
    if not active(user):
        return cases.none()
    # ``gemeente`` in the may_* below: the casus's (or meeting's) gemeente, where the role must be held;
    # without it, in some gemeente (the page asks that before it knows a record).
    on_team = cases.model.team.through.objects.filter(user_id=user.pk).values("casus_id")
    path = owner(cases.model)
    condition = NOTHING
    condition |= granted(user, {Role.REGISSEUR}, path) & (Q(lead=user) | Q(pk__in=on_team) | Q(lead__isnull=True))
    condition |= granted(user, {Role.TEAMLID}, path) & (Q(lead=user) | Q(pk__in=on_team))
    return cases.filter(condition)


def may_manage_casus(user: User, gemeente=None) -> bool:
    """Does this user hold the role that changes a casus (lead, team, lifecycle)? Which casus: the
    caller asks ``cases_visible_to`` too (cases.services.check_manager)."""
    return holds(user, MANAGER_ROLES, gemeente)


def may_lead_casus(user: User, gemeente=None) -> bool:
    """Does a casus this user opens (W4 'casus') get them as its lead? Otherwise they join its team."""
    return holds(user, MANAGER_ROLES, gemeente)


def may_join_team(user: User, gemeente=None) -> bool:
    """May this person be on a casus team (ondermijningsteam or regisseur)?"""
    return holds(user, TEAM_ROLES, gemeente)


def may_organise_meeting(user: User, gemeente=None) -> bool:
    """May this user organise a casusoverleg (plan it, set its agenda, invite)?"""
    return holds(user, MANAGER_ROLES, gemeente)


def may_be_invited(invitee: User, gemeente=None) -> bool:
    """May this person be invited to a casusoverleg as a participant?"""
    return holds(invitee, {Role.DEELNEMER}, gemeente)


def may_decide_release(user: User, gemeente=None) -> bool:
    """May this user decide a release (privacy check 2A or 2B)? Never their own request: the caller checks."""
    return holds(user, {Role.PRIVACYFUNCTIONARIS}, gemeente)


def may_own_intervention(owner: User, gemeente=None) -> bool:
    """May this person own (carry out) an intervention of a plan van aanpak?"""
    return holds(owner, {Role.UITVOERDER}, gemeente)


def reads_released_meetings(user: User) -> bool:
    """Does this user read casusoverleggen through what PC2A released to them (a participant)?"""
    return bool(user.is_authenticated) and holds(user, {Role.DEELNEMER})


def reads_released_actions(user: User) -> bool:
    """Does this user read interventions they own through what PC2B released to them (an uitvoerder)?"""
    return bool(user.is_authenticated) and holds(user, {Role.UITVOERDER})


def released_seats(user: User, seats: QuerySet) -> QuerySet:
    """A participant's seats (cases.Participant) in the gemeenten where they hold the deelnemer role:
    an invitation in another gemeente reads nothing there (ADR 0030 §3)."""
    if not active(user):
        return seats.none()
    return seats.filter(granted(user, {Role.DEELNEMER}, owner(seats.model)))


def released_interventions(user: User, interventions: QuerySet) -> QuerySet:
    """An uitvoerder's interventions in the gemeenten where they hold the uitvoerder role."""
    if not active(user):
        return interventions.none()
    return interventions.filter(granted(user, {Role.UITVOERDER}, owner(interventions.model)))
