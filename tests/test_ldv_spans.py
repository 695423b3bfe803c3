"""Logboek Dataverwerkingen 1.0.0 (ADR 0025): spans and their parents, W3C Trace Context in and out,
span status, and a failed write that leaves a failure line."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from factories import brp_request, pc1, signal_in_research
from meldpunt.privacy import chain, ldv, log, trace
from meldpunt.privacy.models import LogStatus, ProcessingLogEntry, SubjectType
from meldpunt.protocol.research import services as research
from meldpunt.registries import models as m
from stubs.haalcentraal import HaalCentraalStub, from_registry

pytestmark = [pytest.mark.ldv, pytest.mark.django_db]

INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def people(make_user):
    from meldpunt.accounts.roles import Role

    return {"walker": make_user(*[r.value for r in Role]), "regisseur": make_user("regisseur"),
            "pf": make_user("privacyfunctionaris")}


@pytest.fixture
def demo():
    persoon = m.Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()
    onderneming = m.Onderneming.objects.order_by("pk").first()
    return {"bsn": persoon.bsn, "kvk": onderneming.kvk_nummer, "unknown_bsn": "999999990", "persoon": persoon}


def in_request(work, traceparent=None):
    """Run ``work`` as a view behind the trace middleware; returns (response, result)."""
    result = {}

    def view(request):
        result["value"] = work()
        return HttpResponse("ok")

    headers = {"HTTP_TRACEPARENT": traceparent} if traceparent else {}
    response = trace.TraceMiddleware(view)(RequestFactory().get("/", **headers))
    return response, result.get("value")


def lines_after(seq):
    return list(ProcessingLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq():
    return ProcessingLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# ------------------------------------------------------------------------------------- spans


def test_an_action_has_a_span_and_each_data_subject_a_child_span_with_real_times():
    start = last_seq()
    subjects = [log.DataSubject(SubjectType.BSN, "111222333"), log.DataSubject(SubjectType.KVK, "12345678")]

    def work():
        log.record("signaal_inzien", "signaal_beoordelen", subjects[:1], basis="eerste handeling")
        with trace.span():
            log.record("doorzenden", "doorzenden", subjects, started_at=timezone.now() - timedelta(seconds=2))
        return trace.current()

    response, _ = in_request(work)
    first, *second = lines_after(start)
    request_span = response["traceparent"].split("-")[2]
    assert len(second) == 2
    # One trace; every action hangs under the request's span; every subject has a span of its own.
    assert {line.trace_id for line in [first, *second]} == {response["traceparent"].split("-")[1]}
    assert first.action_parent_span_id == request_span and second[0].action_parent_span_id == request_span
    assert first.parent_span_id != second[0].parent_span_id
    assert second[0].parent_span_id == second[1].parent_span_id
    spans = {line.span_id for line in [first, *second]}
    assert len(spans) == 3 and not spans & {first.parent_span_id, second[0].parent_span_id, request_span}
    # Real start and end times, not one moment.
    assert second[0].ended_at - second[0].started_at >= timedelta(seconds=2)
    assert (first.resource_name, first.format_version) == ("meldpunt-ondermijning", log.FORMAT_VERSION)
    assert first.resource_version
    assert chain.verify(ProcessingLogEntry).ok


def test_a_registry_question_for_several_subjects_sends_traceparent_with_the_span_of_each_question(
        people, demo):
    personen = [demo["persoon"]]
    with HaalCentraalStub(from_registry(personen, [], [])) as stub, override_settings(MELDPUNT_REGISTRIES={
            "BRP": {"implementation": "http", "url": stub.url("BRP")}}, MELDPUNT_HC_RETRIES=0):
        signal = signal_in_research(people, demo)
        item = brp_request(people, demo, signal)
        start = last_seq()
        response, _ = in_request(lambda: research.decide_pc1(people["pf"], item, pc1()))
        assert stub.errors == []
        received = stub.requests_to("BRP")
    lines = [line for line in lines_after(start) if line.action == "hit_bevraagd"]
    assert len(received) == 2 and len(lines) == 2  # two data subjects, two questions, two lines
    trace_id = response["traceparent"].split("-")[1]
    for question, line in zip(received, lines, strict=True):
        version, sent_trace, parent, flags = question.headers["traceparent"].split("-")
        assert (version, sent_trace, flags) == ("00", trace_id, "01")
        # The registry's parent is the span of this question, and the subject's line is its child.
        assert parent == line.parent_span_id and line.span_id != parent
        assert line.action_parent_span_id == response["traceparent"].split("-")[2]
    assert received[0].headers["traceparent"] != received[1].headers["traceparent"]


def test_a_refused_registry_question_is_unset_and_an_unreachable_registry_is_an_error(people, demo):
    with HaalCentraalStub(from_registry([demo["persoon"]], [], [])) as stub, override_settings(MELDPUNT_REGISTRIES={
            "BRP": {"implementation": "http", "url": stub.url("BRP")}}, MELDPUNT_HC_RETRIES=0):
        signal = signal_in_research(people, demo)
        item = brp_request(people, demo, signal)
        stub.fail_next(1, 403)
        stub.fail_next(1, 503)
        start = last_seq()
        research.decide_pc1(people["pf"], item, pc1())
    statuses = sorted(line.status for line in lines_after(start) if line.action == "hit_bevraagd")
    assert statuses == [LogStatus.ERROR, LogStatus.UNSET]


# ------------------------------------------------------------------------------ trace context in


def test_an_unknown_callers_trace_is_only_noted_as_the_foreign_operation():
    start = last_seq()
    response, _ = in_request(lambda: log.record("signaal_inzien", "signaal_beoordelen",
                                                [log.DataSubject(SubjectType.BSN, "111222333")]), INCOMING)
    line = lines_after(start)[0]
    assert line.trace_id != "4bf92f3577b34da6a3ce929d0e0e4736"
    assert (line.foreign_trace_id, line.foreign_span_id, line.foreign_processor) == (
        "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "")


def test_a_partner_calls_trace_is_continued_and_named_as_foreign_operation(client):
    from test_intake_api import good_body

    out = io.StringIO()
    call_command("partner_token", "Woningcorporatie Spoor", stdout=out, stderr=io.StringIO())
    start = last_seq()
    response = client.post("/api/v1/partner/signalen", data=json.dumps(good_body()), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}", HTTP_TRACEPARENT=INCOMING)
    assert response.status_code == 201, response.content
    lines = lines_after(start)
    assert lines
    version, trace_id, our_span, _flags = response["traceparent"].split("-")
    assert trace_id == "4bf92f3577b34da6a3ce929d0e0e4736" and our_span != "00f067aa0ba902b7"
    for line in lines:
        assert line.trace_id == trace_id and line.action_parent_span_id == our_span
        assert line.foreign_processor == "partner:Woningcorporatie Spoor"
        foreign = ldv.record(line)["foreign_operation"]
        assert foreign["trace_id"] == trace_id and foreign["operation_id"] == "00f067aa0ba902b7"
        assert foreign["entity"].endswith("/partijen/partner/woningcorporatie-spoor")


@pytest.mark.parametrize(("header", "accepted"), [
    (INCOMING, True),
    # A later version may add fields after a dash: a level-1 reader takes the first four (W3C §3.2.4).
    ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-meer", True),
    ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", True),
    ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-meer", False),  # version 00 has exactly four
    ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", False),
    ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", False),
    ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", False),
    ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", False),
    ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01meer", False),
])
def test_traceparent_versions_follow_the_w3c_rules(header, accepted):
    assert (trace.parse_traceparent(header) is not None) is accepted


# ------------------------------------------------------------------------------------ failures


def test_a_failed_write_leaves_a_failure_line_in_a_transaction_of_its_own():
    start = last_seq()

    def failing_service():
        with transaction.atomic():
            log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, "111222333")],
                       basis="doorgezonden naar de politie")
            raise RuntimeError("de database weigert")

    with pytest.raises(RuntimeError):
        in_request(failing_service)
    lines = lines_after(start)
    assert len(lines) == 1
    failure = lines[0]
    assert failure.status == LogStatus.ERROR and failure.action == "doorzenden"
    assert failure.basis.startswith("mislukt, teruggedraaid") and "politie" in failure.basis
    assert chain.verify(ProcessingLogEntry).ok


def test_a_500_answer_counts_as_a_failure_and_a_refused_input_leaves_no_line():
    from meldpunt.core.errors import MeldpuntError

    def write_then(outcome):
        def view(request):
            try:
                with transaction.atomic():
                    log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, "111222333")])
                    raise MeldpuntError("Kies een bestemming.")
            except MeldpuntError:
                return HttpResponse("opnieuw", status=outcome)
        return trace.TraceMiddleware(view)(RequestFactory().post("/"))

    start = last_seq()
    write_then(200)  # bad input shown again: nothing changed, nothing logged (P8)
    assert lines_after(start) == []
    write_then(500)
    assert [line.status for line in lines_after(start)] == [LogStatus.ERROR]


def test_a_successful_write_is_not_logged_twice():
    start = last_seq()
    in_request(lambda: log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, "111222333")]))
    assert [line.status for line in lines_after(start)] == [LogStatus.OK]
