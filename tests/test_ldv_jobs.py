"""Logboek Dataverwerkingen (ADR 0025) for commands and background jobs: a span per job, and a job
that fails mid-write leaves a failure line in a transaction of its own, as a request does."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from meldpunt.intake import rules
from meldpunt.intake import tasks as intake_tasks
from meldpunt.intake.models import Channel, Signal
from meldpunt.jobs.models import JobRun
from meldpunt.privacy import chain, log, trace
from meldpunt.privacy.models import LogStatus, ProcessingLogEntry, SubjectType

pytestmark = [pytest.mark.ldv, pytest.mark.django_db]

PRODUCER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def last_seq():
    return ProcessingLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def lines_after(seq):
    return list(ProcessingLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def test_a_command_that_fails_mid_write_leaves_a_failure_line_and_the_chain_verifies(generated_s, monkeypatch):
    reference = date.fromisoformat(generated_s.ground_truth["meta"]["reference_date"])
    real_record, made = log.record, []

    def record_then_fail_on_the_second_signal(action, *args, **kwargs):
        written = real_record(action, *args, **kwargs)
        if action == "datasignaal_maken":
            made.append(action)
            if len(made) == 2:  # the disk fills up just before the second signal commits
                raise DatabaseError("schijf vol")
        return written

    monkeypatch.setattr(rules.log, "record", record_then_fail_on_the_second_signal)
    start, signals = last_seq(), Signal.objects.filter(channel=Channel.DATA_ANALYSE).count()
    with pytest.raises(DatabaseError):
        call_command("datasignalen", "run", "--regel", "abc_doorverkoop", "--peildatum", reference.isoformat(),
                     stdout=StringIO())

    # The first signal was made and logged; the second rolled back, and its attempt is on record.
    assert Signal.objects.filter(channel=Channel.DATA_ANALYSE).count() == signals + 1
    lines = [line for line in lines_after(start) if line.action == "datasignaal_maken"]
    statuses = {line.parent_span_id: line.status for line in lines}
    assert sorted(statuses.values()) == [LogStatus.ERROR, LogStatus.OK]
    failed = [line for line in lines if line.status == LogStatus.ERROR]
    assert all(line.basis.startswith("mislukt, teruggedraaid (de taak 'meldpunt datasignalen' is afgebroken")
               for line in failed)
    assert all("dataregel abc_doorverkoop" in line.basis for line in failed)
    # One job, one trace: every action's span hangs under the command's span.
    assert len({line.trace_id for line in lines}) == 1
    assert len({line.action_parent_span_id for line in lines}) == 1
    assert chain.verify(ProcessingLogEntry).ok


def test_a_task_continues_its_producers_trace_and_records_its_failure():
    """How a Celery task uses it: ``with trace.job_span(name, traceparent=...)`` around its body."""
    start, spans = last_seq(), []

    def task(traceparent):
        with trace.job_span("herinneringen versturen", traceparent=traceparent):
            spans.append(trace.current())
            log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, "111222333")])
            with transaction.atomic():
                log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, "444555666")],
                           basis="naar de politie")
                raise DatabaseError("verbinding verbroken")

    with pytest.raises(DatabaseError):
        task(PRODUCER)
    kept, failed = lines_after(start)
    assert (kept.status, failed.status) == (LogStatus.OK, LogStatus.ERROR)
    assert failed.basis == ("mislukt, teruggedraaid (de taak 'herinneringen versturen' is afgebroken door een "
                            "fout); naar de politie")
    # The producer's trace, continued: the task's span is a child of the producer's span.
    assert {kept.trace_id, failed.trace_id} == {"0af7651916cd43dd8448eb211c80319c"}
    assert spans[0].parent_span_id == "b7ad6b7169203331"
    assert kept.action_parent_span_id == failed.action_parent_span_id == spans[0].span_id
    assert trace.current().trace_id != "0af7651916cd43dd8448eb211c80319c"  # reset after the job
    assert chain.verify(ProcessingLogEntry).ok


def test_a_job_run_inside_a_request_is_a_child_span_of_the_request():
    start, seen = last_seq(), {}

    def view(request):
        seen["request"] = trace.current()
        with trace.job_span("in het proces"):
            seen["job"] = trace.current()
            log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, "111222333")])
        return HttpResponse("ok")

    trace.TraceMiddleware(view)(RequestFactory().get("/"))
    (line,) = lines_after(start)
    assert seen["job"].trace_id == seen["request"].trace_id == line.trace_id
    assert seen["job"].parent_span_id == seen["request"].span_id
    assert line.action_parent_span_id == seen["job"].span_id


def test_a_step_that_fails_and_that_the_job_goes_on_from_leaves_a_failure_line():
    start = last_seq()

    @trace.job_span("herinneringen versturen")
    def job():
        for bsn in ("111222333", "444555666"):
            try:
                with transaction.atomic():
                    log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, bsn)])
                    if bsn == "111222333":
                        raise DatabaseError("verbinding verbroken")
            except DatabaseError:
                continue  # the job goes on with the next one
        return "klaar"

    assert job() == "klaar"
    kept, failed = lines_after(start)  # the failure is written when the job ends
    assert (kept.status, failed.status) == (LogStatus.OK, LogStatus.ERROR)
    assert failed.basis.startswith("mislukt, teruggedraaid (een stap van de taak 'herinneringen versturen' "
                                   "is mislukt)")
    assert chain.verify(ProcessingLogEntry).ok


def test_a_background_job_that_fails_mid_write_leaves_a_failure_line(generated_s, monkeypatch):
    """The same holds for the Celery job (meldpunt.jobs.base.Job runs every task in a job_span)."""
    reference = date.fromisoformat(generated_s.ground_truth["meta"]["reference_date"])
    real_record = log.record

    def record_then_fail(action, *args, **kwargs):
        written = real_record(action, *args, **kwargs)
        if action == "datasignaal_maken":
            raise DatabaseError("schijf vol")
        return written

    monkeypatch.setattr(rules.log, "record", record_then_fail)
    start = last_seq()
    run = intake_tasks.datasignalen.start(peildatum=reference.isoformat())  # in-process: failed, not raised
    failed = [line for line in lines_after(start) if line.status == LogStatus.ERROR]
    assert failed and all(line.basis.startswith("mislukt") for line in failed)
    assert all("Signalen uit registraties (dataregels)" in line.basis for line in failed)
    assert JobRun.objects.get(pk=run.pk).state == "mislukt"
    assert chain.verify(ProcessingLogEntry).ok
