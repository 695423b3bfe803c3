"""Destruction lists (P4): composed by the archivaris from metadata, reviewed by a second person,
a bedenktijd, then executed — every copy goes, a tombstone and a verklaring remain."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from factories import open_inzage_request
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.intake import services as intake
from meldpunt.intake.models import Attachment, MentionedSubject, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention import destroy_hooks, destruction, jobs, selectors, services
from meldpunt.privacy.retention.models import (
    DestructionListItem,
    DestructionStatement,
    ItemStatus,
    ListStatus,
    Tombstone,
)
from meldpunt.protocol.models import Forward, StateChange, Weging
from test_retention_support import (
    age,
    close_casus,
    doorgezet_riec,
    due_signal,
    geen_actie,
    new_signal,
    niet_in_behandeling,
    pass_cooling_off,
    to_casus,
)

pytestmark = pytest.mark.django_db
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def people(make_user):
    return {"staff": make_user("beoordelaar", "regisseur", "teamlid"), "archivaris": make_user("archivaris"),
            "tweede": make_user("archivaris"), "fg": make_user("fg")}


def approved_list(people, name="Lijst"):
    destruction_list = services.compose(people["archivaris"], name)
    services.review(people["tweede"], destruction_list, True)
    return destruction_list


def test_the_archivaris_composes_from_due_records_only(people):
    staff = people["staff"]
    due = due_signal(staff)
    not_yet = niet_in_behandeling(staff, new_signal(staff))
    held = due_signal(staff)
    services.place_hold(people["archivaris"], "signaal", held.reference, "Bezwaar van betrokkene loopt.")
    with pytest.raises(services.NotAllowed):
        services.compose(staff, "Lijst")
    with pytest.raises(services.NotAllowed):
        services.compose(people["fg"], "Lijst")
    destruction_list = services.compose(people["archivaris"], "Lijst januari")
    items = {i.reference: i for i in destruction_list.items.all()}
    assert set(items) == {due.reference}
    assert items[due.reference].result_class_code == "signaal-niet-in-behandeling"
    assert destruction_list.status == ListStatus.TER_BEOORDELING
    assert not_yet.reference not in items and held.reference not in items
    with pytest.raises(services.RetentionError, match="geen dossiers"):
        services.compose(people["archivaris"], "Nog een lijst")  # a record is on one open list at a time


def test_four_eyes_per_person_and_a_reason_to_reject(people):
    due_signal(people["staff"])
    destruction_list = services.compose(people["archivaris"], "Lijst")
    with pytest.raises(services.NotAllowed, match="zelf opgesteld"):
        services.review(people["archivaris"], destruction_list, True)
    with pytest.raises(services.NotAllowed):
        services.review(people["fg"], destruction_list, True)
    with pytest.raises(services.RetentionError, match="reden"):
        services.review(people["tweede"], destruction_list, False, "")
    rejected = services.review(people["tweede"], destruction_list, False, "Casus 12 loopt nog bij de rechter.")
    assert rejected.status == ListStatus.AFGEWEZEN and rejected.reviewed_by == people["tweede"]
    again = services.compose(people["archivaris"], "Tweede poging")  # rejected lists free their records
    assert again.items.count() == 1


@override_settings(MELDPUNT_DESTRUCTION_COOLING_OFF_DAYS=3, MELDPUNT_DESTRUCTION_REVIEWER_ROLES=["archivaris", "fg"])
def test_approval_starts_the_configured_cooling_off_and_reviewer_roles_are_configurable(people):
    due_signal(people["staff"])
    destruction_list = services.compose(people["archivaris"], "Lijst")
    approved = services.review(people["fg"], destruction_list, True, "Akkoord.")
    assert approved.status == ListStatus.BEDENKTIJD
    assert abs(approved.cooling_off_until - (approved.reviewed_at + timedelta(days=3))) < timedelta(seconds=1)


def test_nothing_is_destroyed_during_the_cooling_off_and_a_list_can_be_cancelled(people):
    signal = due_signal(people["staff"])
    destruction_list = approved_list(people)
    with pytest.raises(destruction.DestructionError, match="bedenktijd"):
        services.execute(people["archivaris"], destruction_list)
    assert "zou worden uitgevoerd" not in str(jobs.run(dry_run=True))
    services.cancel(people["archivaris"], destruction_list, "Toch nog nodig voor een evaluatie.")
    pass_cooling_off(destruction_list)
    with pytest.raises(destruction.DestructionError):
        services.execute(people["archivaris"], destruction_list)
    assert Signal.objects.filter(pk=signal.pk).exists()


def test_execution_removes_every_row_and_file_and_leaves_tombstone_and_statement(people, settings):
    staff = people["staff"]
    signal = new_signal(staff, reporter_kind="burger", channel="telefoon", contact_name="Melder Klaassen",
                        subjects=[intake.SubjectInput(kind="persoon", name="Pietersen", bsn="999993653"),
                                  intake.SubjectInput(kind="onderneming", name="Pietersen BV", kvk_nummer="12345678")],
                        uploads=[intake.UploadInput("foto.png", PNG)])
    file_name = Attachment.objects.get(signal=signal).file.name
    assert default_storage.exists(file_name)
    signal = age(doorgezet_riec(staff, signal, items=("fenomeen", "betrokkenen")), 365 * 5 + 10)
    sealed = age(geen_actie(staff, new_signal(staff)), 400)
    hooked = []
    hook = destroy_hooks.register(lambda destroyed: hooked.append(destroyed))
    try:
        destruction_list = pass_cooling_off(approved_list(people))
        with pytest.raises(services.NotAllowed):
            services.execute(people["staff"], destruction_list)
        with pytest.raises(services.NotAllowed):
            services.execute(people["fg"], destruction_list)
        with django_on_commit():
            outcome = services.execute(people["archivaris"], destruction_list)
    finally:
        destroy_hooks.unregister(hook)
    ids = {signal.pk, sealed.pk}
    assert outcome.destroyed["signaal"] == 2
    assert not Signal.objects.filter(pk__in=ids).exists()
    for model in (MentionedSubject, Attachment, Weging, StateChange, Forward):
        assert not model.objects.filter(signal_id__in=ids).exists(), model
    assert not default_storage.exists(file_name)
    assert set(hooked[0].signal_ids) == ids
    stones = {t.reference: t for t in Tombstone.objects.all()}
    assert set(stones) == {signal.reference, sealed.reference}
    assert stones[signal.reference].result_class_code == "signaal-doorgezet"
    assert stones[signal.reference].last_state == "doorgezet_riec"
    statement = DestructionStatement.objects.get(destruction_list=destruction_list)
    assert statement.destroyed_count == 2 and "Selectielijst" in statement.grounds
    assert statement.composed_by and statement.approved_by and statement.executed_by
    assert {row["resultaatklasse"] for row in statement.specification} == {"signaal-doorgezet", "signaal-geen-actie"}
    destruction_list.refresh_from_db()
    assert destruction_list.status == ListStatus.UITGEVOERD
    assert set(destruction_list.items.values_list("status", flat=True)) == {ItemStatus.VERNIETIGD}
    # One log line per data subject, the sealed signal's subjects included (read from its seal).
    lines = ProcessingLogEntry.objects.filter(action="vernietigen", activity_code="vernietigen")
    assert sorted(lines.values_list("subject_type", flat=True)) == ["bag", "bsn", "kvk"]


def test_a_hold_placed_during_the_cooling_off_blocks_execution(people):
    kept, gone = due_signal(people["staff"]), due_signal(people["staff"])
    destruction_list = approved_list(people)
    services.place_hold(people["archivaris"], "signaal", kept.reference, "Beroep ingesteld bij de rechtbank.")
    pass_cooling_off(destruction_list)
    outcome = destruction.execute(destruction_list)
    assert Signal.objects.filter(pk=kept.pk).exists() and not Signal.objects.filter(pk=gone.pk).exists()
    assert outcome.excluded == 1
    item = DestructionListItem.objects.get(destruction_list=destruction_list, reference=kept.reference)
    assert (item.status, item.note) == (ItemStatus.UITGEZONDERD, "bewaarplicht")
    assert destruction_list.statement.excluded_count == 1


def test_a_casus_goes_with_its_signals_and_everything_hanging_from_it(people):
    staff = people["staff"]
    casus = close_casus(to_casus(staff, new_signal(staff)), "toezicht-afgebroken", days_ago=400)
    signal = casus.signal_links.get().signal
    destruction_list = approved_list(people)
    assert list(destruction_list.items.values_list("kind", flat=True)) == ["casus"]  # the signal goes with it
    pass_cooling_off(destruction_list)
    summary = jobs.run()
    assert "uitgevoerd: 2 vernietigd" in str(summary)
    assert not Casus.objects.filter(pk=casus.pk).exists() and not Signal.objects.filter(pk=signal.pk).exists()
    assert not CasusSignal.objects.filter(casus_id=casus.pk).exists()
    assert not Weging.objects.filter(casus_id=casus.pk).exists()
    kinds = dict(Tombstone.objects.values_list("reference", "kind"))
    assert kinds == {casus.reference: "casus", signal.reference: "signaal"}
    assert "uitgevoerd" not in str(jobs.run())  # idempotent: nothing left to execute


def test_statement_pdf_and_csv_for_archivaris_and_fg(client, people):
    signal = due_signal(people["staff"])
    destruction_list = pass_cooling_off(approved_list(people))
    destruction.execute(destruction_list, user=people["archivaris"])
    statement = DestructionStatement.objects.get()
    for user in (people["archivaris"], people["fg"]):
        client.force_login(user)
        pdf = client.get(reverse("retention:verklaring_pdf", args=[statement.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        csv = client.get(reverse("retention:verklaring_csv", args=[statement.pk])).content.decode()
        assert signal.reference in csv
    client.force_login(people["staff"])
    assert client.get(reverse("retention:verklaring_pdf", args=[statement.pk])).status_code == 403


def test_the_whole_workflow_through_the_pages(client, people):
    signal = due_signal(people["staff"])
    client.force_login(people["archivaris"])
    response = client.post(reverse("retention:opstellen"), {"lijst-name": "Via het scherm"})
    destruction_list = DestructionListItem.objects.get(reference=signal.reference).destruction_list
    assert response.status_code == 302 and response.url == reverse("retention:lijst", args=[destruction_list.pk])
    page = client.get(response.url).content.decode()
    assert signal.reference in page and "Beoordeling vastleggen" not in page  # not for the composer
    client.force_login(people["tweede"])
    assert "Beoordeling vastleggen" in client.get(response.url).content.decode()
    client.post(reverse("retention:beoordelen", args=[destruction_list.pk]), {"decision": "goedkeuren"})
    destruction_list.refresh_from_db()
    assert destruction_list.status == ListStatus.BEDENKTIJD
    waiting = client.get(response.url).content.decode()
    # During the bedenktijd the page says until when and offers no button the service would refuse.
    assert "De bedenktijd loopt tot" in waiting and "Lijst nu uitvoeren" not in waiting
    refused = client.post(reverse("retention:uitvoeren", args=[destruction_list.pk]), follow=True)
    assert "bedenktijd" in refused.content.decode() and Signal.objects.filter(pk=signal.pk).exists()
    pass_cooling_off(destruction_list)
    assert "Lijst nu uitvoeren" in client.get(response.url).content.decode()
    done = client.post(reverse("retention:uitvoeren", args=[destruction_list.pk]), follow=True).content.decode()
    assert "1 dossiers vernietigd" in done and "PDF" in done
    assert not Signal.objects.filter(pk=signal.pk).exists()
    client.force_login(people["fg"])
    assert client.post(reverse("retention:opstellen"), {"lijst-name": "FG"}).status_code == 403


def test_hold_pages(client, people):
    signal = due_signal(people["staff"])
    client.force_login(people["archivaris"])
    client.post(reverse("retention:bewaarplicht"), {
        "bewaarplicht-kind": "signaal", "bewaarplicht-reference": signal.reference,
        "bewaarplicht-reason": "Bezwaarprocedure loopt nog."})
    hold = signal.legal_holds.get()
    assert "Bezwaarprocedure" in client.get(reverse("web:bewaartermijnen")).content.decode()
    client.post(reverse("retention:bewaarplicht_opheffen", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by == people["archivaris"]


class django_on_commit:  # noqa: N801 - reads as a context manager
    """Run on_commit callbacks (file deletion) at the end of the block, as a real commit would."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def test_destroying_nothing_due_changes_nothing(people):
    signal = due_signal(people["staff"])
    destruction_list = approved_list(people)
    signal_later = Signal.objects.filter(pk=signal.pk)
    # The term was lengthened after the list was approved: no longer due, so it stays.
    signal_later.update(state_since=timezone.now())
    pass_cooling_off(destruction_list)
    outcome = destruction.execute(destruction_list)
    assert signal_later.exists() and outcome.excluded == 1 and outcome.destroyed.total() == 0
    item = destruction_list.items.get()
    assert item.note == "bewaartermijn nog niet verstreken"


def test_a_failing_hook_rolls_the_whole_list_back(people):
    signal = due_signal(people["staff"])
    destruction_list = pass_cooling_off(approved_list(people))

    def broken(destroyed):
        raise RuntimeError("afgeleide tabel niet bereikbaar")

    destroy_hooks.register(broken)
    try:
        with pytest.raises(RuntimeError):
            destruction.execute(destruction_list)
    finally:
        destroy_hooks.unregister(broken)
    destruction_list.refresh_from_db()
    assert Signal.objects.filter(pk=signal.pk).exists() and MentionedSubject.objects.filter(signal=signal).exists()
    assert destruction_list.status == ListStatus.BEDENKTIJD
    assert not Tombstone.objects.exists() and not DestructionStatement.objects.exists()


def test_sqlite_overwrites_deleted_rows():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("secure_delete is a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


# ------------------------------------------------------------------ what keeps a dossier (blocks.py)


def test_a_hold_on_a_signal_keeps_its_casus_when_composing_and_executing(people):
    staff, archivaris = people["staff"], people["archivaris"]
    casus = close_casus(to_casus(staff, new_signal(staff)), "toezicht-afgebroken", days_ago=400)
    signal = casus.signal_links.get().signal
    hold = services.place_hold(archivaris, "signaal", signal.reference, "Beroep tegen de last onder dwangsom.")
    assert [r.reference for r in selectors.due_records(timezone.localdate())] == []
    with pytest.raises(services.RetentionError):
        services.compose(archivaris, "Lijst")  # nothing due: the casus is held through its signal
    services.lift_hold(archivaris, hold)
    destruction_list = approved_list(people)
    # Placed during the bedenktijd: execution checks again and keeps casus and signal.
    services.place_hold(archivaris, "signaal", signal.reference, "Beroep tegen de last onder dwangsom.")
    outcome = destruction.execute(pass_cooling_off(destruction_list))
    assert Casus.objects.filter(pk=casus.pk).exists() and Signal.objects.filter(pk=signal.pk).exists()
    assert outcome.excluded == 1 and outcome.destroyed.total() == 0
    item = destruction_list.items.get()
    assert (item.status, item.note) == (ItemStatus.UITGEZONDERD, "bewaarplicht op signaal")
    assert not Tombstone.objects.exists()


def _close_request(request, pf):
    from meldpunt.privacy.inzage import services as inzage

    for item in request.items.all():
        inzage.decide(pf, item, inzage.DecisionInput(decision="volledig"))
    inzage.close(pf, request)


def test_an_open_inzageverzoek_keeps_what_it_found_until_it_is_closed(people, make_user):
    staff, pf = people["staff"], make_user("privacyfunctionaris")
    signal = due_signal(staff)  # about BSN 999993653
    casus = close_casus(to_casus(staff, new_signal(staff)), "toezicht-afgebroken", days_ago=400)
    destruction_list = approved_list(people)
    assert destruction_list.items.count() == 2
    request = open_inzage_request("999993653", pf)  # arrives during the bedenktijd
    assert selectors.due_records(timezone.localdate()) == []
    outcome = destruction.execute(pass_cooling_off(destruction_list))
    assert outcome.excluded == 2 and outcome.destroyed.total() == 0
    assert set(destruction_list.items.values_list("note", flat=True)) == {"open inzageverzoek"}
    assert Signal.objects.filter(pk=signal.pk).exists() and Casus.objects.filter(pk=casus.pk).exists()
    _close_request(request, pf)
    second = destruction.execute(pass_cooling_off(approved_list(people, "Tweede lijst")))
    assert second.destroyed == {"signaal": 2, "casus": 1}
    assert not Signal.objects.filter(pk=signal.pk).exists() and not Casus.objects.filter(pk=casus.pk).exists()


# ------------------------------------------------------------------ casusoverleg minutes and meetings


def _meeting(staff, title, casussen, *, days_ago=0, third_parties=False, participant=None):
    from meldpunt.cases import meetings
    from meldpunt.cases.models import Meeting

    meeting = meetings.plan(staff, title, timezone.now() + timedelta(days=1), with_third_parties=third_parties)
    for casus in casussen:
        meetings.add_to_agenda(staff, meeting, casus)
    if participant is not None:
        meetings.invite(staff, meeting, participant, "Afdeling Handhaving")
    for item in meeting.agenda.all():
        meetings.record_minutes(staff, item, f"Besproken in {title}: A. Bewoner is eigenaar.",
                                "Besluit: een last onder dwangsom voorbereiden.")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=days_ago))
    return meeting


def test_a_meeting_goes_with_the_last_casus_on_its_agenda(people, make_user):
    from meldpunt.cases.models import AgendaItem, Meeting, Participant

    staff = people["staff"]
    going = to_casus(staff, new_signal(staff))
    staying = to_casus(staff, new_signal(staff))
    alone = _meeting(staff, "Overleg alleen", [going], participant=make_user("deelnemer"))
    shared = _meeting(staff, "Overleg gedeeld", [going, staying])
    close_casus(going, "toezicht-afgebroken", days_ago=400)
    destruction.execute(pass_cooling_off(approved_list(people)))
    assert not Casus.objects.filter(pk=going.pk).exists()
    assert not Meeting.objects.filter(pk=alone.pk).exists()
    assert not Participant.objects.filter(meeting_id=alone.pk).exists()
    assert Meeting.objects.filter(pk=shared.pk).exists()
    assert list(AgendaItem.objects.filter(meeting=shared).values_list("casus_id", flat=True)) == [staying.pk]


def test_minutes_past_their_term_are_cleared_by_the_daily_job(people):
    from meldpunt.cases.models import AgendaItem

    staff, archivaris = people["staff"], people["archivaris"]
    internal_old, third_old, recent, held = (to_casus(staff, new_signal(staff)) for _ in range(4))
    _meeting(staff, "Intern, 13 maanden geleden", [internal_old], days_ago=400)
    _meeting(staff, "Met derden, 13 maanden geleden", [third_old], days_ago=400, third_parties=True)
    _meeting(staff, "Intern, vorige maand", [recent], days_ago=30)
    _meeting(staff, "Intern, 13 maanden geleden, bewaarplicht", [held], days_ago=400)
    services.place_hold(archivaris, "casus", held.reference, "Bezwaar tegen het besluit loopt nog.")

    assert "Overlegverslagen die zouden worden vernietigd: 1." in str(jobs.run(dry_run=True))
    assert AgendaItem.objects.get(casus=internal_old).decisions  # the dry run changed nothing
    assert "Overlegverslagen vernietigd: 1." in str(jobs.run())
    cleared = AgendaItem.objects.get(casus=internal_old)
    today = timezone.localdate()
    assert cleared.minutes == f"Verslag vernietigd op {today:%d-%m-%Y} (selectielijst 19.1.9)."
    assert cleared.decisions == "" and "Bewoner" not in cleared.minutes
    for kept in (third_old, recent, held):
        assert AgendaItem.objects.get(casus=kept).decisions.startswith("Besluit")
    assert ProcessingLogEntry.objects.filter(action="verslag_vernietigen", activity_code="vernietigen").exists()
    assert Casus.objects.filter(pk=internal_old.pk).exists()  # the casus follows its own term
    assert "Overlegverslagen vernietigd: 0." in str(jobs.run())  # idempotent
