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
    # The FG sees the retention watchlist, lists and statements read-only (P4).
    "bewaartermijnen_inzien": frozenset({Role.ARCHIVARIS, Role.FG}),
    "ondermijningsbeeld": frozenset({Role.ANALIST, Role.REGISSEUR}),
    "beheer": frozenset({Role.BEHEERDER}),
    "mijn_meldingen": frozenset({Role.MELDER_INTERN}),
    # Internal intake form: staff melders, and meldpunt staff registering a telephone report.
    "signaal_melden": frozenset({Role.MELDER_INTERN, Role.BEOORDELAAR, Role.REGISSEUR}),
    "signaal": frozenset({Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID}),
    "bulkimport": frozenset({Role.BEOORDELAAR, Role.REGISSEUR}),
    # Step 4: the casus and its casusoverleg are led by the regisseur with the team (cases app);
    # which casus a user reads is decided by cases_visible_to below.
    "casussen": frozenset({Role.REGISSEUR, Role.TEAMLID}),
    "casusoverleg": frozenset({Role.REGISSEUR}),
    "vrijgave_besluiten": frozenset({Role.PRIVACYFUNCTIONARIS}),
    # Inzageverzoeken (AVG art. 15): handled by the privacyfunctionaris, overseen read-only by the FG.
    "inzage": frozenset({Role.PRIVACYFUNCTIONARIS}),
    "inzage_toezicht": frozenset({Role.FG}),
    "casus_rapportages": frozenset({Role.REGISSEUR}),
    # Linking mentions to registry records (proposals with reasons; a person confirms or rejects).
    "koppelen": frozenset({Role.REGISSEUR, Role.TEAMLID}),
    # Bronnenonderzoek (step 3): the regisseur asks, the team reads hits for W4; the privacyfunctionaris
    # decides privacy check 1 per source and per details request (never their own).
    "bronnenonderzoek": frozenset({Role.REGISSEUR, Role.TEAMLID}),
    "bron_besluiten": frozenset({Role.PRIVACYFUNCTIONARIS}),
    # Public CBS geography and aggregate key figures: every logged-in role.
    "gebieden": frozenset(Role.values),
}
# The auditor opens exactly what the FG opens (design §5a "FG / auditor"), derived rather than
# listed so that no FG page can forget it; both only read (tests/test_read_only_roles.py).
PAGE_ROLES = {page: roles | {Role.AUDITOR} if Role.FG in roles else roles for page, roles in PAGE_ROLES.items()}
# Roles that look but never change (design §2: the FG's oversight is read-only; so is the auditor's).
READ_ONLY_ROLES = frozenset({Role.FG, Role.AUDITOR})

# Involvement through a queue: the step a role works on makes the signals in that step theirs.
# Beoordelaar: step 1. Ondermijningsteam: steps 2 and 3 (W3, W4). Regisseur: steps 1 to 4.
INTAKE_STATES = frozenset({"ontvangen"})
TEAM_STATES = frozenset({"zwaarte", "bronnenonderzoek"})
# Not 'casus': from step 4 on, a signal is read through its casus (lead, team), like the casus itself.
REGIE_STATES = frozenset({"ontvangen", "zwaarte", "bronnenonderzoek", "geen_actie", "niet_in_behandeling",
                          "doorgezet_afdeling", "doorgezet_riec", "afdeling_regie"})
# Step 4: a signal in these states is read only through its casus (cases_visible_to).
CASE_STATES = frozenset({"casus"})


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_open(user: User, page: str) -> bool:
    """May this user open the page or API resource called ``page``?"""
    if page not in PAGE_ROLES:
        # Fail closed: a page without a declared rule is open to nobody.
        return False
    return _active(user) and user.has_role(*PAGE_ROLES[page])


def may_change(user: User, page: str) -> bool:
    """May this user send a change (POST, PUT, PATCH, DELETE) to ``page``? Only through a role of the
    page that is not read-only: the FG or auditor who opens a page never writes through it."""
    if page not in PAGE_ROLES or not _active(user):
        return False
    return bool((user.roles & PAGE_ROLES[page]) - READ_ONLY_ROLES)


def pages_for(user: User) -> list[str]:
    return [page for page in PAGE_ROLES if may_open(user, page)]


def signals_visible_to(user: User, signals: QuerySet) -> QuerySet:
    """Filter a Signal queryset to the rows this user has a role *and* an involvement for."""
    if not _active(user):
        return signals.none()
    condition = Q(pk__in=[])
    # Being the signal's assigned person (the teamlid who decided W3) involves a user up to step 4 only:
    # once the signal is in a casus it is read through that casus (lead, team), never through
    # ``assigned_to`` (issue 13, finding 3: no reading after leaving).
    assigned = Q(assigned_to=user) & ~Q(state__in=CASE_STATES)
    if user.has_role(Role.MELDER_INTERN):
        condition |= Q(reported_by=user)  # staff melders see their own reports only
    if user.has_role(Role.BEOORDELAAR):
        condition |= Q(state__in=INTAKE_STATES) | assigned
    if user.has_role(Role.REGISSEUR):
        condition |= Q(state__in=REGIE_STATES) | assigned
    if user.has_role(Role.TEAMLID):
        condition |= Q(state__in=TEAM_STATES) | assigned
    if user.has_role(Role.REGISSEUR, Role.TEAMLID):
        # The lead and team of a casus read the signals that belong to it (step 4).
        from meldpunt.cases.models import Casus, CasusSignal

        # The signals of every casus this user may open (cases_visible_to): never more than the casus.
        casussen = cases_visible_to(user, Casus.objects.all()).values("pk")
        condition |= Q(pk__in=CasusSignal.objects.filter(casus__in=casussen).values("signal_id"))
    return signals.filter(condition)


def may_read_signal(user: User, signal) -> bool:
    from meldpunt.intake.models import Signal

    return signals_visible_to(user, Signal.objects.filter(pk=signal.pk)).exists()


def cases_visible_to(user: User, cases: QuerySet) -> QuerySet:
    """Filter a Casus queryset (need to know, P1): the regisseur reads the casussen they lead or
    are on the team of, and unassigned ones (to take the lead); a team member only their team's.
    Participants and uitvoerders never read a casus: only their releases (cases.selectors)."""
    if not _active(user):
        return cases.none()
    on_team = cases.model.team.through.objects.filter(user_id=user.pk).values("casus_id")
    condition = Q(pk__in=[])
    if user.has_role(Role.REGISSEUR):
        condition |= Q(lead=user) | Q(pk__in=on_team) | Q(lead__isnull=True)
    if user.has_role(Role.TEAMLID):
        condition |= Q(lead=user) | Q(pk__in=on_team)
    return cases.filter(condition)


def _grants_registry_details(user: User, detail_request) -> bool:
    """The part of ``may_read_registry_details`` that needs no query: an approved request with approved
    fields, and the user its requester or the signal's assignee in a role that reads registry details."""
    if detail_request is None or not _active(user) or not user.has_role(Role.REGISSEUR, Role.TEAMLID):
        return False
    if detail_request.state != "toegestaan" or not detail_request.approved_fields:
        return False
    return user.pk in (detail_request.requested_by_id, detail_request.hit.request.signal.assigned_to_id)


def may_read_registry_details(user: User, detail_request=None) -> bool:
    """Registry details are opened only through approved source research (design §3, step 3):
    an approved details request, read by the person who asked it or the signal's lead, who must
    still read the signal. Which fields: only ``detail_request.approved_fields`` (the caller
    fetches exactly those). Without a request: nobody."""
    return _grants_registry_details(user, detail_request) and may_read_signal(user, detail_request.hit.request.signal)


def _readable_detail_requests(user: User, requests) -> list:
    """The requests (all of one signal, ``hit__request__signal`` selected) that ``may_read_registry_details``
    grants this user, with one check of the signal for all of them rather than one per request."""
    granted = [request for request in requests if _grants_registry_details(user, request)]
    if not granted or not may_read_signal(user, granted[0].hit.request.signal):
        return []
    return granted


# Who may ask to open details behind a hit, and when (design §3, step 3; protocol.research.request_details).
DETAIL_REQUEST_ROLES = frozenset({Role.REGISSEUR})
DETAIL_REQUEST_STATES = frozenset({"bronnenonderzoek"})


def may_request_details(user: User, signal) -> bool:
    """May this user ask to open details behind a hit of ``signal``? The regisseur who reads the signal,
    while it is in bronnenonderzoek. The linking page offers "Details aanvragen" through this, and
    ``protocol.research.request_details`` refuses through it."""
    if signal is None or not _active(user) or not user.has_role(*DETAIL_REQUEST_ROLES):
        return False
    return signal.state in DETAIL_REQUEST_STATES and may_read_signal(user, signal)


# Related items (registries/related.py): the approved details, (source, field) on the signal, that open
# the names of each group; without them a group is counts only. The hops behind the companies at the
# address (their directors and the directors' other companies) need the functionarissen as well.
RELATED_GROUP_FIELDS = {
    "persons": frozenset({("BRP", "ingeschrevenen.burgerservicenummer")}),
    "companies": frozenset({("NHR", "vestigingen")}),
    "directors": frozenset({("NHR", "vestigingen"), ("NHR", "functionarissen")}),
    "other_companies": frozenset({("NHR", "vestigingen"), ("NHR", "functionarissen")}),
}


def related_identity_groups(user: User, signal) -> frozenset[str]:
    """Which groups of related registry records this user may see by name for ``signal`` (None: none)."""
    if signal is None or not _active(user):
        return frozenset()
    from meldpunt.protocol.research_models import DetailRequest

    approved: set[tuple[str, str]] = set()
    requests = DetailRequest.objects.filter(hit__request__signal=signal, state="toegestaan").select_related(
        "hit__request__signal", "hit__request__source")
    for request in _readable_detail_requests(user, requests):
        approved |= {(request.hit.request.source.code, field) for field in request.approved_fields}
    return frozenset(group for group, needed in RELATED_GROUP_FIELDS.items() if needed <= approved)


def approved_detail_fields(user: User, mention, source_code: str) -> frozenset[str]:
    """The fields of the source ``source_code`` about one mentioned subject that this user may read:
    those of the approved details requests behind the mention's hit that ``may_read_registry_details``
    grants. Empty: hit/no-hit only (design §3, step 3). Linking shows candidates through this."""
    if mention is None or not _active(user):
        return frozenset()
    from meldpunt.protocol.research_models import DetailRequest

    fields: set[str] = set()
    requests = DetailRequest.objects.filter(
        hit__subject=mention, hit__request__signal_id=mention.signal_id, hit__request__source__code=source_code,
        hit__request__state="toegestaan", state="toegestaan").select_related("hit__request__signal")
    for request in _readable_detail_requests(user, requests):
        fields |= set(request.approved_fields)
    return frozenset(fields)
