"""Meldingen do not stay for ever (ADR 0029, "Bewaren"): the daily retention run clears old ones,
and destroying a dossier takes its meldingen along, so no melding links to a record that is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases.models import Meeting
from meldpunt.notifications import retention as melding_retention
from meldpunt.notifications.models import EmailState, Kind, Notification
from meldpunt.notifications.services import notify
from meldpunt.privacy.retention import jobs, purge
from meldpunt.privacy.retention import services as retention
from test_retention_support import due_signal, new_signal, pass_cooling_off

pytestmark = pytest.mark.django_db


def _melding(user, key, *, days_old, read=False, state=EmailState.SENT, kenmerk="SIG-2026-00001"):
    notification = notify(user, Kind.TERMIJN_NADERT, kenmerk, "/werkvoorraad/", key)
    made = timezone.now() - timedelta(days=days_old)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=made, read_at=made + timedelta(hours=1) if read else None, email_state=state)
    return notification.pk


def test_the_daily_run_clears_read_meldingen_after_90_days_and_unread_after_a_year(make_user, settings):
    settings.MELDPUNT_NOTIFY_KEEP_DAYS, settings.MELDPUNT_NOTIFY_KEEP_UNREAD_DAYS = 90, 365
    user = make_user("regisseur")
    kept = {_melding(user, "recent-gelezen", days_old=10, read=True),
            _melding(user, "oud-ongelezen", days_old=200),
            # its e-mail is still owed (the retry job sends it): kept, however old
            _melding(user, "oud-wacht-op-mail", days_old=400, state=EmailState.PENDING)}
    gone = {_melding(user, "oud-gelezen", days_old=100, read=True),
            _melding(user, "heel-oud-ongelezen", days_old=400, state=EmailState.SKIPPED)}

    assert melding_retention.daily(True) == "Meldingen die zouden worden opgeruimd: 2."
    assert set(Notification.objects.values_list("pk", flat=True)) == kept | gone  # a dry run changes nothing
    summary = jobs.run()  # the whole daily retention run, as the timer runs it
    assert "Meldingen opgeruimd: 2." in str(summary)
    assert set(Notification.objects.values_list("pk", flat=True)) == kept


def test_the_daily_run_takes_a_peildatum(make_user):
    user = make_user("regisseur")
    pk = _melding(user, "gelezen", days_old=10, read=True)
    today = timezone.localdate()
    assert melding_retention.daily(True, today + timedelta(days=30)) == "Meldingen die zouden worden opgeruimd: 0."
    assert melding_retention.daily(False, today + timedelta(days=100)) == "Meldingen opgeruimd: 1."
    assert not Notification.objects.filter(pk=pk).exists()


def test_destroying_a_signal_takes_its_meldingen_along(client, make_user):
    staff, archivaris, tweede = make_user("beoordelaar", "regisseur", "teamlid"), make_user("archivaris"), \
        make_user("archivaris")
    signal, other = due_signal(staff), new_signal(staff)  # only the first is due
    notify(staff, Kind.SIGNAAL_WACHT, signal.reference, reverse("protocol:signaal", args=[signal.reference]),
           f"wacht:{signal.pk}")
    notify(staff, Kind.SIGNAAL_WACHT, other.reference, reverse("protocol:signaal", args=[other.reference]),
           f"wacht:{other.pk}")
    destruction_list = retention.compose(archivaris, "Lijst")
    retention.review(tweede, destruction_list, True)
    pass_cooling_off(destruction_list)
    retention.execute(archivaris, destruction_list)

    assert not Notification.objects.filter(kenmerk=signal.reference).exists()
    assert Notification.objects.filter(kenmerk=other.reference).exists()
    client.force_login(staff)
    page = client.get("/meldingen/").content.decode()
    assert other.reference in page and signal.reference not in page
    # the list's own melding (a name, no dossier) is not touched
    assert Notification.objects.filter(recipient=tweede, kind=Kind.VERNIETIGINGSLIJST).exists()


def test_an_invitation_goes_with_its_casusoverleg(make_user):
    from meldpunt.cases import meetings

    regie, deelnemer = make_user("regisseur"), make_user("deelnemer")
    meeting = meetings.plan(regie, "Casusoverleg", timezone.now() + timedelta(days=3), "Stadhuis", False)
    notify(deelnemer, Kind.UITNODIGING, "Casusoverleg", reverse("web:mijn_casussen"), "uitnodiging:x",
           meeting=meeting)
    purge.purge(Meeting, [meeting.pk])  # how a destruction removes a meeting (cases/minutes_retention.py)
    assert not Notification.objects.filter(recipient=deelnemer).exists()
