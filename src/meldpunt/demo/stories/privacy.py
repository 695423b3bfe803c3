"""The privacy side of the year: two old signals whose term has passed on a destruction list
that waits for the archivaris's review, an inzageverzoek about a person mentioned in a signal,
the data rules' signals, and the ondermijningsbeeld computed over all of it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from meldpunt.accounts import services as account_services
from meldpunt.accounts.models import User
from meldpunt.insight import services as beeld
from meldpunt.intake import rules
from meldpunt.intake.models import MentionedSubject
from meldpunt.privacy.inzage import services as inzage
from meldpunt.privacy.retention import dates as retention_dates
from meldpunt.privacy.retention import selectors as retention_selectors
from meldpunt.privacy.retention import services as retention
from meldpunt.privacy.retention.models import DestructionList

from .clock import days_ago
from .intake import refuse
from .research import people, person_subject, report

COLLEAGUE = ("archivaris-collega", "Karin", "Hendriks")  # composes; the demo archivaris reviews (four eyes)


def old_signals_due(today: date) -> None:
    """Two reports from just over a year ago, not taken on: their term of twelve months has passed."""
    beoordelaar = User.objects.get(username="beoordelaar")
    for days, offset in ((400, 60), (392, 61)):
        [(person, address)] = people(1, offset)
        signal = report(today, days, "overig", "Buren maken 's nachts lawaai; geen aanwijzing voor ondermijning.",
                        address, [person_subject(person, address, "buurman")])
        refuse(beoordelaar, signal, days_ago(today, days - 1))


def destruction_lists() -> None:
    """The oldest due signal was destroyed after four eyes and the bedenktijd (a verklaring van
    vernietiging); the other waits on a list for the demo archivaris's review."""
    username, first, last = COLLEAGUE
    composer = User.objects.filter(username=username).first() or account_services.create_user(
        username, account_services.generate_password(), ["archivaris"], first_name=first, last_name=last,
        organisation="Demogemeente Zaanstad")
    archivaris = User.objects.get(username="archivaris")
    retention_dates.recompute_all()
    due = [r.reference for r in retention_selectors.due_records(until=timezone.localdate())]
    done = retention.compose(archivaris, "Vernietigingslijst signalen november", references=due[:1])
    retention.review(composer, done, True, "Gecontroleerd: termijn verstreken, geen bewaarplicht.")
    # The demo builder only: the bedenktijd of this list lies behind it (a real list waits for it).
    DestructionList.objects.filter(pk=done.pk).update(cooling_off_until=timezone.now() - timedelta(minutes=1))
    retention.execute(archivaris, DestructionList.objects.get(pk=done.pk))
    retention.compose(composer, "Vernietigingslijst signalen december", references=due[1:])


def access_request(today: date) -> None:
    """An inzageverzoek from a person a signal mentions, received last week."""
    pf = User.objects.get(username="privacyfunctionaris")
    mention = MentionedSubject.objects.filter(kind="persoon").exclude(bsn="").order_by("id").first()
    inzage.register(pf, inzage.RequestInput(
        received_on=today - timedelta(days=6), requester_name=mention.name,
        requester_contact="Postbus 123, 1500 AA Zaandam", identity_document="paspoort", identity_last4="4X7K",
        subject_bsn=mention.bsn, subject_name=mention.name, subject_birth_date=mention.birth_date))


def data_rules(today: date) -> None:
    rules.run_rules(reference_date=today)


def ondermijningsbeeld(today: date) -> None:
    beeld.regenerate(reference_date=today)
