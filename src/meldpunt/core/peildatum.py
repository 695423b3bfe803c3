"""`--peildatum JJJJ-MM-DD` for the scheduled jobs (retention, beeld, datasignalen, interventie-
herinneringen): the date the run takes as "today", so a municipality can rehearse a destruction or a
reminder round in a test environment without editing the database. The date is a parameter threaded
through the services, never a patched clock: every timestamp a run writes stays the real moment, only
the decisions (what is due, what has expired, whose bedenktijd has passed) are taken as of the
peildatum."""

from __future__ import annotations

from datetime import date, datetime

from django.core.management.base import CommandError
from django.utils import timezone

METAVAR = "JJJJ-MM-DD"
HELP = "Voer de taak uit alsof het deze datum is (om te oefenen; standaard vandaag)."


def add_argument(parser, help: str = HELP) -> None:
    parser.add_argument("--peildatum", metavar=METAVAR, help=help)


def parse(value: str | None) -> date | None:
    """The date of ``--peildatum``, None when it was not given; a clear Dutch error otherwise."""
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CommandError(f"De peildatum '{value}' is geen datum; schrijf haar als JJJJ-MM-DD, "
                           "bijvoorbeeld 2027-03-01. Er is niets gewijzigd.") from None


def moment(day: date | None) -> datetime:
    """The moment a run with this peildatum acts at: that day at the current local time (now
    without one)."""
    now = timezone.localtime()
    if day is None:
        return now
    return now.replace(year=day.year, month=day.month, day=day.day)
