"""A casusoverleg as an iCalendar event (RFC 5545), written by hand: it holds the time, the place
and "Casusoverleg" — never the meeting's free-text title, the agenda or a participant."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone

from .kenmerken import meeting_kenmerk

DURATION = timedelta(hours=1)


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    # RFC 5545 §3.1: lines longer than 75 octets continue on the next line after a space.
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, chunk = [], b""
    for char in line:
        encoded = char.encode()
        if len(chunk) + len(encoded) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += encoded
    parts.append(chunk.decode())
    return "\r\n ".join(parts)


def calendar(meeting) -> str:
    """The .ics text of one meeting (the same file in the e-mail and on the meeting page)."""
    host = settings.MELDPUNT_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "meldpunt"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Meldpunt Ondermijning//Casusoverleg//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:casusoverleg-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.starts_at + DURATION)}",
        f"SUMMARY:{_escape(meeting_kenmerk(meeting))}",
        f"DESCRIPTION:{_escape('De agenda staat in Meldpunt Ondermijning: ' + settings.MELDPUNT_BASE_URL + '/')}",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{_escape(meeting.location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def filename(meeting) -> str:
    return f"casusoverleg-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"
