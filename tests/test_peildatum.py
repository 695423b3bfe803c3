"""`--peildatum JJJJ-MM-DD` on the retention job (issue 12, part 6): a municipality rehearses a
destruction without editing the database. The list still goes through review by a second person
and the bedenktijd; only "what is due" and "is the bedenktijd over" are decided as of the peildatum."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from meldpunt.intake.models import Signal
from meldpunt.privacy.retention import services
from meldpunt.privacy.retention.models import DestructionList, DestructionStatement, ListStatus, Tombstone
from test_retention_support import due_signal, new_signal, niet_in_behandeling

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {"staff": make_user("beoordelaar", "regisseur", "teamlid"), "archivaris": make_user("archivaris"),
            "tweede": make_user("archivaris")}


def retention(*args) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_a_record_due_next_year_is_destroyed_only_with_a_later_peildatum_and_after_review(people):
    signal = niet_in_behandeling(people["staff"], new_signal(people["staff"]))
    due = signal.destroy_after
    assert due > timezone.localdate()
    compose = ("lijst", "--naam", "Oefening", "--archivaris", people["archivaris"].username)

    with pytest.raises(CommandError, match="geen dossiers"):
        retention(*compose)  # today nothing is due
    with pytest.raises(CommandError, match="geen dossiers"):
        retention(*compose, "--peildatum", (due - timedelta(days=1)).isoformat())
    assert "Lijst 'Oefening'" not in retention("run", "--peildatum", (due + timedelta(days=30)).isoformat())

    assert "ter beoordeling" in retention(*compose, "--peildatum", due.isoformat())
    destruction_list = DestructionList.objects.get(name="Oefening")
    assert list(destruction_list.items.values_list("reference", flat=True)) == [signal.reference]
    far = (due + timedelta(days=30)).isoformat()
    assert "uitgevoerd" not in retention("run", "--peildatum", far)  # not reviewed: four eyes first
    assert Signal.objects.filter(pk=signal.pk).exists()

    with pytest.raises(services.NotAllowed):
        services.review(people["archivaris"], destruction_list, True)
    services.review(people["tweede"], destruction_list, True)
    assert "uitgevoerd" not in retention("run")  # today: the bedenktijd runs and the term has not passed
    assert Signal.objects.filter(pk=signal.pk).exists()

    summary = retention("run", "--peildatum", far)
    assert "Peildatum:" in summary and "uitgevoerd: 1 vernietigd" in summary
    assert not Signal.objects.filter(pk=signal.pk).exists()
    assert Tombstone.objects.filter(reference=signal.reference).exists()
    destruction_list.refresh_from_db()
    assert destruction_list.status == ListStatus.UITGEVOERD
    statement = DestructionStatement.objects.get(destruction_list=destruction_list)
    # What was written carries the real moment, not the rehearsed one.
    assert abs(statement.made_at - timezone.now()) < timedelta(minutes=5)
    assert abs(destruction_list.executed_at - timezone.now()) < timedelta(minutes=5)


def test_the_bedenktijd_is_counted_to_the_peildatum(people, settings):
    settings.MELDPUNT_DESTRUCTION_COOLING_OFF_DAYS = 14
    signal = due_signal(people["staff"])
    destruction_list = services.compose(people["archivaris"], "Nu al verstreken")
    services.review(people["tweede"], destruction_list, True)
    today = timezone.localdate()
    assert "uitgevoerd" not in retention("run", "--peildatum", (today + timedelta(days=7)).isoformat())
    assert Signal.objects.filter(pk=signal.pk).exists()
    assert "uitgevoerd: 1 vernietigd" in retention("run", "--peildatum", (today + timedelta(days=15)).isoformat())
    assert not Signal.objects.filter(pk=signal.pk).exists()


@pytest.mark.parametrize("command", [("retention", "run"), ("datasignalen", "run", "--dry-run"),
                                     ("interventie_herinneringen",), ("meldingen", "scan"),
                                     ("meldingen", "digest")])
def test_a_bad_peildatum_is_refused_in_dutch_and_changes_nothing(people, command):
    signal = niet_in_behandeling(people["staff"], new_signal(people["staff"]))
    before = (Signal.objects.count(), DestructionList.objects.count())
    for bad in ("31-12-2027", "2027-02-30", "morgen"):
        with pytest.raises(CommandError, match="geen datum.*JJJJ-MM-DD.*niets gewijzigd"):
            call_command(*command, "--peildatum", bad, stdout=io.StringIO())
    assert (Signal.objects.count(), DestructionList.objects.count()) == before
    assert Signal.objects.get(pk=signal.pk).destroy_after == signal.destroy_after


def test_a_bad_peildatum_for_a_list_composes_nothing(people):
    niet_in_behandeling(people["staff"], new_signal(people["staff"]))
    with pytest.raises(CommandError, match="geen datum"):
        retention("lijst", "--naam", "Oefening", "--archivaris", people["archivaris"].username,
                  "--peildatum", "volgend jaar")
    with pytest.raises(CommandError, match="geen actieve gebruiker"):
        retention("lijst", "--naam", "Oefening", "--archivaris", "niemand")
    with pytest.raises(CommandError, match="archivaris"):
        retention("lijst", "--naam", "Oefening", "--archivaris", people["staff"].username,
                  "--peildatum", "2099-01-01")
    assert not DestructionList.objects.exists()
