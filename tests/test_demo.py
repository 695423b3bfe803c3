"""The demo command (one user per role, passwords shown once) and the `meldpunt` CLI."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from meldpunt import cli, policy
from meldpunt.accounts.models import User
from meldpunt.accounts.roles import ROLE_PROFILES
from meldpunt.cases.models import Casus
from meldpunt.demo.stories import archive
from meldpunt.insight.selectors import cells, latest_snapshot
from meldpunt.intake.models import Channel, MentionedSubject, Signal
from meldpunt.privacy.inzage.models import AccessRequest
from meldpunt.privacy.retention.models import DestructionList, DestructionListItem
from meldpunt.protocol.models import Forward, Weging
from meldpunt.protocol.research.models import DetailRequest, HitResult, SourceRequest
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS
from meldpunt.registries.models import Gemeente

ROLES = [p.role.value for p in ROLE_PROFILES]
PASSWORD_LINE = re.compile(r"^\s+(\S+)\s+([a-z0-9]{5}(?:-[a-z0-9]{5}){4})\s+(.+)$", re.MULTILINE)


def run_demo(**options) -> str:
    out = io.StringIO()
    options.setdefault("no_stories", True)  # the stories are slow; test_demo_tells_a_year_of_work runs them
    call_command("demo", no_serve=True, stdout=out, verbosity=0, **options)
    return out.getvalue()


def shown_passwords(output: str) -> dict[str, str]:
    return {user: password for user, password, _ in PASSWORD_LINE.findall(output)}


@pytest.mark.django_db
def test_demo_creates_one_user_per_role_and_shows_passwords_once():
    gemeenten = Gemeente.objects.count()
    output = run_demo()
    assert "De demogemeente staat al klaar." in output  # reuses the loaded data
    assert Gemeente.objects.count() == gemeenten
    assert "alleen nu getoond" in output

    passwords = shown_passwords(output)
    assert sorted(passwords) == sorted(ROLES)
    assert len(set(passwords.values())) == len(ROLES)
    for role in ROLES:
        user = User.objects.get(username=role)
        assert user.roles == {role}
        assert user.check_password(passwords[role])
        assert user.first_name and user.organisation
    assert User.objects.get(username="beheerder").is_staff

    # The demo users have some work waiting: own reports.
    assert Signal.objects.filter(reported_by__username="melder_intern").exists()

    # Second run: nothing new, no passwords, same users.
    users = User.objects.count()
    again = run_demo()
    assert shown_passwords(again) == {}
    assert "bestaan al" in again
    for password in passwords.values():
        assert password not in again
    assert User.objects.count() == users
    for role in ROLES:
        assert User.objects.get(username=role).check_password(passwords[role])


@pytest.mark.django_db
def test_demo_new_passwords_replaces_them():
    old = shown_passwords(run_demo())
    output = run_demo(new_passwords=True)
    new = shown_passwords(output)
    assert sorted(new) == sorted(ROLES)
    for role in ROLES:
        user = User.objects.get(username=role)
        assert new[role] != old[role]
        assert user.check_password(new[role])
        assert not user.check_password(old[role])
    assert User.objects.filter(username__in=ROLES).count() == len(ROLES)


@pytest.mark.django_db
def test_demo_users_can_log_in(client):
    passwords = shown_passwords(run_demo())
    response = client.post("/inloggen/", {"username": "analist", "password": passwords["analist"]}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/ondermijningsbeeld/"


OPEN = ("ontvangen", "zwaarte", "bronnenonderzoek")


@pytest.mark.django_db
def test_demo_tells_a_year_of_work(client):
    run_demo(no_stories=False)
    today = timezone.localdate()
    states = set(Signal.objects.values_list("state", flat=True))
    # Every state a signal can be in (a destroyed signal leaves only its tombstone, checked below).
    assert states == set(SIGNAL_STATE_LABELS) - {"vernietigd"}
    assert Forward.objects.filter(destination__code="euriec").exists()
    # Recent: the signals lie in the twelve months before today, and few open ones are late.
    on_the_list = DestructionListItem.objects.values_list("reference", flat=True)
    oldest = Signal.objects.exclude(reference__in=on_the_list).order_by("received_at").first().received_at
    assert (today - timezone.localdate(oldest)).days <= 370
    open_signals = Signal.objects.filter(state__in=OPEN)
    assert open_signals.filter(deadline__lt=today).count() < 0.2 * open_signals.count()
    # Wegingen are spread over days, not taken in one minute.
    assert len({timezone.localdate(at) for at in Weging.objects.values_list("decided_at", flat=True)}) > 30
    teamlid = User.objects.get(username="teamlid")
    assert policy.signals_visible_to(teamlid, Signal.objects.exclude(state="ontvangen")).exists()
    assert_every_story_is_there(today)
    assert_every_role_lands_on_work(client)
    assert_most_buurt_figures_are_readable(client)
    assert run_demo(no_stories=False)  # a second run leaves the stories alone
    assert Signal.objects.filter(state__in=OPEN).count() == open_signals.count()


def assert_every_story_is_there(today):
    channels = set(Signal.objects.values_list("channel", flat=True))
    assert channels == {c.value for c in Channel}
    assert MentionedSubject.objects.filter(kind="persoon").exclude(bsn="").exists()
    assert MentionedSubject.objects.filter(kind="onderneming").exclude(kvk_nummer="").exists()
    assert SourceRequest.objects.filter(state="aangevraagd").exists()  # waiting for privacytoets 1
    assert HitResult.objects.filter(answered_at__isnull=False).exists()
    assert HitResult.objects.filter(answered_at__isnull=True, request__state="toegestaan").exists()  # bronhouder
    assert DetailRequest.objects.filter(state="toegestaan").exists()
    assert DetailRequest.objects.filter(state="aangevraagd").exists()
    assert Casus.objects.filter(state="voorbereiding", agenda_items__meeting__starts_at__gt=timezone.now()).exists()
    running = Casus.objects.get(state="uitvoering")
    assert set(running.interventions.values_list("status", flat=True)) == {"in_uitvoering", "gepland"}
    assert Casus.objects.filter(state="afgesloten", result_class__isnull=False).exists()
    assert Signal.objects.filter(channel="data_analyse").exists()
    assert DestructionList.objects.filter(reviewed_at__isnull=True, items__isnull=False).exists()
    assert DestructionListItem.objects.filter(status="vernietigd", destruction_list__status="uitgevoerd").exists()
    assert AccessRequest.objects.exists()
    snapshot = latest_snapshot()
    assert snapshot is not None and snapshot.reference_date == today
    signals = cells(snapshot, level="gemeente", measure="signalen", phenomenon="*", period=snapshot.periods[-1], dim="")
    assert signals and signals[0].display not in ("<5", "×")
    assert_archive_is_closed_and_not_due(today)


UNREADABLE = ("<5", "×", "–", "")


def assert_archive_is_closed_and_not_due(today):
    """The historic import: closed signals with history and wegingen, none overdue for destruction."""
    archived = Signal.objects.filter(history__note=archive.IMPORTED).distinct()
    assert archived.count() > 1000
    assert not archived.filter(state__in=OPEN).exists()
    assert not archived.filter(destroy_after__isnull=True).exists()
    assert not archived.filter(destroy_after__lte=today).exists()
    assert not archived.filter(wegingen__isnull=True).exists()
    assert Forward.objects.filter(signal__in=archived, destination__code="riec").exists()


def assert_most_buurt_figures_are_readable(client):
    """The dashboard's default view (all phenomena, latest year): most buurten show a figure."""
    client.force_login(User.objects.get(username="analist"))
    for theme in ("drugs", "vastgoed"):
        page = client.get(f"/ondermijningsbeeld/thema/{theme}/")
        assert page.status_code == 200
        rows = page.context["board"].map_rows
        readable = [display for _, _, display in rows if display not in UNREADABLE]
        assert len(readable) > len(rows) / 2, (theme, len(readable), len(rows))
    client.logout()


# What shows that a role has work waiting on its landing page (not an empty-state message).
WORK = {
    "regisseur": "ZA-20", "beoordelaar": "ZA-20", "teamlid": "ZA-20", "privacyfunctionaris": "Beoordelen",
    "bronhouder": "KvK-nummer", "deelnemer": "Agendapunt", "uitvoerder": "In uitvoering", "fg": "Inzageverzoeken",
    "auditor": "Verwerkingslog", "archivaris": "Karin Hendriks", "beheerder": "Personen",
    "analist": "Signalen (", "melder_intern": "ZA-20",
}
EMPTY = ("Er staan geen signalen", "U hebt nog geen signalen", "Er zijn nog geen vernietigingslijsten",
         "Er wachten geen", "Er is nog geen", "niets van deze casus vrijgegeven")


def assert_every_role_lands_on_work(client):
    for role in ROLES:
        client.force_login(User.objects.get(username=role))
        page = client.get("/", follow=True)
        assert page.status_code == 200, role
        text = page.content.decode()
        main = text[text.find("<main"):]
        assert WORK[role] in main, role
        assert not [e for e in EMPTY if e in main[:3000]], role
        client.logout()


@pytest.mark.parametrize("argv", [["--help"], [], ["help"], ["-h"]])
@pytest.mark.unit
def test_cli_help_is_dutch_and_lists_commands(argv, capsys):
    cli.main(argv)
    out = capsys.readouterr().out
    assert "Meldpunt Ondermijning" in out
    assert "Gebruik: meldpunt OPDRACHT" in out
    assert "Opdrachten:" in out
    for command in ("demo", "serve", "generate"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE), command
    assert "Zet de demogemeente klaar" in out
