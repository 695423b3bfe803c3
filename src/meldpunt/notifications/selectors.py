"""Reads of meldingen: a person only ever reads their own. A melding holds no personal data (kind,
kenmerk, link), so reading one is not a personal-data read and writes no log line."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404

from meldpunt import policy
from meldpunt.cases.models import Meeting

from .models import Kind, Notification
from .services import mode_of

PAGE_SIZE = 100


def _mine(user):
    """A person's own meldingen, of the gemeenten where they hold a role now (ADR 0030 §2): a melding
    about Wormerland's record is not shown once the role in Wormerland is gone (its kenmerk is B's)."""
    return policy.on_page(user, "meldingen", Notification.objects.filter(recipient=user))


def unread_count(user) -> int:
    """The navigation badge: one COUNT on the (recipient, read_at) index."""
    return _mine(user).filter(read_at__isnull=True).count()


def unread_by_kind(user) -> list[tuple[str, int]]:
    """How many unread meldingen of each kind (the summary above the list), most first."""
    rows = (_mine(user).filter(read_at__isnull=True).values("kind")
            .annotate(n=Count("id")).order_by("-n", "kind"))
    return [(Kind(row["kind"]).label, row["n"]) for row in rows]


def own(user, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(_mine(user).order_by("-created_at", "-id")[:limit])


def own_one(user, notification_id: int) -> Notification:
    notification = _mine(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("Deze melding bestaat niet of is niet voor u.")
    return notification


def mode(user) -> str:
    return mode_of(user)


def meeting_for_calendar(user, meeting_id: int):
    """A casusoverleg whose calendar file this user may take: its organiser or a participant, or
    someone who may open the casusoverleg pages. 404 otherwise (it does not reveal the meeting)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not (meeting.organiser_id == user.pk
                               or meeting.participants.filter(user=user).exists()
                               or policy.may_organise_meeting(user, meeting.gemeente_id)):
        raise Http404("Dit casusoverleg bestaat niet of u bent er niet voor uitgenodigd.")
    return meeting
