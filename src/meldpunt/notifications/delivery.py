"""E-mail of meldingen: one mail per melding (direct) or one per day (digest), each sent once.

``deliver`` locks the melding's row, returns when it was already sent, sends and marks it sent in
that same transaction: a second worker waits for the lock and then finds it sent (never twice).
A failed attempt is counted; the Celery task retries it with back-off, ``retry_pending`` picks up
what is left. The mail names the kind of work, the kenmerk and a link — nothing else."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meldpunt.core.datums import format_date

from . import ics
from .models import EmailState, Mode, Notification, Preference

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6  # the first try and the task's five retries
FOOTER = ("\n\nDit bericht bevat bewust geen gegevens over personen: u leest alles na het inloggen.\n"
          "Hoe u meldingen krijgt (direct, één keer per dag of alleen in de applicatie) stelt u in op {url}\n")


def absolute(link: str) -> str:
    return settings.MELDPUNT_BASE_URL + link


def _preferences_url() -> str:
    return absolute(reverse("notifications:meldingen"))


def single_message(notification: Notification) -> EmailMessage:
    label = notification.get_kind_display()
    body = (f"{label}.\n\nKenmerk: {notification.kenmerk}\nBekijk het in Meldpunt Ondermijning: "
            f"{absolute(notification.link)}" + FOOTER.format(url=_preferences_url()))
    message = EmailMessage(f"Meldpunt Ondermijning: {label[0].lower()}{label[1:]}", body,
                           settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
    if notification.meeting is not None:
        message.attach(ics.filename(notification.meeting), ics.calendar(notification.meeting),
                       "text/calendar; method=PUBLISH; charset=utf-8")
    return message


def digest_message(user, notifications: list[Notification], day: date) -> EmailMessage:
    lines = [f"- {n.get_kind_display()}\n  Kenmerk: {n.kenmerk}\n  {absolute(n.link)}" for n in notifications]
    body = (f"Uw meldingen van {format_date(day)} ({len(notifications)}):\n\n" + "\n\n".join(lines)
            + FOOTER.format(url=_preferences_url()))
    message = EmailMessage(f"Meldpunt Ondermijning: uw meldingen van {format_date(day)}", body,
                           settings.DEFAULT_FROM_EMAIL, [user.email])
    for n in notifications:
        if n.meeting is not None:
            message.attach(ics.filename(n.meeting), ics.calendar(n.meeting),
                           "text/calendar; method=PUBLISH; charset=utf-8")
    return message


def _record_failure(ids: list[int], error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:300]
    for notification in Notification.objects.filter(pk__in=ids, email_state=EmailState.PENDING):
        notification.attempts += 1
        notification.last_error = text
        if notification.attempts >= MAX_ATTEMPTS:
            notification.email_state = EmailState.FAILED
        notification.save(update_fields=["attempts", "last_error", "email_state"])


def deliver(notification_id: int, connection=None) -> bool:
    """Send one melding's e-mail if it still waits; True when this call sent it."""
    try:
        with transaction.atomic():
            notification = (Notification.objects.select_for_update(of=("self",)).select_related("recipient", "meeting")
                            .filter(pk=notification_id).first())
            if notification is None or notification.email_state != EmailState.PENDING:
                return False
            if not notification.recipient.email or not notification.recipient.is_active:
                notification.email_state = EmailState.SKIPPED
                notification.save(update_fields=["email_state"])
                return False
            (connection or get_connection()).send_messages([single_message(notification)])
            notification.email_state, notification.sent_at = EmailState.SENT, timezone.now()
            notification.attempts += 1
            notification.save(update_fields=["email_state", "sent_at", "attempts"])
            return True
    except Exception as error:
        _record_failure([notification_id], error)
        raise


def send_digests(peildatum: date | None = None) -> int:
    """One mail per person who chose the daily digest, with every melding still waiting; returns
    the number of mails sent. Run it as often as you like: what was sent is marked sent."""
    day = peildatum or timezone.localdate()
    users = (Preference.objects.filter(mode=Mode.DIGEST, user__is_active=True)
             .exclude(user__email="").select_related("user"))
    sent = 0
    connection = get_connection()
    for preference in users:
        waiting: list[Notification] = []
        try:
            with transaction.atomic():
                waiting = list(Notification.objects.select_for_update(of=("self",)).select_related("meeting")
                               .filter(recipient=preference.user, email_state=EmailState.PENDING)
                               .order_by("created_at", "id"))
                if not waiting:
                    continue
                connection.send_messages([digest_message(preference.user, waiting, day)])
                Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
                    email_state=EmailState.SENT, sent_at=timezone.now(), attempts=1)
                sent += 1
        except Exception as error:  # one person's failure does not stop the others' digest
            logger.warning("dagelijkse meldingen: versturen mislukt", exc_info=True)
            _record_failure([n.pk for n in waiting], error)
    return sent


def retry_pending() -> int:
    """Queue again every direct melding whose e-mail still waits (after a failure or a lost queue
    message); the row lock in ``deliver`` keeps a mail from going out twice."""
    from .services import enqueue  # services queues through tasks, which call this module

    digest_users = Preference.objects.filter(mode__in=[Mode.DIGEST, Mode.APP_ONLY]).values("user_id")
    ids = list(Notification.objects.filter(email_state=EmailState.PENDING)
               .exclude(recipient_id__in=digest_users).values_list("pk", flat=True))
    for pk in ids:
        enqueue(pk)
    return len(ids)
