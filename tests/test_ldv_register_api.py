"""Logboek Dataverwerkingen 1.0.0 (ADR 0025): the versioned register, the read API, the FG page that
follows one trace, the retention of the processing log, and the BIO 12.4.1 security events."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from meldpunt.accounts.roles import Role
from meldpunt.privacy import chain, ldv, log, register, security, trace, triggers
from meldpunt.privacy.models import (
    LogChainHead,
    ProcessingActivity,
    ProcessingLogEntry,
    SecurityEvent,
    SecurityLogEntry,
    SubjectType,
    activity_uri,
)
from test_words_not_codes import codes_in, visible_text

pytestmark = [pytest.mark.ldv, pytest.mark.django_db]

API = "/api/v1/logboek/verwerkingen"
BSN = "111222333"


def write(action="signaal_inzien", activity="signaal_beoordelen", bsn=BSN, **extra):
    log.record(action, activity, [log.DataSubject(SubjectType.BSN, bsn)], **extra)
    return ProcessingLogEntry.objects.order_by("-seq").first()


def security_lines_since(seq):
    return list(SecurityLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def security_seq():
    return LogChainHead.objects.get(chain="beveiliging").last_seq


# -------------------------------------------------------------------------------- the register


def test_a_register_change_is_a_new_version_and_old_lines_keep_pointing_at_the_old_one():
    before = write()
    old = ProcessingActivity.objects.get(code="signaal_beoordelen", version=before.activity_version)
    revised = register.revise("signaal_beoordelen", legal_basis="AVG art. 6 lid 1 sub e; nieuwe verordening 2027")
    assert revised.version == old.version + 1 and revised.valid_from >= old.valid_from
    assert revised.purpose == old.purpose and revised.uri.endswith(f"/signaal_beoordelen/{revised.version}")
    after = write()  # no per-process cache: the new version applies at once
    before.refresh_from_db()
    assert (before.activity_version, before.activity_uri) == (old.version, old.uri)
    assert (after.activity_version, after.activity_uri) == (revised.version, revised.uri)
    old.refresh_from_db()
    assert old.legal_basis != revised.legal_basis  # the old version itself is unchanged
    # Nothing changed: no new version.
    assert register.revise("signaal_beoordelen", legal_basis=revised.legal_basis).pk == revised.pk


def test_a_version_valid_from_later_applies_only_from_then():
    current = log.activity_at("doorzenden")
    later = register.revise("doorzenden", purpose="Nieuw doel.", valid_from=timezone.now() + timedelta(days=30))
    assert log.activity_at("doorzenden").pk == current.pk
    assert log.activity_at("doorzenden", timezone.now() + timedelta(days=31)).pk == later.pk


def test_editing_the_register_in_the_admin_saves_a_new_version(client, make_user):
    admin = make_user(Role.BEHEERDER)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    activity = log.activity_at("exporteren")
    form = {"name": activity.name, "purpose": "Een ander doel.", "legal_basis": activity.legal_basis,
            "data_categories": activity.data_categories}
    response = client.post(f"/beheer/admin/privacy/processingactivity/{activity.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert activity.purpose != "Een ander doel."
    assert ProcessingActivity.objects.filter(code="exporteren", version=activity.version + 1,
                                             purpose="Een ander doel.").exists()


# ------------------------------------------------------------------------------ the read API


@pytest.fixture
def fg(client, make_user):
    user = make_user(Role.FG)
    client.force_login(user)
    return user


def test_the_read_api_answers_by_trace_activity_and_data_subject(client, fg):
    line = write(bsn="123456782")
    other = write(action="doorzenden", activity="doorzenden", bsn="999993653")
    by_trace = client.get(API, {"traceId": line.trace_id})
    assert by_trace.status_code == 200, by_trace.content
    records = by_trace.json()["records"]
    assert line.span_id in {r["operation_id"] for r in records}
    record = next(r for r in records if r["operation_id"] == line.span_id)
    assert record["attributes"]["dpl.core.processing_activity_id"] == activity_uri("signaal_beoordelen",
                                                                                   line.activity_version)
    assert record["attributes"]["dpl.core.data_subject_id_type"] == ldv.subject_type_uri("bsn")
    assert record["parent_operation_id"] == line.parent_span_id and record["status_code"] == "STATUS_CODE_OK"
    assert record["resource"]["attributes"]["service.name"] == "meldpunt-ondermijning"

    by_activity = client.get(API, {"processingActivityId": activity_uri("doorzenden", other.activity_version)})
    assert {r["operation_id"] for r in by_activity.json()["records"]} >= {other.span_id}
    assert all(r["name"] == "doorzenden" for r in by_activity.json()["records"])

    by_subject = client.get(API, {"dataSubjectId": "123456782", "dataSubjectIdType": ldv.subject_type_uri("bsn")})
    found = by_subject.json()["records"]  # the line, then the FG's own reads about this subject
    assert found[0]["operation_id"] == line.span_id and other.span_id not in {r["operation_id"] for r in found}
    assert {r["attributes"]["dpl.core.data_subject_id"] for r in found} == {line.subject_pseudonym}


@pytest.mark.parametrize("params", [
    {},
    {"user_id": "3"},
    {"traceId": "niet-hex"},
    {"traceId": "0" * 32},
    {"processingActivityId": "https://elders.example/activiteit/1"},
    {"dataSubjectId": BSN},
    {"dataSubjectId": BSN, "dataSubjectIdType": "paspoort"},
    {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "processingActivityId": activity_uri("intake", 1)},
])
def test_the_read_api_refuses_other_questions_with_400(client, fg, params):
    start = security_seq()
    response = client.get(API, params)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert security_lines_since(start)[-1].event == SecurityEvent.LOG_READ


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PRIVACYFUNCTIONARIS, Role.REGISSEUR, Role.BEHEERDER])
def test_the_read_api_is_for_the_fg_and_the_auditor_only(client, make_user, role):
    line = write()
    client.force_login(make_user(role))
    response = client.get(API, {"traceId": line.trace_id})
    assert response.status_code == (200 if role == Role.AUDITOR else 403)


def test_a_read_api_question_is_in_the_security_log_and_its_subjects_in_the_processing_log(client, fg):
    line = write(bsn="123456782")
    start = security_seq()
    client.get(API, {"dataSubjectId": "123456782", "dataSubjectIdType": "bsn"})
    event = security_lines_since(start)[-1]
    assert (event.event, event.user_id) == (SecurityEvent.LOG_READ, fg.pk)
    assert "123456782" not in event.detail and "betrokkene" in event.detail
    reading = ProcessingLogEntry.objects.filter(action="logboek_raadplegen", user_id=fg.pk)
    assert reading.filter(subject_pseudonym=line.subject_pseudonym).exists()


# ---------------------------------------------------------------------- the FG follows a trace


def test_the_fg_page_follows_one_trace_across_its_spans_in_words(client, fg):
    context = trace.new_context()
    token = trace._current.set(context)
    try:
        write(action="signaal_inzien", bsn="123456782")
        with trace.span():
            log.record("hit_bevraagd", "bronnenonderzoek", [log.DataSubject(SubjectType.BSN, "123456782"),
                                                           log.DataSubject(SubjectType.KVK, "12345678")],
                       basis="BRP")
        write(action="doorzenden", activity="doorzenden", status=log.LogStatus.ERROR)
    finally:
        trace._current.reset(token)
    elsewhere = write()  # another trace: not on the page
    listing = client.get("/toezicht/verwerkingslog/")
    assert f"/toezicht/verwerkingslog/verwerking/{context.trace_id}/" in listing.content.decode()
    response = client.get(f"/toezicht/verwerkingslog/verwerking/{context.trace_id}/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert codes_in(text) == []
    assert "Signaal inzien" in text and "Hit bevraagd" in text and "Doorzenden" in text
    assert "mislukt" in text and text.count("BSN") >= 2 and "KvK-nummer" in text
    assert text.index("Signaal inzien") < text.index("Hit bevraagd") < text.index("Doorzenden")
    assert f"regel {elsewhere.seq})" not in text
    assert client.get("/toezicht/verwerkingslog/verwerking/niet-een-trace/").status_code == 404
    assert client.get(f"/toezicht/verwerkingslog/verwerking/{'a' * 32}/").status_code == 404


# -------------------------------------------------------------------- retention of the log


@override_settings(MELDPUNT_PROCESSING_LOG_MONTHS=12)
def test_the_processing_log_is_pruned_with_a_checkpoint_and_still_verifies():
    old = [write(started_at=timezone.now() - timedelta(days=500), bsn=f"{i:09d}") for i in range(3)]
    kept = write()
    assert security.prune_processing_log(dry_run=True) >= 3
    removed = security.prune_processing_log()
    assert removed >= 3
    assert not ProcessingLogEntry.objects.filter(pk__in=[line.pk for line in old]).exists()
    head = LogChainHead.objects.get(chain="verwerking")
    assert head.checkpoint_seq <= kept.seq and head.pruned >= 3
    report = chain.verify(ProcessingLogEntry)
    assert report.ok, report.problems
    assert any("bewaartermijn" in note for note in report.notes)


@override_settings(MELDPUNT_PROCESSING_LOG_MONTHS=0)
def test_without_a_retention_term_nothing_is_pruned():
    write(started_at=timezone.now() - timedelta(days=5000))
    assert security.prune_processing_log() == 0


# --------------------------------------------------------------------- BIO 12.4.1 events


def test_a_failed_chain_verification_is_a_security_event():
    line = write()
    start = security_seq()
    with connection.cursor() as cursor:
        table = ProcessingLogEntry._meta.db_table
        if connection.vendor == "sqlite":
            for name in triggers.sqlite_trigger_names(table):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {triggers.TRIGGER}")
        cursor.execute(f"UPDATE {table} SET basis = 'vervalst' WHERE id = %s", [line.pk])
    with pytest.raises(CommandError):
        call_command("log", "verify", "--log", "verwerking")
    event = security_lines_since(start)[-1]
    assert event.event == SecurityEvent.CHAIN_BROKEN and event.result == "mislukt"
    assert "Verwerkingslog" in event.detail


def test_bulk_role_grants_and_bulk_admin_deletes_are_security_events(client, make_user):
    from meldpunt.accounts.models import User
    from meldpunt.insight.models import DataSource

    start = security_seq()
    user = make_user(Role.REGISSEUR, Role.TEAMLID, Role.ANALIST)
    bulk = [line for line in security_lines_since(start) if line.event == SecurityEvent.ROLES_BULK]
    assert len(bulk) == 1 and bulk[0].detail.startswith(f"3 rollen tegelijk voor {user.username}")

    admin = make_user(Role.BEHEERDER)
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=admin.pk))
    sources = [DataSource.objects.create(code=f"ldv-test-{i}", name=f"Testbron {i}", department="Afdeling")
               for i in range(2)]
    start = security_seq()
    response = client.post("/beheer/admin/insight/datasource/", {
        "action": "delete_selected", "_selected_action": [s.pk for s in sources], "post": "yes"})
    assert response.status_code == 302
    assert not DataSource.objects.filter(pk__in=[s.pk for s in sources]).exists()
    events = [line for line in security_lines_since(start) if line.event == SecurityEvent.ADMIN_BULK]
    assert len(events) == 1 and events[0].detail.startswith("2 ") and events[0].user_id == admin.pk
    assert LogEntry.objects.filter(user_id=admin.pk).count() >= 2

