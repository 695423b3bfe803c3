"""The access policy: who may see what. One place, used by every view, selector and the API.

Need to know (P1): a user reads a signal, casus or subject only through a role *and* an
involvement. Pages are gated by role here; records are filtered by ``*_visible_to`` functions
that selectors call. Later issues extend the tables below rather than checking roles inline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .roles import Role

if TYPE_CHECKING:
    from .models import User

# Each page (or API resource) and the roles that may open it.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "werkvoorraad": frozenset({Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID}),
    "te_beoordelen": frozenset({Role.PRIVACYFUNCTIONARIS}),
    "bevragingen": frozenset({Role.BRONHOUDER}),
    "mijn_casussen": frozenset({Role.DEELNEMER}),
    "mijn_acties": frozenset({Role.UITVOERDER}),
    "toezicht": frozenset({Role.FG}),
    "bewaartermijnen": frozenset({Role.ARCHIVARIS}),
    "ondermijningsbeeld": frozenset({Role.ANALIST, Role.REGISSEUR}),
    "beheer": frozenset({Role.BEHEERDER}),
    "mijn_meldingen": frozenset({Role.MELDER_INTERN}),
    # Internal intake form: staff melders, and meldpunt staff registering a telephone report.
    "signaal_melden": frozenset({Role.MELDER_INTERN, Role.BEOORDELAAR, Role.REGISSEUR}),
    "signaal": frozenset({Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID}),
    "bulkimport": frozenset({Role.BEOORDELAAR, Role.REGISSEUR}),
    # Public CBS geography and aggregate key figures: every logged-in role.
    "gebieden": frozenset(Role.values),
}

# Involvement through a queue: the step a role works on makes the signals in that step theirs.
# Beoordelaar: step 1. Ondermijningsteam: steps 2 and 3 (W3, W4). Regisseur: steps 1 to 4.
INTAKE_ROLES = frozenset({Role.BEOORDELAAR, Role.REGISSEUR})
INTAKE_STATES = frozenset({"ontvangen"})
TEAM_STATES = frozenset({"zwaarte", "bronnenonderzoek"})
REGIE_STATES = frozenset({"ontvangen", "zwaarte", "bronnenonderzoek", "geen_actie", "niet_in_behandeling",
                          "doorgezet_afdeling", "doorgezet_riec", "afdeling_regie", "casus"})


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_open(user: User, page: str) -> bool:
    """May this user open the page or API resource called ``page``?"""
    if page not in PAGE_ROLES:
        # Fail closed: a page without a declared rule is open to nobody.
        return False
    return _active(user) and user.has_role(*PAGE_ROLES[page])


def pages_for(user: User) -> list[str]:
    return [page for page in PAGE_ROLES if may_open(user, page)]


def signals_visible_to(user: User, signals: QuerySet) -> QuerySet:
    """Filter a Signal queryset to the rows this user has a role *and* an involvement for."""
    if not _active(user):
        return signals.none()
    condition = Q(pk__in=[])
    if user.has_role(Role.MELDER_INTERN):
        condition |= Q(reported_by=user)  # staff melders see their own reports only
    if user.has_role(Role.BEOORDELAAR):
        condition |= Q(state__in=INTAKE_STATES) | Q(assigned_to=user)
    if user.has_role(Role.REGISSEUR):
        condition |= Q(state__in=REGIE_STATES) | Q(assigned_to=user)
    if user.has_role(Role.TEAMLID):
        condition |= Q(state__in=TEAM_STATES) | Q(assigned_to=user)
    return signals.filter(condition)


def may_read_signal(user: User, signal) -> bool:
    from meldpunt.intake.models import Signal

    return signals_visible_to(user, Signal.objects.filter(pk=signal.pk)).exists()


def may_read_registry_details(user: User) -> bool:
    """Registry details are opened only through approved source research (issue: step 3).

    Until that flow exists nobody reads registry details through the UI or API; the local
    connectors are used by services and by the generator only.
    """
    return False
