"""Meldingen (issue 17): people are told of their work in the application and by e-mail.

The e-mail goes over SMTP to a real server on 127.0.0.1 (aiosmtpd). Work is made with names, BSNs,
addresses and company names in it; no mail body, subject or attachment (the .ics) may hold any of
them — only the kind of work, the kenmerk and a link. Each melding is mailed once, after commit."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from factories import (
    SECRET_NAME,
    add_intervention,
    casus_with_details,
    new_signal,
    open_inzage_request,
    planned_meeting,
    release,
)
from meldpunt.cases import meetings
from meldpunt.cases import services as cases
from meldpunt.intake.models import MentionedSubject
from meldpunt.notifications import delivery, services, signalering
from meldpunt.notifications.models import EmailState, Kind, Mode, Notification
from meldpunt.privacy.retention import services as retention
from meldpunt.registries.models import Nummeraanduiding
from smtp_support import SmtpServer
from test_retention_support import due_signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.MELDPUNT_BASE_URL = "https://meldpunt.example.nl"
    yield server
    server.stop()


@pytest.fixture
def people(make_user):
    def person(*roles):
        user = make_user(*roles)
        user.email, user.first_name, user.last_name = f"{user.username}@gemeente.example", "Medewerker", user.username
        user.save()
        return user

    return {"regie": person("regisseur", "teamlid", "beoordelaar"), "pf": person("privacyfunctionaris"),
            "deelnemer": person("deelnemer"), "uitvoerder": person("uitvoerder"),
            "archivaris": person("archivaris"), "tweede": person("archivaris")}


def _personal_data(casus, person, company) -> set[str]:
    """Every name, BSN, KvK number, address and free text of the work made in the test."""
    values = {SECRET_NAME, "999993653", "A. Bewoner", "wietlucht", "wisselende bewoners", "Sluiting voorbereiden",
              "Nodig om de aanpak te bepalen", "Casusoverleg ondermijning", "Medewerker"}
    for mention in MentionedSubject.objects.filter(signal__casus_links__casus=casus):
        values |= {mention.name, mention.bsn, mention.kvk_nummer}
    values |= {person.name, person.bsn, company.name, company.kvk_nummer}
    address = Nummeraanduiding.objects.order_by("pk").first()
    values |= {address.openbare_ruimte, address.postcode, str(address)}
    return {v for v in values if v and len(str(v)) >= 4}


def test_work_reaches_people_by_mail_without_personal_data_and_once(smtp, people):
    regie, pf = people["regie"], people["pf"]
    with _on_commit_runs():
        casus, person, company, _, _ = casus_with_details(regie, pf)  # PC1 waits, then decided
        meeting, item, (seat,) = planned_meeting(regie, casus, people["deelnemer"])  # invitation + .ics
        release(regie, pf, item, seat, ["veld:fenomeen"])  # a release waits, then its decision
        cases.transition(regie, casus, "casus_agenderen")
        meetings.record_minutes(regie, item, "Besproken.", "Sluiting voorbereiden.")
        add_intervention(regie, casus, people["uitvoerder"], days=2)
        open_inzage_request("999993653", pf)
        due_signal(regie)  # a signal past its retention term, naming A. Bewoner
        new_signal(regie, index=2)  # a new signal in the beoordelaars' queue
        retention.compose(people["archivaris"], "Lijst december")  # the other archivaris reviews
    with _on_commit_runs():
        assert signalering.scan() > 0  # today: the intervention is due in two days
        signalering.scan(timezone.localdate() + timedelta(days=6))  # the week's signals wait too long
        made = signalering.scan(timezone.localdate() + timedelta(days=30))  # then it is overdue
    assert made > 0

    mine = Notification.objects.filter(recipient__in=people.values())
    kinds = set(mine.values_list("kind", flat=True))
    assert {Kind.PRIVACYTOETS_WACHT, Kind.BESLUIT, Kind.UITNODIGING, Kind.INTERVENTIE_BIJNA,
            Kind.INTERVENTIE_VERLOPEN, Kind.INZAGE_TERMIJN, Kind.VERNIETIGINGSLIJST, Kind.SIGNAAL_WACHT,
            Kind.TERMIJN_NADERT} <= kinds
    # Every melding with an address went out once, and the mail says what it is about.
    assert not mine.exclude(email_state=EmailState.SENT).exists()
    to_people = [m for m in smtp.inbox.messages if m["To"] in {u.email for u in people.values()}]
    assert len(to_people) == mine.count()
    forbidden = _personal_data(casus, person, company)
    for message in smtp.inbox.messages:
        for text in smtp.inbox.texts(message):
            leaked = [value for value in forbidden if value in text]
            assert not leaked, f"persoonsgegevens in een e-mail ({message['Subject']}): {leaked}"
    invitation = next(m for m in to_people if m["To"] == people["deelnemer"].email)
    ((name, calendar),) = smtp.inbox.attachments(invitation)
    assert name.endswith(".ics") and "BEGIN:VEVENT" in calendar and "SUMMARY:Casusoverleg van" in calendar
    assert "LOCATION:Stadhuis" in calendar
    decided = next(m for m in to_people if m["To"] == regie.email and "besloten" in m["Subject"])
    body = smtp.inbox.texts(decided)[1]
    assert "Kenmerk: " in body and "https://meldpunt.example.nl/" in body

    # Never twice: delivering again, a second scan and the retry job send nothing new.
    before = smtp.inbox.count()
    assert not any(delivery.deliver(n.pk) for n in mine)
    with _on_commit_runs():
        assert signalering.scan(timezone.localdate() + timedelta(days=30)) == 0
    assert delivery.retry_pending() == 0
    assert smtp.inbox.count() == before


def test_a_rolled_back_write_tells_no_one(smtp, people):
    casus, *_ = casus_with_details(people["regie"], people["pf"])
    meeting, _, _ = planned_meeting(people["regie"], casus)
    with _on_commit_runs(), pytest.raises(RuntimeError), transaction.atomic():
        meetings.invite(people["regie"], meeting, people["deelnemer"], "Afdeling Handhaving")
        raise RuntimeError("de schrijfactie mislukt na de uitnodiging")
    assert not Notification.objects.filter(recipient=people["deelnemer"]).exists()
    assert smtp.inbox.count() == 0


def test_a_mail_that_fails_is_retried_and_sent_once(settings, people):
    server = SmtpServer()  # not started yet: the server is down
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    with _on_commit_runs():
        notification = services.notify(people["pf"], Kind.INZAGE_TERMIJN, "INZ-2026-0001", "/inzageverzoeken/",
                                       "test:retry")
    notification.refresh_from_db()
    assert (notification.email_state, notification.attempts) == (EmailState.PENDING, 1)
    assert notification.last_error
    server.start()
    try:
        assert delivery.retry_pending() == 1
        assert delivery.retry_pending() == 0
        notification.refresh_from_db()
        assert notification.email_state == EmailState.SENT and notification.sent_at
        assert server.inbox.count() == 1
    finally:
        server.stop()


def test_the_daily_digest_sends_one_mail_with_everything(smtp, people):
    pf = people["pf"]
    services.set_mode(pf, Mode.DIGEST)
    with _on_commit_runs():
        for n in range(3):
            services.notify(pf, Kind.INZAGE_TERMIJN, f"INZ-2026-000{n}", "/inzageverzoeken/", f"test:digest:{n}")
    assert smtp.inbox.count() == 0  # nothing direct
    out = io.StringIO()
    call_command("meldingen", "digest", stdout=out)
    assert "1 dagelijkse e-mail(s) verstuurd." in out.getvalue()
    (message,) = smtp.inbox.messages
    body = smtp.inbox.texts(message)[1]
    assert all(f"INZ-2026-000{n}" in body for n in range(3)) and "(3)" in body
    call_command("meldingen", "digest", stdout=io.StringIO())
    assert smtp.inbox.count() == 1  # never twice


def test_only_in_the_application_sends_no_mail(smtp, people):
    services.set_mode(people["pf"], Mode.APP_ONLY)
    with _on_commit_runs():
        services.notify(people["pf"], Kind.INZAGE_TERMIJN, "INZ-2026-0009", "/inzageverzoeken/", "test:app")
    assert Notification.objects.get(dedupe_key="test:app").email_state == EmailState.SKIPPED
    assert smtp.inbox.count() == 0


def test_the_scan_takes_a_peildatum_and_refuses_a_bad_one(people):
    from django.core.management import CommandError

    add_intervention_casus = casus_with_details(people["regie"], people["pf"])[0]
    planned_meeting(people["regie"], add_intervention_casus)
    out = io.StringIO()
    call_command("meldingen", "scan", "--peildatum", (timezone.localdate() + timedelta(days=400)).isoformat(),
                 stdout=out)
    assert "nieuwe melding(en)." in out.getvalue()
    with pytest.raises(CommandError, match="geen datum"):
        call_command("meldingen", "scan", "--peildatum", "morgen")


def test_the_meldingen_page_count_open_and_preference(client, people):
    pf = people["pf"]
    services.notify(pf, Kind.INZAGE_TERMIJN, "INZ-2026-0042", reverse("inzage:overzicht"), "test:page:1")
    services.notify(pf, Kind.PRIVACYTOETS_WACHT, "SIG-2026-0001", reverse("web:te_beoordelen"), "test:page:2")
    client.force_login(pf)
    page = client.get(reverse("notifications:meldingen")).content.decode()
    assert 'data-testid="meldingen-aantal">2' in page
    assert "De antwoordtermijn van een inzageverzoek verloopt binnenkort – INZ-2026-0042" in page
    assert "Ongelezen per soort werk" in page and "Een verzoek wacht op uw privacytoets</td>" in page
    first = Notification.objects.get(dedupe_key="test:page:1")
    response = client.get(reverse("notifications:openen", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("inzage:overzicht")
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-testid="meldingen-aantal">1' in client.get(reverse("notifications:meldingen")).content.decode()
    client.post(reverse("notifications:alles_gelezen"))
    assert "meldingen-aantal" not in client.get(reverse("notifications:meldingen")).content.decode()
    refused = client.post(reverse("notifications:voorkeur"), {"mode": "elk-uur"})
    assert refused.status_code == 400 and "Kies een van de drie mogelijkheden." in refused.content.decode()
    client.post(reverse("notifications:voorkeur"), {"mode": Mode.DIGEST})
    assert services.mode_of(pf) == Mode.DIGEST
    # Someone else's melding is not there for this person.
    other = services.notify(people["regie"], Kind.BESLUIT, "SIG-2026-0002", "/", "test:page:3")
    assert client.get(reverse("notifications:openen", args=[other.pk])).status_code == 404


def test_the_meeting_offers_its_ics_to_those_invited_only(client, people, make_user):
    casus, *_ = casus_with_details(people["regie"], people["pf"])
    meeting, _, _ = planned_meeting(people["regie"], casus, people["deelnemer"])
    client.force_login(people["deelnemer"])
    response = client.get(reverse("notifications:agenda_ics", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "BEGIN:VCALENDAR" in text and "Casusoverleg ondermijning" not in text and SECRET_NAME not in text
    client.force_login(make_user("deelnemer"))
    assert client.get(reverse("notifications:agenda_ics", args=[meeting.pk])).status_code == 404


class _on_commit_runs:  # noqa: N801 (reads as a phrase in a with-statement)
    """Run transaction.on_commit callbacks the way a real commit would (the test runs in a
    transaction that never commits)."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def test_the_celery_task_retries_then_gives_up_and_never_sends_twice(settings, people, monkeypatch):
    """The task ``meldpunt.notifications.deliver`` through Celery's own machinery (apply: the
    retries run at once): a server that stays down gives up after the first try and five retries."""
    from meldpunt.celery import app
    from meldpunt.notifications import tasks

    # As a worker does: a failed run is recorded in its result, not raised into the caller.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    server = SmtpServer()  # down
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    services.set_mode(people["pf"], Mode.DIGEST)  # made without queueing, delivered by the task here
    lost = services.notify(people["pf"], Kind.INZAGE_TERMIJN, "INZ-2026-0101", "/inzageverzoeken/", "test:task:1")
    result = tasks.deliver.apply(args=[lost.pk])
    assert result.failed() and isinstance(result.result, OSError)
    lost.refresh_from_db()
    assert (lost.email_state, lost.attempts) == (EmailState.FAILED, 6)
    server.start()
    try:
        kept = services.notify(people["pf"], Kind.INZAGE_TERMIJN, "INZ-2026-0102", "/inzageverzoeken/", "test:task:2")
        assert tasks.deliver.apply(args=[kept.pk]).get() is True
        assert tasks.deliver.apply(args=[kept.pk]).get() is False
        assert tasks.deliver.apply(args=[lost.pk]).get() is False  # given up: the page still shows it
        assert server.inbox.count() == 1
    finally:
        server.stop()


def test_the_menu_count_costs_one_query(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        services.notify(people["pf"], Kind.INZAGE_TERMIJN, f"INZ-2026-02{n:02d}", "/inzageverzoeken/", f"test:nav:{n}")
    client.force_login(people["pf"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("web:gebieden")).content.decode()
    assert 'data-testid="meldingen-aantal">5' in page
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1


def test_the_fg_sees_meldingen_and_only_the_preference_form(client, make_user):
    # Their own preference is theirs to set (tests/test_read_only_roles.py); nothing else is.
    fg = make_user("fg")
    services.notify(fg, Kind.INZAGE_TERMIJN, "INZ-2026-0301", "/toezicht/", "test:fg")
    client.force_login(fg)
    page = client.get(reverse("notifications:meldingen")).content.decode()
    assert "INZ-2026-0301" in page
    assert "Voorkeur opslaan" in page and "Alles gelezen" not in page


def test_the_scan_leaves_an_old_backlog_to_the_werkvoorraad(people):
    from meldpunt.intake.models import Signal

    old, fresh = new_signal(people["regie"], index=4), new_signal(people["regie"], index=5)
    long_ago = timezone.now() - timedelta(days=60)
    Signal.objects.filter(pk=old.pk).update(state_since=long_ago, deadline=timezone.localdate() - timedelta(days=50))
    Signal.objects.filter(pk=fresh.pk).update(state_since=timezone.now() - timedelta(days=6))
    signalering.scan()
    told = set(Notification.objects.filter(kind=Kind.SIGNAAL_WACHT).values_list("kenmerk", flat=True))
    assert fresh.reference in told and old.reference not in told
    assert not Notification.objects.filter(kenmerk=old.reference).exists()
