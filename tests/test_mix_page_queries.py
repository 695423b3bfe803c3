"""The pages of bench/load.py's mix that had no query count of their own (issue 17, load): the
werkvoorraad, the intake form, the casus page. Each is asked twice in one session (the first
request reads what every later one has cached) and the second is counted, on SQLite; the page must
still show what it shows. The signal page and step 1 are counted in tests/test_policy_read_memo.py
and tests/test_weging_queries.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import new_signal, open_casus

pytestmark = pytest.mark.django_db

# Measured after issue 17's changes (the filter's wijken and fenomenen, the form's buurten read as
# three columns, not every CBS figure): session, user, roles, counts per step, fenomenen, wijken, the
# page of signals, the meldingen badge.
MAX_QUEUE = 8
# Session, user, roles, fenomenen, buurten, the meldingen badge.
MAX_INTAKE_FORM = 6
# The casus, its signals and subjects, the read's log line, history, agenda, releases,
# interventions, wegingen, team, the team form's choices, the badge (unchanged by issue 17: pinned).
MAX_CASUS = 23


def _second(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_werkvoorraad(client, make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    new_signal(walker)
    client.force_login(make_user("beoordelaar"))
    page, queries = _second(client, reverse("web:werkvoorraad"))
    assert "Werkvoorraad" in page and "/stap-1/" in page
    assert 'name="wijk"' in page and "alle wijken" in page
    assert queries <= MAX_QUEUE, queries


def test_intake_form(client, make_user):
    client.force_login(make_user("beoordelaar"))
    page, queries = _second(client, reverse("intake:signaal_nieuw"))
    assert 'name="buurt"' in page and "— geen buurt gekozen —" in page
    assert 'type="radio" name="phenomenon"' in page
    assert queries <= MAX_INTAKE_FORM, queries


def test_casus_page(client, make_user):
    regie = make_user("regisseur", "teamlid", "beoordelaar")
    casus = open_casus(regie)
    client.force_login(regie)
    page, queries = _second(client, reverse("cases:casus", args=[casus.reference]))
    assert casus.reference in page
    assert queries <= MAX_CASUS, queries
