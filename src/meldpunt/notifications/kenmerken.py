"""What names a piece of work in a melding when it has no kenmerk of its own, and the dedupe keys
shared with the domain apps."""

from meldpunt.core.datums import format_date


def meeting_kenmerk(meeting) -> str:
    # A meeting has no kenmerk and its title is free text: its date and time name it safely.
    return f"Casusoverleg van {format_date(meeting.starts_at, with_time=True)}"


def overdue_intervention_key(intervention_id: int, day) -> str:
    """One reminder per overdue intervention per day (signalering and cases/interventions.remind_overdue)."""
    return f"interventie-herinnering:{intervention_id}:{day:%Y%m%d}"
