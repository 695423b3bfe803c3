"""Working days for step deadlines (norms are set in working days)."""

from datetime import date, timedelta


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days (Monday–Friday) after ``start``.

    Public holidays are not skipped: norms are guidance for the queue, and a gemeente that wants
    holidays counted can raise its norms.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
