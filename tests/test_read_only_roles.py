"""The FG and the auditor can see but never change (design §2, §5a "Toezicht").

For every URL pattern and API endpoint of the live resolver (so also the views other issues add),
a logged-in FG, auditor, or someone with both roles sends POST, PUT, PATCH and DELETE. Each must be
refused (403, 404 or 405; never a success, a redirect or a validation error that would have let a
valid body through), and no business table may be written. Only the session, the lock-out log of
axes and the processing/security logs may change: those record the attempt, they change nothing.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.intake.models import Signal
from urlwalk import ADMIN_NAMESPACE, PUBLIC_VIEWS, routes, sample_url

pytestmark = pytest.mark.django_db

METHODS = ("post", "put", "patch", "delete")
REFUSED = {403, 404, 405}
# Writes that record the attempt rather than change anything.
LOG_TABLES = re.compile(r"^(django_session|axes_\w+|privacy_(processinglogentry|securitylogentry|logchainhead))$")
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I)
READ_ONLY_ROLES = {"fg": (Role.FG,), "auditor": (Role.AUDITOR,), "fg+auditor": (Role.FG, Role.AUDITOR)}


def _own_setting(route) -> bool:
    # A person's own setting (policy.OWN_SETTING_PAGES: how they get their meldingen) is no one's
    # data: the FG and auditor may change it, checked below (test_an_fg_chooses_a_daily_digest...).
    return getattr(route.callback, "access_rule", None) in policy.OWN_SETTING_PAGES


def _checked_routes():
    # Public views are not a capability of a role (anyone may send the public form); the admin
    # answers a non-staff user with a redirect to its login page, checked separately below.
    return [r for r in routes()
            if r.name not in PUBLIC_VIEWS and r.namespace != ADMIN_NAMESPACE and not _own_setting(r)]


def test_only_the_own_notification_preference_is_left_out_of_the_walk():
    assert sorted(r.name for r in routes() if _own_setting(r)) == ["notifications:voorkeur", "tenancy:kiezen"]
    # The gemeente a person works for (ADR 0030 §4) is their own setting too: only the session changes.
    assert set(policy.OWN_SETTING_PAGES) == {"meldingvoorkeur", "gemeente_kiezen"}


def _business_writes(queries) -> list[str]:
    writes = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and not LOG_TABLES.match(match.group(2).split(".")[-1]):
            writes.append(query["sql"][:200])
    return writes


@pytest.fixture
def sample_values():
    signal = Signal.objects.order_by("id").first()
    return {"reference": [signal.reference], "kenmerk": [signal.reference]}


def test_there_is_something_to_check():
    assert len(_checked_routes()) >= 35


@pytest.mark.parametrize("who", sorted(READ_ONLY_ROLES))
def test_read_only_roles_change_nothing_anywhere(client, make_user, sample_values, who):
    client.force_login(make_user(*READ_ONLY_ROLES[who]))
    problems = []
    for route in _checked_routes():
        url = sample_url(route, sample_values)
        if url is None:
            problems.append(f"{route.name}: no sample URL could be built (add a sample value in tests/urlwalk.py)")
            continue
        for method in METHODS:
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url, data={}, content_type="application/json")
            if response.status_code not in REFUSED:
                problems.append(f"{method.upper()} {url} ({route.name}) -> {response.status_code}")
            writes = _business_writes(queries.captured_queries)
            if writes:
                problems.append(f"{method.upper()} {url} ({route.name}) wrote: {writes}")
    assert not problems, f"{who} could change something:\n" + "\n".join(problems)


@pytest.mark.parametrize("who", sorted(READ_ONLY_ROLES))
def test_reading_every_page_writes_nothing_but_logs(client, make_user, sample_values, who):
    """Looking is looking: a GET by the FG or auditor may log the read, nothing more."""
    client.force_login(make_user(*READ_ONLY_ROLES[who]))
    problems = []
    for route in _checked_routes():
        url = sample_url(route, sample_values)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        writes = _business_writes(queries.captured_queries)
        if writes:
            problems.append(f"GET {url} ({route.name}) -> {response.status_code} wrote: {writes}")
    assert not problems, "\n".join(problems)


def test_the_policy_separates_looking_from_changing(make_user):
    fg, auditor = make_user(Role.FG), make_user(Role.AUDITOR)
    fg_and_beoordelaar = make_user(Role.FG, Role.BEOORDELAAR)
    for page, roles in policy.PAGE_ROLES.items():
        for user in (fg, auditor):
            assert policy.may_open(user, page) == bool(roles & {Role.FG, Role.AUDITOR})
            assert policy.may_change(user, page) == (page in policy.OWN_SETTING_PAGES)
    # Another role of the same person still works as that role; the FG role adds no writing.
    assert policy.may_change(fg_and_beoordelaar, "signaal")
    assert not policy.may_change(fg_and_beoordelaar, "toezicht")
    assert not policy.may_change(make_user(Role.BEOORDELAAR), "onbekende_pagina")


@pytest.mark.parametrize("who", sorted(READ_ONLY_ROLES))
def test_read_only_roles_can_open_their_pages(client, make_user, who):
    """The positive control: the same users do get in where they may look."""
    client.force_login(make_user(*READ_ONLY_ROLES[who]))
    assert client.get("/toezicht/").status_code == 200
    assert client.get("/api/v1/ik").status_code == 200


@pytest.mark.parametrize("who", sorted(READ_ONLY_ROLES))
def test_read_only_roles_do_not_get_into_the_admin(client, make_user, who):
    client.force_login(make_user(*READ_ONLY_ROLES[who]))
    for method in METHODS:
        response = getattr(client, method)("/beheer/admin/accounts/user/1/change/")
        assert response.status_code == 302 and "/beheer/admin/login/" in response["Location"]


def test_a_writing_view_would_be_caught(client, make_user):
    """The check itself: a beoordelaar *may* register a signal, and the test sees the write."""
    client.force_login(make_user(Role.BEOORDELAAR))
    with CaptureQueriesContext(connection) as queries:
        body = {"description": "Een waarneming van een test", "phenomenon": "overig"}
        response = client.post("/api/v1/signalen", body, content_type="application/json")
    assert response.status_code == 201
    assert any("intake_signal" in w for w in _business_writes(queries.captured_queries))


@pytest.mark.parametrize("who", sorted(READ_ONLY_ROLES))
def test_an_fg_chooses_a_daily_digest_and_still_changes_nothing_else(client, make_user, who):
    """Their own mail preference is no processing of anyone's data: the FG and auditor set it like
    everyone else; "Alles gelezen" and every other form stay closed to them."""
    from meldpunt.notifications.models import Kind, Notification, Preference
    from meldpunt.notifications.services import notify

    user = make_user(*READ_ONLY_ROLES[who])
    notify(user, Kind.INZAGE_TERMIJN, "INZ-2026-0301", "/toezicht/", f"test:{who}")
    client.force_login(user)
    page = client.get("/meldingen/").content.decode()
    assert "Voorkeur opslaan" in page and "Alles gelezen" not in page

    response = client.post("/meldingen/voorkeur/", {"mode": "dagelijks"}, follow=True)
    assert response.status_code == 200
    assert "Uw keuze is opgeslagen: Eén e-mail per dag met alles bij elkaar." in response.content.decode()
    assert Preference.objects.get(user=user).mode == "dagelijks"
    assert policy.may_change_own_notification_preference(user)

    # A bad choice changes nothing and says why, in Dutch.
    response = client.post("/meldingen/voorkeur/", {"mode": "elk_uur"})
    assert response.status_code == 400 and "Kies een van de drie mogelijkheden." in response.content.decode()
    assert Preference.objects.get(user=user).mode == "dagelijks"

    # Still read-only everywhere else, the rest of the Meldingen page included.
    assert client.post("/meldingen/alles-gelezen/").status_code == 403
    assert Notification.objects.get(recipient=user).read_at is None
    body = {"description": "Een waarneming van een test", "phenomenon": "overig"}
    assert client.post("/api/v1/signalen", body, content_type="application/json").status_code in REFUSED
