"""Pages and API resources: which roles open them, and which roles only look (P1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from meldpunt.accounts.roles import Role

from .base import active, gemeenten_with, granted, holds, owner

if TYPE_CHECKING:
    from meldpunt.accounts.models import User

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
    # A new ondermijningsbeeld on demand (a background job, meldpunt.jobs): the analist from the
    # beeld pages, the beheerder from 'Achtergrondtaken'.
    "beeld_maken": frozenset({Role.ANALIST, Role.BEHEERDER}),
    # The page of one background job: whoever started it, and the beheerder (may_follow_job).
    # Whoever may start a job follows its progress (may_follow_job: only their own runs).
    "achtergrondtaak": frozenset({Role.ANALIST, Role.BEHEERDER, Role.ARCHIVARIS, Role.PRIVACYFUNCTIONARIS,
                                  Role.BEOORDELAAR, Role.REGISSEUR}),
    # The installation's health checks by name (meldpunt.health); the public probes show a status only.
    "gezondheid": frozenset({Role.BEHEERDER}),
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
    # A person's own meldingen (meldpunt.notifications): every role; each reads only their own.
    "meldingen": frozenset(Role.values),
    # How a person wants their own meldingen (direct, daily, only in the application): every role.
    "meldingvoorkeur": frozenset(Role.values),
    # The gemeente a person works for (the header's switcher, ADR 0030 §4): every role; the choice
    # is checked per gemeente by tenancy.current.choose.
    "gemeente_kiezen": frozenset(Role.values),
}
# The auditor opens exactly what the FG opens (design §5a "FG / auditor"), derived rather than
# listed so that no FG page can forget it; both only read (tests/test_read_only_roles.py).
PAGE_ROLES = {page: roles | {Role.AUDITOR} if Role.FG in roles else roles for page, roles in PAGE_ROLES.items()}
# Roles that look but never change (design §2: the FG's oversight is read-only; so is the auditor's).
READ_ONLY_ROLES = frozenset({Role.FG, Role.AUDITOR})
# Pages where a person changes only a setting of their own. That is no processing of anyone's data
# (nor oversight of it), so the read-only rule does not apply: the FG and auditor may choose how
# they get their own meldingen like everyone else. Nothing else belongs here.
OWN_SETTING_PAGES = frozenset({"meldingvoorkeur", "gemeente_kiezen"})


def may_open(user: User, page: str) -> bool:
    """May this user open the page or API resource called ``page``?"""
    if page not in PAGE_ROLES:
        # Fail closed: a page without a declared rule is open to nobody.
        return False
    return active(user) and holds(user, PAGE_ROLES[page])


def may_open_regional_beeld(user: User, regio) -> bool:
    """May this user open the regional beeld of ``regio`` (a Regio or its code): the regio level and its
    gemeenten side by side (ADR 0030 §11)? Only with the beeld role in *every* active member gemeente —
    which a regio-wide analist assignment gives — never with the role in some of them."""
    from meldpunt.tenancy.models import Tenant  # the tenancy app's table, asked at call time

    if not may_open(user, "ondermijningsbeeld"):
        return False
    members = set(Tenant.objects.filter(regio_id=getattr(regio, "pk", regio), active=True)
                  .values_list("code", flat=True))
    return bool(members) and members <= beeld_gemeenten(user)


def may_change(user: User, page: str) -> bool:
    """May this user send a change (POST, PUT, PATCH, DELETE) to ``page``? Only through a role of the
    page that is not read-only: the FG or auditor who opens a page never writes through it."""
    if page not in PAGE_ROLES or not active(user):
        return False
    if page in OWN_SETTING_PAGES:
        return may_open(user, page)
    return bool((user.roles & PAGE_ROLES[page]) - READ_ONLY_ROLES)


def may_change_own_notification_preference(user: User) -> bool:
    """May this user choose how they get their own meldingen? Every active user with a role, the
    read-only FG and auditor included: it is their own setting, not anyone's data."""
    return may_change(user, "meldingvoorkeur")


def may_follow_job(user: User, run) -> bool:
    """May this user see one background job's progress and outcome? The beheerder sees every job;
    anyone else only the jobs they started themselves."""
    if not may_open(user, "achtergrondtaak"):
        return False
    # A gemeente's job: the beheerder of that gemeente; an installation job (no gemeente): any beheerder.
    return (holds(user, {Role.BEHEERDER}, getattr(run, "gemeente_id", None))
            or (run.started_by_id is not None and run.started_by_id == user.pk))


def beeld_gemeenten(user: User) -> frozenset[str]:
    """The gemeenten whose beeld cells ``user`` reads (ADR 0030 §11): those where they hold a beeld
    role (a regio-wide analist: every active member). A gemeente's cells in a regio's snapshot are
    shown only to these."""
    return gemeenten_with(user, PAGE_ROLES["ondermijningsbeeld"])


def pages_for(user: User) -> list[str]:
    return [page for page in PAGE_ROLES if may_open(user, page)]


def page_gemeenten(user: User, page: str) -> frozenset[str]:
    """The CBS codes of the gemeenten where ``user`` holds one of ``page``'s roles: a page that
    shows one part per gemeente (the Bewaartermijnen page) shows these."""
    if page not in PAGE_ROLES or not active(user):
        return frozenset()
    return gemeenten_with(user, PAGE_ROLES[page])


def on_page(user: User, page: str, records: QuerySet) -> QuerySet:
    """The rows of ``records`` a page lists: those in the gemeenten where ``user`` holds one of the
    page's roles (ADR 0030 §3). A page whose list is not narrowed by involvement (te beoordelen,
    bevragingen, inzage, bewaartermijnen, toezicht) lists through this, never all rows."""
    if page not in PAGE_ROLES or not active(user):
        return records.none()
    return records.filter(granted(user, PAGE_ROLES[page], owner(records.model)))
