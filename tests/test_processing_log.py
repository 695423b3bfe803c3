"""The processing log (P2) as a tamper-evident hash chain (ADR 0008).

The tamper tests play an attacker with database rights: the append-only trigger is dropped
(SQLite) or disabled (PostgreSQL) inside the test's transaction, then the log table is changed
with raw SQL. ``verify`` must name the line and the kind of change, and ``meldpunt log verify``
must fail with a Dutch message.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from meldpunt.core.keys import pseudonymise
from meldpunt.privacy import chain, log, trace, triggers
from meldpunt.privacy.models import AppendOnlyError, LogChainHead, ProcessingLogEntry, SubjectType

pytestmark = pytest.mark.django_db

TABLE = ProcessingLogEntry._meta.db_table
BSN = "111222333"


def write_lines(n=6):
    """``n`` lines, one data subject each; returns their sequence numbers."""
    for i in range(n):
        log.record("signaal_inzien", "signaal_beoordelen", [log.DataSubject(SubjectType.INTERNAL, f"test:{i}")],
                   basis="test")
    return list(ProcessingLogEntry.objects.order_by("-seq").values_list("seq", flat=True)[:n])[::-1]


def as_attacker(sql, params=()):
    """Raw SQL with the append-only trigger out of the way (undone when the test rolls back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in triggers.sqlite_trigger_names(TABLE):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {triggers.TRIGGER}")
        cursor.execute(sql, params)


def problems():
    report = chain.verify(ProcessingLogEntry)
    return [(p.kind, p.seq) for p in report.problems]


# ----------------------------------------------------------------------------- the chain itself


def test_lines_are_numbered_chained_and_verify():
    seqs = write_lines(4)
    assert seqs == list(range(seqs[0], seqs[0] + 4))
    lines = list(ProcessingLogEntry.objects.filter(seq__in=seqs).order_by("seq"))
    for before, after in zip(lines, lines[1:], strict=False):
        assert after.prev_hash == before.hash
    head = LogChainHead.objects.get(chain="verwerking")
    assert (head.last_seq, head.last_hash) == (seqs[-1], lines[-1].hash)
    report = chain.verify(ProcessingLogEntry)
    assert report.ok, report.problems
    assert report.checked == ProcessingLogEntry.objects.count()


def test_a_large_batch_takes_the_bulk_path_and_still_verifies():
    """From chain.COPY_FROM lines on, PostgreSQL inserts with COPY: the stored values must hash the same."""
    start = LogChainHead.objects.get(chain="verwerking").last_seq
    written = log.record("vernietigen", "vernietigen",
                         [log.DataSubject(SubjectType.BSN, f"{i:09d}") for i in range(chain.COPY_FROM + 7)],
                         basis="test in bulk")
    assert written == chain.COPY_FROM + 7
    lines = ProcessingLogEntry.objects.filter(seq__gt=start).order_by("seq")
    assert [line.seq for line in lines] == list(range(start + 1, start + written + 1))
    assert lines.first().basis == "test in bulk" and lines.first().started_at is not None
    report = chain.verify(ProcessingLogEntry)
    assert report.ok, report.problems


def test_one_line_per_distinct_subject_with_pseudonym_and_data_categories():
    subjects = [log.DataSubject(SubjectType.BSN, BSN), log.DataSubject(SubjectType.BSN, BSN),
                log.DataSubject(SubjectType.KVK, "12345678")]
    assert log.record("doorzenden", "doorzenden", subjects) == 2
    line = ProcessingLogEntry.objects.get(subject_type=SubjectType.BSN, action="doorzenden")
    assert line.subject_pseudonym == pseudonymise(SubjectType.BSN, BSN) and BSN not in line.subject_pseudonym
    # "Which data" defaults to the register's categories of the activity (NEN 7513).
    assert "doorgezonden" in line.data_categories
    log.record("doorzenden", "doorzenden", subjects[:1], data="alleen het adres")
    assert ProcessingLogEntry.objects.order_by("-seq").first().data_categories == "alleen het adres"


def test_incoming_traceparent_is_kept_as_foreign_operation():
    context = trace.new_context("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    assert (context.foreign_trace_id, context.foreign_span_id) == ("4bf92f3577b34da6a3ce929d0e0e4736",
                                                                   "00f067aa0ba902b7")
    assert context.trace_id != context.foreign_trace_id and len(context.trace_id) == 32
    token = trace._current.set(context)
    try:
        write_lines(1)
    finally:
        trace._current.reset(token)
    line = ProcessingLogEntry.objects.order_by("-seq").first()
    assert (line.trace_id, line.foreign_trace_id, line.foreign_span_id) == (
        context.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
    assert chain.verify(ProcessingLogEntry).ok


def test_traceparent_goes_back_on_the_api(client):
    incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    response = client.get("/api/v1/signalen", HTTP_TRACEPARENT=incoming)
    returned = response["traceparent"].split("-")
    assert len(returned) == 4 and len(returned[1]) == 32 and returned[1] != "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_rolled_back_write_leaves_no_gap():
    before = write_lines(1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        write_lines(2)
        raise RuntimeError("de aanroeper breekt af")
    after = write_lines(1)[0]
    assert after == before + 1
    assert chain.verify(ProcessingLogEntry).ok


# ---------------------------------------------------------------------------------- append-only


def test_the_model_and_manager_refuse_change_and_removal():
    seq = write_lines(1)[0]
    line = ProcessingLogEntry.objects.get(seq=seq)
    line.action = "anders"
    with pytest.raises(AppendOnlyError):
        line.save()
    with pytest.raises(AppendOnlyError):
        line.delete()
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.filter(seq=seq).update(action="anders")
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.filter(seq=seq).delete()
    with pytest.raises(AppendOnlyError, match="hashketen"):
        ProcessingLogEntry(action="buiten de keten om").save()


@pytest.mark.parametrize("statement", [f"UPDATE {TABLE} SET action = 'anders' WHERE seq = %s",
                                       f"DELETE FROM {TABLE} WHERE seq = %s"])
def test_the_database_refuses_change_and_removal(statement):
    seq = write_lines(1)[0]
    with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [seq])
    assert ProcessingLogEntry.objects.filter(seq=seq, action="signaal_inzien").exists()


def test_the_database_guard_steps_aside_only_when_the_app_lifts_it():
    first, second = write_lines(2)
    with transaction.atomic(), chain.allow_deletes(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [second])
    assert not ProcessingLogEntry.objects.filter(seq=second).exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [first])
    assert ProcessingLogEntry.objects.filter(seq=first).exists()


# ------------------------------------------------------------------------------------ tampering


def test_tamper_change_is_found_at_its_line():
    seqs = write_lines()
    as_attacker(f"UPDATE {TABLE} SET user_id = 999 WHERE seq = %s", [seqs[2]])
    assert problems() == [("gewijzigd", seqs[2])]


def test_tamper_change_with_a_new_unkeyed_hash_is_found_once():
    seqs = write_lines()
    as_attacker(f"UPDATE {TABLE} SET action = 'niets gezien', hash = %s WHERE seq = %s", ["ab" * 32, seqs[2]])
    assert problems() == [("gewijzigd", seqs[2])]


def test_tamper_removal_in_the_middle():
    seqs = write_lines()
    as_attacker(f"DELETE FROM {TABLE} WHERE seq IN (%s, %s)", [seqs[2], seqs[3]])
    assert problems() == [("verwijderd", seqs[2])]
    message = chain.verify(ProcessingLogEntry).problems[0].message
    assert f"Regels {seqs[2]} t/m {seqs[3]} ontbreekt" in message


def test_tamper_removal_at_the_end_is_found_through_the_head():
    seqs = write_lines()
    as_attacker(f"DELETE FROM {TABLE} WHERE seq = %s", [seqs[-1]])
    assert problems() == [("verwijderd", seqs[-1])]
    assert "aan het eind" in chain.verify(ProcessingLogEntry).problems[0].message


def test_tamper_insertion_of_a_forged_line():
    seqs = write_lines()
    original = ProcessingLogEntry.objects.get(seq=seqs[2])
    as_attacker(
        f"INSERT INTO {TABLE} (seq, prev_hash, hash, trace_id, span_id, parent_span_id, foreign_trace_id, "
        "foreign_span_id, action, started_at, ended_at, status, activity_code, activity_version, subject_type, "
        "subject_pseudonym, data_categories, user_id, role, object_type, object_id, basis) "
        "VALUES (%s, %s, %s, %s, %s, '', '', '', 'vervalst', %s, %s, 'ok', 'intake', 1, 'bsn', %s, '', NULL, '', '', "
        "'', '')",
        [seqs[2], original.prev_hash, "cd" * 32, original.trace_id, original.span_id, original.started_at,
         original.ended_at, "ef" * 32])
    assert problems() == [("ingevoegd", seqs[2])]


def test_tamper_insertion_after_the_last_line():
    seqs = write_lines()
    last = ProcessingLogEntry.objects.get(seq=seqs[-1])
    as_attacker(
        f"INSERT INTO {TABLE} (seq, prev_hash, hash, trace_id, span_id, parent_span_id, foreign_trace_id, "
        "foreign_span_id, action, started_at, ended_at, status, activity_code, activity_version, subject_type, "
        "subject_pseudonym, data_categories, user_id, role, object_type, object_id, basis) "
        "VALUES (%s, %s, %s, 'a', 'b', '', '', '', 'vervalst', %s, %s, 'ok', 'intake', 1, 'bsn', 'x', '', NULL, '', "
        "'', '', '')",
        [seqs[-1] + 1, last.hash, "cd" * 32, last.started_at, last.ended_at])
    assert problems() == [("ingevoegd", seqs[-1] + 1)]


def test_tamper_reorder_of_stored_lines():
    seqs = write_lines()
    a, b = (ProcessingLogEntry.objects.get(seq=s).pk for s in seqs[2:4])
    as_attacker(f"UPDATE {TABLE} SET id = -1 WHERE id = %s", [a])
    as_attacker(f"UPDATE {TABLE} SET id = %s WHERE id = %s", [a, b])
    as_attacker(f"UPDATE {TABLE} SET id = %s WHERE id = -1", [b])
    assert problems() == [("verplaatst", seqs[2])]


def test_tamper_reorder_by_swapping_numbers():
    seqs = write_lines()
    a, b = (ProcessingLogEntry.objects.get(seq=s).pk for s in seqs[2:4])
    as_attacker(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [seqs[3], a])
    as_attacker(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [seqs[2], b])
    report = chain.verify(ProcessingLogEntry)
    assert [(p.kind, p.seq) for p in report.problems] == [("verplaatst", seqs[2]), ("verplaatst", seqs[3])]
    assert report.problems[0].message == f"Regel {seqs[3]} staat op plaats {seqs[2]}: verplaatst."


def test_a_head_moved_back_to_hide_removal_is_found():
    seqs = write_lines()
    previous = ProcessingLogEntry.objects.get(seq=seqs[-2])
    as_attacker(f"DELETE FROM {TABLE} WHERE seq = %s", [seqs[-1]])
    LogChainHead.objects.filter(chain="verwerking").update(last_seq=seqs[-2], last_hash=previous.hash)
    assert ("kop", None) in problems()


# ------------------------------------------------------------------------------- the command


def test_log_verify_command_reports_in_dutch(capsys):
    seqs = write_lines()
    call_command("log", "verify")
    assert "Verwerkingslog: in orde" in capsys.readouterr().out
    as_attacker(f"UPDATE {TABLE} SET basis = 'weggepoetst' WHERE seq = %s", [seqs[1]])
    with pytest.raises(CommandError) as failure:
        call_command("log", "verify", "--log", "verwerking")
    assert failure.value.returncode == 1
    assert "Verwerkingslog klopt niet" in str(failure.value)
    assert f"[gewijzigd] Regel {seqs[1]} is gewijzigd" in capsys.readouterr().err


# ------------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks between connections: PostgreSQL")
def test_concurrent_writers_are_serialised_without_gaps_or_duplicates():
    """Four threads, each with its own connection, write at once: the head lock keeps the chain whole."""
    import threading

    from django.db import connections

    errors = []
    start = LogChainHead.objects.get(chain="verwerking").last_seq

    def writer(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    log.record("signaal_inzien", "signaal_beoordelen",
                               [log.DataSubject(SubjectType.INTERNAL, f"thread:{n}:{i}:{j}") for j in range(3)])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(ProcessingLogEntry.objects.filter(seq__gt=start).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(start + 1, start + 121))
    assert chain.verify(ProcessingLogEntry).ok
