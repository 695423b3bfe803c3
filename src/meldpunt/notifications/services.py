"""Writes of meldingen: make one (once per event), mark read, set a person's preference.

``notify`` runs inside the caller's transaction: a rolled-back write leaves no melding behind, and
the e-mail is queued only once the write has committed (``transaction.on_commit``)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from meldpunt.celery import app as celery_app
from meldpunt.tenancy.defaults import only_tenant

from .models import EmailState, Kind, Mode, Notification, Preference

logger = logging.getLogger(__name__)


def mode_of(user) -> str:
    preference = Preference.objects.filter(user=user).values_list("mode", flat=True).first()
    return preference or Mode.DIRECT


def notify(recipient, kind: Kind, kenmerk: str, link: str, dedupe_key: str, *, gemeente=None,
           meeting=None) -> Notification | None:
    """Tell ``recipient`` of work of this ``kind``. ``gemeente`` is the gemeente of the record the
    work is about (a Tenant or its code; None: the installation's only one, refused when there are
    several). Returns None when this event was already told (the dedupe key exists) or the
    recipient is not an active person."""
    if recipient is None or not recipient.is_active:
        return None
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    gemeente_id = getattr(gemeente, "pk", gemeente) or only_tenant().pk
    mode = mode_of(recipient)
    state = EmailState.SKIPPED if mode == Mode.APP_ONLY or not recipient.email else EmailState.PENDING
    try:
        with transaction.atomic():  # a savepoint: a concurrent duplicate must not break the caller
            notification = Notification.objects.create(
                recipient=recipient, gemeente_id=gemeente_id, kind=kind, kenmerk=str(kenmerk)[:200], link=link[:300],
                dedupe_key=dedupe_key[:200], meeting=meeting, created_at=timezone.now(), email_state=state)
    except IntegrityError:
        return None
    if state == EmailState.PENDING and mode == Mode.DIRECT:
        transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def enqueue(notification_id: int) -> None:
    """Hand one melding to the queue. Without a broker the task runs here and now; a failure then
    leaves the melding waiting for the retry job rather than breaking the page that caused it."""
    from . import delivery, tasks  # the tasks import this module's callers: loaded when first used

    try:
        if celery_app.conf.task_always_eager:
            # In-process (no broker): one attempt now; retry_pending tries again later, with the
            # attempts counted, instead of five retries in a row inside a page request.
            delivery.deliver(notification_id)
        else:
            tasks.deliver.delay(notification_id)
    except Exception:  # the row stays 'wacht' or 'mislukt'; retry_pending picks it up
        logger.warning("melding %s: versturen mislukt, wordt later opnieuw geprobeerd", notification_id,
                       exc_info=True)


def mark_read(user, notification_id: int) -> Notification | None:
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def set_mode(user, mode: str) -> Preference:
    if mode not in Mode.values:
        raise ValueError("Kies hoe u meldingen wilt krijgen.")
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"mode": mode})
    # Nothing waiting is lost: a person who stops e-mail keeps their meldingen in the application.
    if mode == Mode.APP_ONLY:
        Notification.objects.filter(recipient=user, email_state=EmailState.PENDING).update(
            email_state=EmailState.SKIPPED)
    return preference
