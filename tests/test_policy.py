"""The access policy (P1 need to know): pages by role, signals by role *and* involvement."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.intake.models import Phenomenon, Signal
from meldpunt.web import urls as web_urls

R = Role
# The page rules of the design (§2, §5a). A change here is a change of who sees what.
EXPECTED_PAGE_ROLES = {
    "werkvoorraad": {R.BEOORDELAAR, R.REGISSEUR, R.TEAMLID},
    "te_beoordelen": {R.PRIVACYFUNCTIONARIS},
    "bevragingen": {R.BRONHOUDER},
    "mijn_casussen": {R.DEELNEMER},
    "mijn_acties": {R.UITVOERDER},
    "toezicht": {R.FG, R.AUDITOR},
    "bewaartermijnen": {R.ARCHIVARIS},
    "ondermijningsbeeld": {R.ANALIST, R.REGISSEUR},
    "beheer": {R.BEHEERDER},
    "gezondheid": {R.BEHEERDER},
    "mijn_meldingen": {R.MELDER_INTERN},
    "gebieden": set(R),
    "meldingen": set(R),
    "meldingvoorkeur": set(R),
    "gemeente_kiezen": set(R),
}


@pytest.fixture
def one_user_per_role(make_user):
    return {role: make_user(role) for role in Role}


# ------------------------------------------------------------------------------- pages


def test_unknown_page_fails_closed(make_user):
    everything = make_user(*Role.values)
    everything.is_superuser = True
    everything.save(update_fields=["is_superuser"])
    assert not policy.may_open(everything, "bestaat_niet")
    assert not policy.may_open(everything, "")
    assert policy.may_open(everything, "werkvoorraad")  # the same user does open known pages


@pytest.mark.parametrize("page", sorted(EXPECTED_PAGE_ROLES))
def test_each_page_opens_for_exactly_its_roles(page, one_user_per_role):
    assert set(policy.PAGE_ROLES[page]) == EXPECTED_PAGE_ROLES[page]
    allowed = {role for role, user in one_user_per_role.items() if policy.may_open(user, page)}
    assert allowed == EXPECTED_PAGE_ROLES[page]


def test_no_page_for_anonymous_no_role_or_inactive_users(make_user):
    nobody = make_user()
    inactive = make_user(*Role.values)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for page in policy.PAGE_ROLES:
        assert not policy.may_open(AnonymousUser(), page)
        assert not policy.may_open(nobody, page)
        assert not policy.may_open(inactive, page)
    assert policy.pages_for(inactive) == []


def test_pages_for_lists_the_pages_of_every_role(make_user):
    user = make_user(Role.ANALIST, Role.FG)
    assert set(policy.pages_for(user)) == {"ondermijningsbeeld", "toezicht", "gebieden", "bewaartermijnen_inzien",
                                           "inzage_toezicht", "beeld_maken", "achtergrondtaak", "meldingen",
                                           "meldingvoorkeur", "gemeente_kiezen"}


# ----------------------------------------------------------------------------- signals


def _signal(n, state="ontvangen", reported_by=None, assigned_to=None):
    return Signal.objects.create(
        reference=f"TEST-POL-{n:04d}", received_at=timezone.now(), channel="intern",
        phenomenon=Phenomenon.objects.order_by("code").first(), description="test", state=state,
        reported_by=reported_by, assigned_to=assigned_to,
    )


@pytest.fixture
def signal_world(make_user):
    """Signals in different steps, with different reporters and assignees."""
    melder = make_user(Role.MELDER_INTERN)
    other_melder = make_user(Role.MELDER_INTERN)
    beoordelaar = make_user(Role.BEOORDELAAR)
    teamlid = make_user(Role.TEAMLID)
    other_teamlid = make_user(Role.TEAMLID)
    s = {
        "own_report": _signal(1, "casus", reported_by=melder),
        "own_report_new": _signal(2, "ontvangen", reported_by=melder),
        "other_report": _signal(3, "casus", reported_by=other_melder),
        "new_unassigned": _signal(4, "ontvangen"),
        "assigned_beoordelaar": _signal(5, "afdeling_regie", assigned_to=beoordelaar),
        "assigned_teamlid": _signal(6, "doorgezet_riec", assigned_to=teamlid),
        "assigned_other_teamlid": _signal(7, "afdeling_regie", assigned_to=other_teamlid),
        "zwaarte": _signal(8, "zwaarte"),
        "bronnenonderzoek": _signal(9, "bronnenonderzoek"),
        "closed_elsewhere": _signal(10, "casus"),
    }
    users = {"melder": melder, "beoordelaar": beoordelaar, "teamlid": teamlid}
    return users, s


def visible(user):
    return set(policy.signals_visible_to(user, Signal.objects.all()))


def test_melder_intern_sees_only_own_signals(signal_world):
    users, s = signal_world
    assert visible(users["melder"]) == {s["own_report"], s["own_report_new"]}


def test_beoordelaar_sees_received_and_assigned(signal_world):
    users, s = signal_world
    seen = visible(users["beoordelaar"])
    assert seen == set(Signal.objects.filter(state="ontvangen")) | {s["assigned_beoordelaar"]}
    assert {s["new_unassigned"], s["own_report_new"]} <= seen
    for name in ("own_report", "other_report", "assigned_teamlid", "zwaarte", "bronnenonderzoek",
                 "closed_elsewhere"):
        assert s[name] not in seen


def test_teamlid_sees_assigned_and_own_steps_only(signal_world):
    # The ondermijningsteam works on steps 2 and 3 (W3, W4); beyond that only what is assigned.
    users, s = signal_world
    seen = visible(users["teamlid"])
    assert seen == {s["assigned_teamlid"], s["zwaarte"], s["bronnenonderzoek"]}
    assert s["assigned_other_teamlid"] not in seen
    assert s["new_unassigned"] not in seen


def test_regisseur_sees_steps_one_to_four(signal_world, make_user):
    _, s = signal_world
    seen = visible(make_user(Role.REGISSEUR))
    for name in ("new_unassigned", "zwaarte", "bronnenonderzoek", "assigned_teamlid"):
        assert s[name] in seen
    # Step 4 is read through the casus (lead and team): a signal in state casus is not every regisseur's.
    assert s["own_report"] not in seen and s["closed_elsewhere"] not in seen


def test_analist_and_other_roles_see_no_signals(signal_world, make_user):
    for role in (Role.ANALIST, Role.FG, Role.PRIVACYFUNCTIONARIS, Role.BEHEERDER, Role.BRONHOUDER,
                 Role.DEELNEMER, Role.UITVOERDER, Role.ARCHIVARIS):
        assert visible(make_user(role)) == set(), role
    assert visible(make_user()) == set()


def test_inactive_or_anonymous_users_see_nothing(signal_world):
    users, _ = signal_world
    assert visible(AnonymousUser()) == set()
    for user in users.values():
        assert visible(user)  # sanity: active, they see something
        user.is_active = False
        assert visible(user) == set()


def test_may_read_signal_follows_the_filter(signal_world):
    users, s = signal_world
    assert policy.may_read_signal(users["teamlid"], s["assigned_teamlid"])
    assert not policy.may_read_signal(users["teamlid"], s["assigned_other_teamlid"])
    assert not policy.may_read_signal(users["melder"], s["other_report"])


def test_combined_roles_see_the_union(signal_world):
    users, s = signal_world
    user = users["teamlid"]
    user.role_assignments.create(role=Role.MELDER_INTERN)
    user._roles_cache = None
    Signal.objects.filter(pk=s["other_report"].pk).update(reported_by=user)
    assert visible(user) == {s["assigned_teamlid"], s["zwaarte"], s["bronnenonderzoek"], s["other_report"]}


def test_nobody_reads_registry_details_through_the_ui_yet(make_user):
    assert not policy.may_read_registry_details(make_user(*Role.values))


# ------------------------------------------------------------- every page has a rule

# Pages live with their app (web, intake, protocol, ...). Login, the API and Django's admin have
# their own guards; every other page must name its access rule.
OWN_GUARDS = {"accounts", "api", "admin"}
# Pages that deliberately carry no access rule: `start` only sends a logged-in user on to the
# page of their first role; the public report form needs no login (design §5a). Adding a name
# here is a decision about P1: make it consciously.
# A reporter adds to a report with the receipt code (no login). The health probes answer a status
# word to the load balancer and monitoring (meldpunt.health).
NOT_GATED = {"web:start", "intake:melden", "intake:bedankt", "intake:aanvullen", "intake:aanvulling_ontvangen",
             "health:leeft", "health:gereed", "health:werker"}


def _pages():
    """(namespaced name, URLPattern) of every page outside login, API and admin."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLPattern):
                if p.name:
                    found.append((f"{namespace}:{p.name}" if namespace else p.name, p))
            elif (p.namespace or namespace) not in OWN_GUARDS:
                walk(p.url_patterns, p.namespace or namespace)

    walk(get_resolver().url_patterns, None)
    return found


def _gated_pages():
    return [(name, p) for name, p in _pages() if name not in NOT_GATED]


def _url(name, pattern):
    """Reverse a page, with a sample value for each path parameter."""
    kwargs = {}
    for param, converter in getattr(pattern.pattern, "converters", {}).items():
        if isinstance(converter, IntConverter):
            kwargs[param] = 1
        elif isinstance(converter, UUIDConverter):
            kwargs[param] = "00000000-0000-0000-0000-000000000000"
        else:
            kwargs[param] = "x"
    return reverse(name, kwargs=kwargs)


def _fetch(client, url):
    response = client.get(url)
    if response.status_code == 405:  # a POST-only action: the gate must refuse a POST as well
        response = client.post(url)
    return response


@pytest.mark.unit
def test_the_web_app_pages_are_all_checked():
    names = {name for name, _ in _pages()}
    web = {f"web:{p.name}" for p in web_urls.urlpatterns if isinstance(p, URLPattern)}
    assert "web:start" in web
    assert web <= names
    assert len(_gated_pages()) >= 11


@pytest.mark.parametrize("name, pattern", _gated_pages(), ids=[n for n, _ in _gated_pages()])
@pytest.mark.unit
def test_every_page_has_a_known_access_rule(name, pattern):
    rule = getattr(pattern.callback, "access_rule", None)
    assert rule is not None, f"{name} has no access_rule"
    assert rule in policy.PAGE_ROLES, f"{name}: rule {rule!r} is not in policy.PAGE_ROLES"


@pytest.mark.parametrize("name, pattern", _gated_pages(), ids=[n for n, _ in _gated_pages()])
def test_every_page_refuses_without_its_role(name, pattern, client, make_user):
    url = _url(name, pattern)
    login_url = f"{reverse('accounts:login')}?next={url}"
    allowed = policy.PAGE_ROLES[pattern.callback.access_rule]

    response = _fetch(client, url)
    assert response.status_code == 302
    assert response["Location"] == login_url

    client.force_login(make_user())
    assert _fetch(client, url).status_code == 403

    others = [r for r in Role.values if r not in allowed]
    if others:
        client.force_login(make_user(*others))
        response = _fetch(client, url)
        assert response.status_code == 403
        assert "Geen toegang" in response.content.decode()

    # Positive control: with the role the gate opens (a sample parameter may find nothing).
    client.force_login(make_user(sorted(allowed)[0]))
    response = client.get(url)
    assert response.status_code != 403
    assert response.get("Location") != login_url
    if not pattern.pattern.converters and response.status_code != 405:
        assert response.status_code == 200


@pytest.mark.unit
def test_api_views_with_a_rule_enforce_it():
    """An API view that names an access rule must also check it (PolicyPermission)."""
    from meldpunt.api.views import PolicyPermission

    found = 0
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "pattern", None) and str(pattern.pattern) == "api/v1/":
            stack = list(pattern.url_patterns)
            while stack:
                p = stack.pop()
                if hasattr(p, "url_patterns"):
                    stack.extend(p.url_patterns)
                    continue
                cls = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
                rule = getattr(cls, "access_rule", None)
                if rule is None:
                    continue
                found += 1
                assert rule in policy.PAGE_ROLES, p
                assert PolicyPermission in cls.permission_classes, f"{cls.__name__} does not check {rule!r}"
    assert found >= 4


@pytest.mark.unit
def test_api_views_with_several_rules_enforce_them():
    """Views that name ``access_rules`` (intake and protocol API) go through the same permission."""
    from meldpunt.api.permissions import PolicyPermission

    found = 0
    stack = [p for p in get_resolver().url_patterns if str(getattr(p, "pattern", "")) == "api/v1/"]
    while stack:
        p = stack.pop()
        if hasattr(p, "url_patterns"):
            stack.extend(p.url_patterns)
            continue
        cls = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
        rules = [*getattr(cls, "access_rules", ()), *getattr(cls, "access_rules_by_action", {}).values()]
        rules = [r for group in rules for r in ([group] if isinstance(group, str) else group)]
        if not rules:
            continue
        found += 1
        assert set(rules) <= set(policy.PAGE_ROLES), p
        assert PolicyPermission in cls.permission_classes, f"{cls.__name__} does not check {rules}"
    assert found >= 6
