"""Logboek Dataverwerkingen read API (ADR 0025): an answer of more than 1,000 records comes in pages,
each with a link to the next (NL API Design Rules: HAL-style ``_links``), and a bad cursor is a 400."""

import pytest

from meldpunt.accounts.roles import Role
from meldpunt.privacy import log, trace
from meldpunt.privacy.models import ProcessingLogEntry, SubjectType

pytestmark = [pytest.mark.ldv, pytest.mark.django_db]

API = "/api/v1/logboek/verwerkingen"


@pytest.fixture
def fg(client, make_user):
    user = make_user(Role.FG)
    client.force_login(user)
    return user


def test_the_read_api_pages_beyond_1000_records_with_next_links(client, fg):
    with trace.job_span("een grote verwerking"):
        log.record("signaal_inzien", "signaal_beoordelen",
                   [log.DataSubject(SubjectType.BSN, f"{number:09d}") for number in range(1, 1206)])
    trace_id = ProcessingLogEntry.objects.order_by("-seq").first().trace_id

    first = client.get(API, {"traceId": trace_id})
    assert first.status_code == 200, first.content
    body = first.json()
    assert len(body["records"]) == 1000 and body["complete"] is False
    assert body["_links"]["self"]["href"] == body["_links"]["first"]["href"]
    assert body["_links"]["first"]["href"].endswith(f"{API}?traceId={trace_id}")

    second = client.get(body["_links"]["next"]["href"])
    assert second.status_code == 200, second.content
    rest = second.json()
    assert len(rest["records"]) == 205 and rest["complete"] is True and "next" not in rest["_links"]
    assert rest["_links"]["first"]["href"] == body["_links"]["first"]["href"]
    # Every line once, in order, across the two pages.
    spans = [r["operation_id"] for r in body["records"] + rest["records"]]
    expected = list(ProcessingLogEntry.objects.filter(trace_id=trace_id).order_by("started_at", "seq")
                    .values_list("span_id", flat=True))
    assert spans == expected and len(set(spans)) == 1205


@pytest.mark.parametrize("cursor", ["kapot", "MjAyNi0xMi0wN3wx", "", "MjAyNi0xMi0wN1QxMDowMDowMCswMDowMHxh"])
def test_a_cursor_that_is_not_ours_is_refused_with_400(client, fg, cursor):
    response = client.get(API, {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "cursor": cursor})
    if cursor == "":
        assert response.status_code == 200  # an empty cursor is the first page
        return
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert "cursor is niet geldig" in response.json()["detail"]


def test_a_cursor_alone_is_no_question(client, fg):
    response = client.get(API, {"cursor": "MjAyNi0xMi0wN1QxMDowMDowMCswMDowMHwx"})
    assert response.status_code == 400
