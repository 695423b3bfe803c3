"""The daily retention run (`meldpunt retention run [--dry-run]`): recompute every destruction
date, anonymise reporter contacts, run the daily tasks the apps registered (registry.py: clear
casusoverleg minutes past their term, anonymise answered inzageverzoeken past theirs), execute
approved lists whose bedenktijd has passed, prune the security log (when that module exists),
write the counted refusals no later refusal wrote. Idempotent: a second run the same day changes
nothing.
With ``dry_run`` nothing changes; the summary says what would happen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from meldpunt.core import peildatum as core_peildatum
from meldpunt.core.datums import format_date
from meldpunt.privacy import refusals, security

from . import anonymise, dates, destruction, registry, residue, selectors
from .errors import DestructionError
from .models import DestructionList, ListStatus


@dataclass
class Summary:
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    failed: bool = False

    def add(self, line: str) -> None:
        self.lines.append(line)

    def __str__(self) -> str:
        head = "Bewaartermijnen (proefrun: er is niets gewijzigd)" if self.dry_run else "Bewaartermijnen"
        return "\n".join([head, *(f"- {line}" for line in self.lines)])


class _Rollback(Exception):
    pass


def _recompute(dry_run: bool, today: date | None) -> int:
    if not dry_run:
        return dates.recompute_all(today)
    changed = 0
    try:
        with transaction.atomic():
            changed = dates.recompute_all(today)
            raise _Rollback
    except _Rollback:
        return changed


def ready_lists(at: datetime | None = None):
    """Approved lists whose bedenktijd is over at ``at`` (default now)."""
    return DestructionList.objects.filter(status=ListStatus.BEDENKTIJD, cooling_off_until__lte=at or timezone.now())


def _prune_security_log(dry_run: bool, summary: Summary) -> None:
    _prune(security.prune_security_log, "beveiligingslog", dry_run, summary)


def _prune_processing_log(dry_run: bool, summary: Summary) -> None:
    _prune(security.prune_processing_log, "verwerkingslog", dry_run, summary)


def _prune(prune, name: str, dry_run: bool, summary: Summary) -> None:
    try:
        removed = prune(dry_run=dry_run)
    except security.SecurityLogError as broken:
        # A chain that does not verify is a security incident (BIO 12.4.2/04): keep every line,
        # finish the other work, and make the run fail so the scheduler reports it.
        summary.add(f"LET OP: het {name} is niet opgeschoond: {broken}")
        summary.failed = True
        return
    summary.add(f"{name.capitalize()}: {removed} oude regels zouden worden verwijderd." if dry_run
                else f"{name.capitalize()} opgeschoond: {removed} oude regels verwijderd.")


def _flush_refusals(summary: Summary) -> None:
    """Counted refusals of a crawler that never came back are written now, not lost with the cache."""
    written = refusals.flush_pending_refusals()
    if written:
        summary.add(f"Beveiligingslog: {written} samenvatting(en) van getelde weigeringen geschreven.")


def _report_residue(outcome: destruction.Outcome, summary: Summary) -> None:
    """What the database still holds of the destroyed rows: the checkpoint (SQLite) or VACUUM
    (PostgreSQL) done after the commit, or — when the job runs inside a caller's transaction and
    nothing has committed yet — what is outstanding (docs/adr/0018)."""
    report = outcome.residue or residue.after_destruction(outcome.tables)
    for line in report.lines:
        summary.add(line)
    if not report.ok and outcome.residue is not None:
        summary.failed = True


def run(dry_run: bool = False, peildatum: date | None = None) -> Summary:
    """``peildatum``: run as if it were that day (a rehearsal, `--peildatum`); what is written is
    stamped with the real moment, only what is due is decided as of the peildatum."""
    summary = Summary(dry_run)
    at = core_peildatum.moment(peildatum)
    today = timezone.localdate(at)
    if peildatum is not None:
        summary.add(f"Peildatum: {format_date(peildatum)} (de taak rekent alsof het die dag is).")
    changed = _recompute(dry_run, peildatum)
    summary.add(f"Vernietigingsdata die zouden wijzigen: {changed}." if dry_run
                else f"Vernietigingsdata herberekend: {changed} gewijzigd.")

    if dry_run:
        summary.add("Contactgegevens van melders die zouden worden geanonimiseerd: "
                    f"{anonymise.due_contacts(at).count()}.")
    else:
        summary.add(f"Contactgegevens van melders geanonimiseerd: {anonymise.anonymise_contacts(at)}.")

    # The apps' own parts (casusoverleg minutes, inzageverzoeken), registered in their
    # AppConfig.ready; in the order of their names, one line each.
    for _name, task in registry.daily_tasks():
        summary.add(task(dry_run, peildatum))

    for destruction_list in ready_lists(at):
        if dry_run:
            count = destruction_list.items.filter(status="opgenomen").count()
            summary.add(f"Lijst '{destruction_list.name}' zou worden uitgevoerd ({count} dossiers).")
            continue
        try:
            outcome = destruction.execute(destruction_list, peildatum=peildatum)
        except DestructionError as refused:
            summary.add(f"Lijst '{destruction_list.name}' niet uitgevoerd: {refused}")
            continue
        summary.add(f"Lijst '{destruction_list.name}' uitgevoerd: {sum(outcome.destroyed.values())} vernietigd, "
                    f"{outcome.excluded} uitgezonderd; verklaring {outcome.statement.number}.")
        _report_residue(outcome, summary)

    unlisted = len(selectors.due_records(today, include_listed=False))
    if unlisted:
        summary.add(f"Dossiers met verstreken bewaartermijn die nog op geen lijst staan: {unlisted}.")
    _prune_security_log(dry_run, summary)
    _prune_processing_log(dry_run, summary)
    if not dry_run:
        _flush_refusals(summary)
        _checkpoint(summary)
    return summary


def _checkpoint(summary: Summary) -> None:
    """SQLite: the anonymised contacts and inzageverzoeken and the cleared minutes were changed in
    place; their old page versions must not stay behind in the write-ahead log either."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    report = residue.checkpoint()
    if not report.ok:
        summary.failed = True
        summary.lines += report.lines
