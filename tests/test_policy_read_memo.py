"""The policy remembers "may this user read this signal?" for one GET request only (issue 17,
policy/memo.py): the signal page asks the database fewer times, every read is still logged, a
role taken away between two requests is refused on the second, and a POST never uses the memo."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import new_signal, to_research
from meldpunt import policy
from meldpunt.accounts import services as accounts
from meldpunt.policy import memo
from meldpunt.privacy.models import ProcessingLogEntry

pytestmark = pytest.mark.django_db

# Measured on SQLite (tests): the signal page of a signal in 'ontvangen' for a beoordelaar, and of
# a signal in 'bronnenonderzoek' for a regisseur. Before the memo 56 and 58 queries, of which three
# were the policy's EXISTS about this signal (the reporter's contact, the subject changes, the
# related items; the page's own fetch is the policy's filter too). After: 53 and 55, none of them.
# Then 51 and 53: the mentioned subjects read once with the signal (signal_for(with_subjects=True))
# for the read's log line, the list and the related items, instead of three times. Plus one for the
# header's gemeente (ADR 0030 §4): the active tenants, read once into the cache.
# Then 49 and 51 (issue 17, load): the reporter's contact and the subjects already answered asked
# with the signal and its subjects, the related casussen from the related signals already read.
MAX_QUERIES_BEOORDELAAR = 49
MAX_QUERIES_REGISSEUR = 51
# The page writes the same processing-log lines as before the memo (measured before: 6).
LOG_LINES = 6


def _page(client, signal):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("protocol:signaal", args=[signal.reference]))
    return response, queries


def _read_checks(queries) -> int:
    """The policy's EXISTS questions about one signal (may_read_signal) in the captured queries."""
    return sum(1 for q in queries.captured_queries
               if q["sql"].lstrip().upper().startswith("SELECT 1 AS") and "intake_signal" in q["sql"])


def test_signal_page_for_a_beoordelaar_asks_the_policy_once(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    client.force_login(make_user("beoordelaar"))
    logged = ProcessingLogEntry.objects.count()
    response, queries = _page(client, signal)
    assert response.status_code == 200
    assert signal.reference in response.content.decode()
    assert ProcessingLogEntry.objects.count() - logged == LOG_LINES
    assert _read_checks(queries) == 0
    assert len(queries) <= MAX_QUERIES_BEOORDELAAR, len(queries)


def test_signal_page_for_a_regisseur_asks_the_policy_once(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = to_research(walker, new_signal(walker))
    client.force_login(make_user("regisseur"))
    logged = ProcessingLogEntry.objects.count()
    response, queries = _page(client, signal)
    assert response.status_code == 200
    assert signal.reference in response.content.decode()
    assert ProcessingLogEntry.objects.count() - logged == LOG_LINES
    assert _read_checks(queries) == 0
    assert len(queries) <= MAX_QUERIES_REGISSEUR, len(queries)


def test_a_role_taken_away_between_two_requests_is_refused_on_the_second(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)  # 'ontvangen': a beoordelaar's, not a teamlid's
    user = make_user("beoordelaar", "teamlid")
    client.force_login(user)
    first = client.get(reverse("protocol:signaal", args=[signal.reference]))
    assert first.status_code == 200 and signal.reference in first.content.decode()
    accounts.set_roles(user, ["teamlid"])
    second = client.get(reverse("protocol:signaal", args=[signal.reference]))
    assert second.status_code == 404
    assert signal.reference not in second.content.decode()


def _asks_twice(request):
    """A view that asks the policy the same question twice and counts the database questions."""
    from django.http import HttpResponse

    with CaptureQueriesContext(connection) as queries:
        answers = [policy.may_read_signal(request.user, request.signal) for _ in range(2)]
    return HttpResponse(f"{answers} {_read_checks(queries)}")


def _through_the_memo(method, user, signal):
    from django.test import RequestFactory

    request = getattr(RequestFactory(), method.lower())("/")
    request.user, request.signal = user, signal
    return memo.ReadMemoMiddleware(_asks_twice)(request).content.decode()


def test_a_get_asks_once_and_a_post_asks_every_time(make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    reader = make_user("beoordelaar")
    assert _through_the_memo("GET", reader, signal) == "[True, True] 1"
    # A POST decides after its own lock: nothing remembered, the database is asked each time.
    assert _through_the_memo("POST", reader, signal) == "[True, True] 2"
    # Outside a request (a task, a command) nothing is remembered either, and the GET's memo is gone.
    with CaptureQueriesContext(connection) as queries:
        assert policy.may_read_signal(reader, signal) and policy.may_read_signal(reader, signal)
    assert _read_checks(queries) == 2


def test_the_memo_is_per_user(make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    reader, outsider = make_user("beoordelaar"), make_user("teamlid")
    token = memo._read_memo.set({})
    try:
        assert policy.may_read_signal(reader, signal)
        assert not policy.may_read_signal(outsider, signal)
        assert policy.may_read_signal(reader, signal)
    finally:
        memo._read_memo.reset(token)
