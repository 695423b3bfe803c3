"""Need to know (P1) as a property: every way to see signals agrees, and none shows more than the
detail page would.

Hypothesis draws a small world per example: users with a random set of the roles (and now and then
an inactive account), and signals in random steps, reported by or assigned to random users, in a
random buurt, some with a search word. For every user:

- the oracle below (the rule of design §2 written out: role *and* involvement) gives the signals
  the user may read;
- the detail page and the API detail answer 200 for exactly those, and refuse every other one;
- the werkvoorraad page, the queue selector, the API list, the search (page and API), the CSV
  export and the map (counts per buurt) show exactly those;
- the one documented exception: a staff melder without a signal role sees the *status* of their
  own reports in the API list (design §2), never their detail — and nothing else.

The session's demo signals are put in a step no role works on inside each example (rolled back
afterwards), so every surface can be compared whole, without paging; they must then show up
nowhere, which the comparison with the drawn world also proves.

Gemeenten (ADR 0030 §3, §15): each example draws 1–3 tenants (Zaanstad, Wormerland, Oostzaan), each
user's roles per tenant, and each signal's and casus's tenant. A role held in gemeente A opens nothing
of gemeente B: the oracle reads the user's roles *in the record's gemeente*, and every surface above
must agree. (A RegionalRelease is no record of B: it is read on A's signal, tests/test_regio_*.)

The same for casussen (step 4): random leads and teams; the casus list page, the selector, the
API list, the detail page and the API detail agree with the rule (regisseur: leads, is on the
team, or the casus has no lead yet; teamlid: leads or is on the team).
"""

import csv
import io
import itertools
import re
from collections import Counter

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import grant_roles, make_tenant
from meldpunt import policy
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.cases.models import CasusSignal
from meldpunt.cases.services import CASUS_STATE_LABELS as CASUS_STATES
from meldpunt.intake import selectors
from meldpunt.intake.models import Phenomenon, Signal
from meldpunt.protocol.transitions import SIGNAL_STATES
from meldpunt.registries.models import Buurt
from meldpunt.tenancy.home import home_tenant

pytestmark = pytest.mark.django_db

SIGNAL_ROLES = {Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID}
OUT_OF_SIGHT = "buiten_beeld_test"  # a step no role works on
SEARCH_WORD = "sleutelwoordp1"
REFERENCE = re.compile(r"/signalen/([A-Z]{2}[A-Z0-9]{0,2}-[0-9]{4}-[0-9]{7,10})/")
numbers = itertools.count(1)


def roles_in(roles, gemeente_id) -> set:
    """The user's roles in one gemeente: ``roles`` maps a gemeente code to a set of roles."""
    return set(roles.get(gemeente_id, ()))


def all_roles(roles) -> set:
    return set().union(*roles.values()) if roles else set()


def may_read(user, roles_by_gemeente: dict, signal) -> bool:
    """The rule of design §2, written out independently of policy.signals_visible_to: with the
    roles the user holds in the signal's own gemeente (ADR 0030 §3)."""
    if not user.is_active:
        return False
    roles = roles_in(roles_by_gemeente, signal.gemeente_id)
    # Assigned (the team member who decided W3) involves a user until step 4: a signal in a casus is
    # read through the casus only (issue 13, finding 3).
    mine = signal.assigned_to_id == user.pk and signal.state != "casus"
    links = CasusSignal.objects.filter(signal=signal).select_related("casus")
    on_casus = any(link.casus.lead_id == user.pk or link.casus.team.filter(pk=user.pk).exists()
                   or (Role.REGISSEUR in roles and link.casus.lead_id is None) for link in links)
    return any([
        bool(roles & {Role.REGISSEUR, Role.TEAMLID}) and on_casus,
        Role.MELDER_INTERN in roles and signal.reported_by_id == user.pk,
        Role.BEOORDELAAR in roles and (signal.state in policy.INTAKE_STATES or mine),
        Role.REGISSEUR in roles and (signal.state in policy.REGIE_STATES or mine),
        Role.TEAMLID in roles and (signal.state in policy.TEAM_STATES or mine),
    ])


# The tenants an example may draw: the home gemeente and two more (made once per test function).
TENANTS = [("GM0880", "Wormerland", "WL"), ("GM0431", "Oostzaan", "OO")]


@pytest.fixture
def tenants(db):
    return [home_tenant(), *(make_tenant(code, naam, prefix) for code, naam, prefix in TENANTS)]


def memberships(n_tenants: int):
    """A user's roles per tenant (by index): mostly one gemeente, now and then two or three."""
    return st.lists(st.sets(st.sampled_from(list(Role)), max_size=4), min_size=n_tenants, max_size=n_tenants)


@st.composite
def worlds(draw):
    n_tenants = draw(st.integers(1, 3))
    n_users = draw(st.integers(1, 3))
    users = [(draw(memberships(n_tenants)), draw(st.booleans() | st.just(True))) for _ in range(n_users)]
    person = st.none() | st.integers(0, n_users - 1)
    signals = draw(st.lists(st.fixed_dictionaries({
        "state": st.sampled_from(SIGNAL_STATES), "reported_by": person, "assigned_to": person,
        "buurt": st.none() | st.integers(0, 2), "searchable": st.booleans(), "in_casus": st.booleans(),
        "gemeente": st.integers(0, n_tenants - 1),
    }), min_size=1, max_size=6))
    # One casus the signals of its gemeente may belong to: its lead and team read those signals (step 4).
    casus = {"lead": person, "team": st.sets(st.integers(0, n_users - 1), max_size=2),
             "gemeente": st.integers(0, n_tenants - 1)}
    return users, signals, draw(st.fixed_dictionaries(casus))


def make_member(roles_per_tenant, tenants, **fields):
    """A user with ``roles_per_tenant`` (a set: the first tenant's; a list: one set per tenant).
    Returns the user and their roles by gemeente code."""
    per_tenant = [roles_per_tenant] if isinstance(roles_per_tenant, set) else list(roles_per_tenant)
    first = sorted(per_tenant[0])
    user = account_services.create_user(f"p1-{next(numbers)}", "een-lang-wachtwoord-voor-tests", first,
                                        gemeente=tenants[0] if first else None, **fields)
    for tenant, roles in zip(tenants[1:], per_tenant[1:], strict=False):
        if roles:
            grant_roles(user, *sorted(roles), gemeente=tenant)
    return user, {tenant.pk: set(roles) for tenant, roles in zip(tenants, per_tenant, strict=False) if roles}


def build(world, tenants=None):
    from meldpunt.cases.models import Casus

    tenants = tenants or [home_tenant()]
    user_specs, signal_specs, casus_spec = world if len(world) == 3 else (*world, {"lead": None, "team": set()})
    Signal.objects.update(state=OUT_OF_SIGHT, assigned_to=None)
    users = []
    for roles, active in user_specs:
        user, by_gemeente = make_member(roles, tenants)
        if not active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        users.append((user, by_gemeente))
    buurten = list(Buurt.objects.order_by("code")[:3])
    phenomenon = Phenomenon.objects.order_by("code").first()
    signals = []
    for spec in signal_specs:
        n = next(numbers)
        signals.append(Signal.objects.create(
            reference=f"MO-2099-{n:07d}", received_at=timezone.now(), channel="intern", phenomenon=phenomenon,
            description=f"Waarneming {n}" + (f" met {SEARCH_WORD}" if spec["searchable"] else ""),
            state=spec["state"], state_since=timezone.now(), deadline=timezone.localdate(),
            reported_by=None if spec["reported_by"] is None else users[spec["reported_by"]][0],
            assigned_to=None if spec["assigned_to"] is None else users[spec["assigned_to"]][0],
            buurt=None if spec["buurt"] is None else buurten[spec["buurt"]],
            gemeente=tenants[spec.get("gemeente", 0)],
        ))
    casus_gemeente = tenants[casus_spec.get("gemeente", 0)]
    casus = Casus.objects.create(
        reference=f"CA-2099-{next(numbers):05d}", title="Casus uit de eigenschapstest", opened_at=timezone.now(),
        lead=None if casus_spec["lead"] is None else users[casus_spec["lead"]][0], gemeente=casus_gemeente)
    casus.team.set([users[i][0] for i in casus_spec["team"]])
    # A casus holds only signals of its own gemeente (ADR 0030 §2, checked in cases.services).
    linked = [signal for signal, spec in zip(signals, signal_specs, strict=True)
              if spec.get("in_casus") and signal.gemeente_id == casus_gemeente.pk]
    CasusSignal.objects.bulk_create([CasusSignal(casus=casus, signal=s, linked_at=timezone.now()) for s in linked])
    return users, signals


def refs_in_html(response) -> set[str]:
    return set(REFERENCE.findall(response.content.decode()))


def refs_in_api_list(response) -> set[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["kenmerk"] for row in rows}


def refs_in_csv(response) -> set[str]:
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "kenmerk"
    return {row[0] for row in rows[1:]}


def check_user(user, roles_by_gemeente, signals):
    if isinstance(roles_by_gemeente, set):  # one gemeente: the installation's only one
        roles_by_gemeente = {signals[0].gemeente_id: roles_by_gemeente} if roles_by_gemeente else {}
    roles = all_roles(roles_by_gemeente)
    expected = {s.reference for s in signals if may_read(user, roles_by_gemeente, s)}
    searchable = {s.reference for s in signals if SEARCH_WORD in s.description}
    by_ref = {s.reference: s for s in signals}
    works_on_signals = user.is_active and bool(roles & SIGNAL_ROLES)
    client = Client()
    client.force_login(user)
    if not user.is_active:
        assert client.get("/werkvoorraad/").status_code == 302  # the session is not accepted at all
        assert {s.reference for s in selectors.queue(user)} == set()
        return

    # The selectors: queue, with and without search, agree with the oracle.
    assert {s.reference for s in selectors.queue(user)} == expected
    found = selectors.queue(user, selectors.QueueFilter(text=SEARCH_WORD))
    assert {s.reference for s in found} == expected & searchable

    # "Al mijn gemeenten" (ADR 0030 §4): the list pages then show every gemeente the person works
    # for, and opening a record does not narrow them (the current gemeente is a view, never a gate).
    if works_on_signals:
        client.get("/werkvoorraad/?gemeente=alle")

    # Detail page and API detail: 200 exactly for the expected signals.
    for signal in signals:
        page = client.get(f"/signalen/{signal.reference}/")
        api = client.get(f"/api/v1/signalen/{signal.reference}")
        if signal.reference in expected and works_on_signals:
            assert page.status_code == 200 and api.status_code == 200, signal.reference
            assert api.json()["kenmerk"] == signal.reference
        else:
            assert page.status_code in (403, 404) and api.status_code in (403, 404), signal.reference
    readable = expected if works_on_signals else set()

    api_list = client.get("/api/v1/signalen?limit=100")
    if works_on_signals:
        assert refs_in_html(client.get("/werkvoorraad/")) == readable
        assert refs_in_html(client.get(f"/werkvoorraad/?text={SEARCH_WORD}")) == readable & searchable
        assert refs_in_api_list(api_list) == readable
        assert refs_in_api_list(client.get(f"/api/v1/signalen?limit=100&zoek={SEARCH_WORD}")) == readable & searchable
        assert refs_in_csv(client.get("/werkvoorraad/export.csv")) == readable
        assert refs_in_csv(client.get(f"/werkvoorraad/export.csv?text={SEARCH_WORD}")) == readable & searchable
        kaart = client.get("/api/v1/signalen/kaart")
        assert kaart.status_code == 200
        counts = {row["buurt"]: row["aantal"] for row in kaart.json()}
        assert counts == dict(Counter(by_ref[r].buurt_id for r in readable))
        assert sum(counts.values()) == len(readable)
    else:
        for url in ("/werkvoorraad/", "/werkvoorraad/export.csv", "/api/v1/signalen/kaart"):
            assert client.get(url).status_code == 403, url
        if Role.MELDER_INTERN in roles:
            # Design §2: a staff melder follows the status of their own reports, nothing more.
            own = {s.reference for s in signals if s.reported_by_id == user.pk
                   and Role.MELDER_INTERN in roles_in(roles_by_gemeente, s.gemeente_id)}
            assert api_list.status_code == 200 and refs_in_api_list(api_list) == own == expected
        else:
            assert api_list.status_code == 403
            assert expected == set()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=worlds())
def test_every_surface_shows_exactly_what_the_detail_page_would(world, tenants):
    with transaction.atomic():
        users, signals = build(world, tenants)
        for user, roles in users:
            check_user(user, roles, signals)
        transaction.set_rollback(True)


def test_the_oracle_and_the_policy_agree_on_a_fixed_world(make_user):
    """A plain example of the property, readable without Hypothesis."""
    with transaction.atomic():
        melder, teamlid = make_user(Role.MELDER_INTERN), make_user(Role.TEAMLID)
        world = ([({Role.BEOORDELAAR}, True)], [
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": 0, "searchable": True},
            {"state": "casus", "reported_by": None, "assigned_to": 0, "buurt": None, "searchable": False},
            {"state": "zwaarte", "reported_by": None, "assigned_to": None, "buurt": 1, "searchable": True},
        ])
        users, signals = build(world)
        beoordelaar = users[0][0]
        # signals[1] is assigned to the beoordelaar but in step 4 (casus): read through a casus only.
        assert {s.reference for s in selectors.queue(beoordelaar)} == {signals[0].reference}
        assert {s.reference for s in selectors.queue(teamlid)} == {signals[2].reference}
        assert list(selectors.queue(melder)) == []
        for user, roles in [*users, (melder, {Role.MELDER_INTERN}), (teamlid, {Role.TEAMLID})]:
            check_user(user, roles, signals)
        transaction.set_rollback(True)


def test_a_role_in_one_gemeente_reads_none_of_anothers_signals(tenants):
    """The gemeente dimension as a plain example: the same role in Wormerland only, in Zaanstad only,
    and in both, over one intake signal in each (ADR 0030 §3)."""
    with transaction.atomic():
        users, signals = build(([([set(), {Role.BEOORDELAAR}], True), ([{Role.BEOORDELAAR}, set()], True),
                                 ([{Role.BEOORDELAAR}, {Role.BEOORDELAAR}], True)], [
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": 0, "searchable": True,
             "gemeente": 0},
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": 1, "searchable": True,
             "gemeente": 1},
        ]), tenants)
        (wormerland_only, _), (zaanstad_only, _), (both, _) = users
        assert [s.reference for s in selectors.queue(wormerland_only)] == [signals[1].reference]
        assert [s.reference for s in selectors.queue(zaanstad_only)] == [signals[0].reference]
        assert {s.reference for s in selectors.queue(both)} == {s.reference for s in signals}
        for user, roles in users:
            check_user(user, roles, signals)
        transaction.set_rollback(True)


def test_the_team_of_a_casus_reads_its_signals_and_nobody_else_on_the_team_role_does():
    """Step 4: the lead and team of a casus read its signals, whatever state they are in."""
    with transaction.atomic():
        users, signals = build(([({Role.TEAMLID}, True), ({Role.TEAMLID}, True), ({Role.REGISSEUR}, True),
                                 ({Role.REGISSEUR}, True)], [
            {"state": "casus", "reported_by": None, "assigned_to": None, "buurt": 0, "searchable": False,
             "in_casus": True},
            {"state": "casus", "reported_by": None, "assigned_to": None, "buurt": 0, "searchable": False},
        ], {"lead": 2, "team": {0}}))
        on_team, off_team, lead, other_regisseur = (user for user, _ in users)
        assert {s.reference for s in selectors.queue(on_team)} == {signals[0].reference}
        assert list(selectors.queue(off_team)) == []
        # A signal in step 4 is read through its casus: not by every regisseur, not without a casus.
        assert {s.reference for s in selectors.queue(lead)} == {signals[0].reference}
        assert list(selectors.queue(other_regisseur)) == []
        for user, roles in users:
            check_user(user, roles, signals)
        transaction.set_rollback(True)


def test_the_export_is_logged_once_per_subject_of_every_exported_signal():
    """The export holds no personal data, but it leaves the system: the log says who took which
    signals along (register activity 'exporteren'), one line per data subject of each signal."""
    from meldpunt.intake.models import MentionedSubject
    from meldpunt.privacy.models import ProcessingLogEntry

    with transaction.atomic():
        users, signals = build(([({Role.BEOORDELAAR}, True)], [
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": 0, "searchable": True},
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": None, "searchable": False},
            {"state": "casus", "reported_by": None, "assigned_to": None, "buurt": 1, "searchable": True},
        ]))
        user = users[0][0]
        MentionedSubject.objects.create(signal=signals[0], kind="persoon", name="A", bsn="111222333")
        MentionedSubject.objects.create(signal=signals[0], kind="onderneming", name="B", kvk_nummer="12345678")
        client = Client()
        client.force_login(user)
        response = client.get("/werkvoorraad/export.csv")
        assert refs_in_csv(response) == {signals[0].reference, signals[1].reference}
        lines = ProcessingLogEntry.objects.filter(activity_code="exporteren", user_id=user.pk)
        per_signal = Counter(line.object_id for line in lines)
        # Two mentioned subjects; a signal without any is logged under its own id. Not the casus one.
        assert per_signal == {str(signals[0].pk): 2, str(signals[1].pk): 1}
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------- casussen

CASE_ROLES = {Role.REGISSEUR, Role.TEAMLID}
CASE_REFERENCE = re.compile(r"/casussen/(CA-[0-9]{4}-[0-9]{5,10})/")


def may_read_casus(user, roles_by_gemeente: dict, casus, team: set) -> bool:
    """Design §2 step 4: the regisseur leads (or takes up an unassigned casus), the team works on it —
    with the roles held in the casus's gemeente (ADR 0030 §3)."""
    if not user.is_active:
        return False
    roles = roles_in(roles_by_gemeente, casus.gemeente_id)
    involved = casus.lead_id == user.pk or user.pk in team
    return (Role.REGISSEUR in roles and (involved or casus.lead_id is None)) or (Role.TEAMLID in roles and involved)


@st.composite
def casus_worlds(draw):
    n_tenants = draw(st.integers(1, 3))
    n_users = draw(st.integers(1, 3))
    users = [(draw(memberships(n_tenants)), draw(st.booleans() | st.just(True))) for _ in range(n_users)]
    cases = draw(st.lists(st.fixed_dictionaries({
        "state": st.sampled_from(list(CASUS_STATES)), "lead": st.none() | st.integers(0, n_users - 1),
        "team": st.sets(st.integers(0, n_users - 1), max_size=2), "gemeente": st.integers(0, n_tenants - 1),
    }), min_size=1, max_size=4))
    return users, cases


def build_cases(world, tenants):
    from meldpunt.cases.models import Casus

    user_specs, case_specs = world
    # The session's casussen go to someone outside the drawn world, so they are nobody's here.
    outsider = account_services.create_user(f"p1-buiten-{next(numbers)}", "een-lang-wachtwoord-voor-tests", [])
    Casus.objects.update(lead=outsider)
    Casus.team.through.objects.all().delete()
    users = [make_member(roles, tenants, is_active=active) for roles, active in user_specs]
    cases = []
    for spec in case_specs:
        casus = Casus.objects.create(
            reference=f"CA-2099-{next(numbers):05d}", title="Casus uit de eigenschapstest", state=spec["state"],
            state_since=timezone.now(), opened_at=timezone.now(), gemeente=tenants[spec["gemeente"]],
            lead=None if spec["lead"] is None else users[spec["lead"]][0])
        casus.team.set([users[i][0] for i in spec["team"]])
        cases.append((casus, {users[i][0].pk for i in spec["team"]}))
    return users, cases


def check_user_cases(user, roles_by_gemeente, cases):
    from meldpunt.cases import selectors as case_selectors

    roles = all_roles(roles_by_gemeente)
    expected = {c.reference for c, team in cases if may_read_casus(user, roles_by_gemeente, c, team)}
    assert {c.reference for c in case_selectors.visible_cases(user)} == expected
    if not user.is_active:
        return
    client = Client()
    client.force_login(user)
    works_on_cases = bool(roles & CASE_ROLES)
    for casus, _ in cases:
        page = client.get(f"/casussen/{casus.reference}/")
        api = client.get(f"/api/v1/casussen/{casus.reference}")
        if casus.reference in expected and works_on_cases:
            assert page.status_code == 200 and api.status_code == 200, casus.reference
        else:
            assert page.status_code in (403, 404) and api.status_code in (403, 404), casus.reference
    listing, api_list = client.get("/casussen/"), client.get("/api/v1/casussen?limit=100")
    if works_on_cases:
        assert set(CASE_REFERENCE.findall(listing.content.decode())) == expected
        assert {row["kenmerk"] for row in api_list.json()["results"]} == expected
    else:
        assert listing.status_code == 403 and api_list.status_code == 403
        assert expected == set()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=casus_worlds())
def test_every_casus_surface_shows_exactly_what_the_detail_page_would(world, tenants):
    with transaction.atomic():
        users, cases = build_cases(world, tenants)
        for user, roles in users:
            check_user_cases(user, roles, cases)
        transaction.set_rollback(True)


def test_an_export_above_the_cap_is_refused_in_dutch_and_logs_nothing(monkeypatch):
    from meldpunt.privacy.models import ProcessingLogEntry

    monkeypatch.setattr(selectors, "EXPORT_MAX_ROWS", 1)
    with transaction.atomic():
        users, _ = build(([({Role.BEOORDELAAR}, True)], [
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": 0, "searchable": True},
            {"state": "ontvangen", "reported_by": None, "assigned_to": None, "buurt": None, "searchable": False},
        ]))
        user = users[0][0]
        client = Client()
        client.force_login(user)
        response = client.get("/werkvoorraad/export.csv?zoek=x", follow=True)
        assert response.redirect_chain[0][0] == "/werkvoorraad/?zoek=x"
        assert "Verfijn de filters" in response.content.decode()
        assert not ProcessingLogEntry.objects.filter(activity_code="exporteren", user_id=user.pk).exists()
        transaction.set_rollback(True)
