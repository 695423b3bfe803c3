"""Step 1 posted from its page asks the policy and locks the signal once for the whole step
(issue 17), and still writes every processing-log line: the signal read, each weging and the
transition. A reader who may not read the signal is still refused by each service on its own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import new_signal, weging
from meldpunt.core.errors import NotAllowed
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services
from meldpunt.protocol.models import Weging
from test_every_transition_has_a_page import _stap1

pytestmark = pytest.mark.django_db

# Measured after the change: 73 on SQLite (22 fewer than before: the reader check and the row lock
# ran again before each of the three wegingen and before the transition, each service opened its
# own savepoint, and the form's starting values were read on a POST that shows what was posted).
# Then 70: the subjects the log lines name read once under the step's lock, not before each of the
# three wegingen and the transition.
# Then 66: the pending wegingen of the step read in one query instead of one per type (three), and
# the destruction date recomputed by the signal's id and taken from the recomputation (two fewer).
MAX_QUERIES = 66


def test_stap_1_post_takes_the_step_in_few_queries_and_logs_every_line(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    client.force_login(make_user("beoordelaar"))
    logged = ProcessingLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("protocol:stap1", args=[signal.reference]), _stap1("ja"))
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.state == "zwaarte"
    assert sorted(Weging.objects.filter(signal=signal).values_list("type", flat=True)) == ["W1", "W2A", "W2B"]
    actions = set(ProcessingLogEntry.objects.filter(object_id=str(signal.pk)).values_list("action", flat=True))
    assert {"weging_W1", "weging_W2A", "weging_W2B", "overgang_intake_doorzetten"} <= actions
    assert ProcessingLogEntry.objects.count() > logged + 4
    assert len(queries) <= MAX_QUERIES, len(queries)


def test_a_refused_post_shows_what_was_posted(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    client.force_login(make_user("beoordelaar"))
    data = _stap1("ja") | {"w1_reasoning": "Mijn eigen afweging.", "purpose": ""}
    response = client.post(reverse("protocol:stap1", args=[signal.reference]), data)
    assert response.status_code == 200
    assert "Mijn eigen afweging." in response.content.decode()
    signal.refresh_from_db()
    assert signal.state == "ontvangen" and not Weging.objects.filter(signal=signal).exists()


def test_each_service_still_refuses_a_user_who_may_not_read_the_signal(make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    outsider = make_user("uitvoerder")
    with pytest.raises(NotAllowed):
        services.decide(outsider, signal, [weging("W1", "ja")], "intake_doorzetten")
    with pytest.raises(NotAllowed):
        services.record_weging(outsider, signal, weging("W1", "ja"))
    with pytest.raises(NotAllowed):
        services.transition(outsider, signal, "intake_doorzetten")
    assert not Weging.objects.filter(signal=signal).exists()


# The step 1 form (GET) starts from what the signal has: one read of its wegingen for W1, W2A and
# W2B together (protocol.selectors.known_for_wegingen) instead of two per type. Measured on SQLite:
# 30 queries before, 25 after.
# Then 22: the second page of a session within 30 s writes no moment of activity (no session UPDATE).
# Then 20: the wegingen read once for the form's starting values and the timeline
# (protocol.selectors.read_wegingen_once), the reporter's contact asked with the signal.
MAX_FORM_QUERIES = 20


def test_stap_1_form_reads_the_known_wegingen_once(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    client.force_login(make_user("beoordelaar"))
    url = reverse("protocol:stap1", args=[signal.reference])
    client.get(url)  # the first request of a session reads what every later one has cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "Stap 1" in response.content.decode()
    assert len(queries) <= MAX_FORM_QUERIES, len(queries)


def test_stap_1_lines_still_name_every_subject_read_once_under_the_lock(client, make_user):
    """The subjects are read once for the whole step (issue 17, load): each weging line and the
    transition line still name the person and the address, as the signal read does."""
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    signal = new_signal(walker)
    client.force_login(make_user("beoordelaar"))
    assert client.post(reverse("protocol:stap1", args=[signal.reference]), _stap1("ja")).status_code == 302
    lines = ProcessingLogEntry.objects.filter(object_id=str(signal.pk))
    for action in ("signaal_inzien", "weging_W1", "weging_W2A", "weging_W2B", "overgang_intake_doorzetten"):
        named = set(lines.filter(action=action).values_list("subject_type", flat=True))
        assert named == {"bsn", "bag"}, (action, named)
