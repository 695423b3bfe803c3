"""Deleted is gone: clear what the database engine itself keeps of deleted rows (P4, docs/adr/0018).

Deleting a row is not enough for "removes every copy". SQLite keeps the old versions of changed
pages in its write-ahead log (the ``-wal`` file) until a checkpoint copies the new pages back and
the log is overwritten, and keeps deleted cells in the database file unless ``secure_delete`` is
on (it is, on every connection: settings/env.py and retention/apps.py). PostgreSQL keeps deleted
rows as dead tuples in the table and its indexes until VACUUM, and in WAL segments and backups
until those are recycled or expire.

So after a destruction or a seal has committed:

* SQLite: ``PRAGMA wal_checkpoint(TRUNCATE)`` writes every page back into the database file and
  truncates the log to zero bytes. It cannot finish while another connection is reading an older
  snapshot; then it says so, and the daily job fails so the operator runs it again.
* PostgreSQL: ``VACUUM`` of the tables the destruction deleted from (only outside a transaction);
  where that is not possible, the dead tuples per table from ``pg_stat_user_tables`` and what the
  operator has to do. Backups and the WAL archive keep destroyed data until they expire: their
  retention must not exceed ``MELDPUNT_BACKUP_RETENTION_DAYS``, and the verklaring says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

logger = logging.getLogger(__name__)


@dataclass
class Report:
    """What was done about the residue, in lines for the operator; ``ok`` False needs action."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True


def backup_days() -> int:
    return int(getattr(settings, "MELDPUNT_BACKUP_RETENTION_DAYS", 30))


def backup_sentence() -> str:
    """For the verklaring van vernietiging: where copies remain, and for how long at most."""
    return (f"Kopieën in back-ups en in het archief van het transactielogboek van de database worden niet "
            f"afzonderlijk bewerkt; zij verlopen volgens het back-upbeleid uiterlijk {backup_days()} dagen na "
            f"deze vernietiging.")


def checkpoint(using: str = DEFAULT_DB_ALIAS) -> Report:
    """SQLite: move the write-ahead log into the database file and truncate it to zero bytes,
    so no old version of a changed or deleted page remains in the ``-wal`` file."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return Report()
    if connection.in_atomic_block:
        # Inside a transaction (a caller's, or a test's) the checkpoint cannot include what is not
        # committed yet: it follows when the outermost transaction commits.
        checkpoint_on_commit(using)
        return Report(["SQLite: het write-ahead log wordt teruggeschreven en leeggemaakt zodra de transactie "
                       "is vastgelegd."])
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log_pages, _moved = cursor.fetchone()
    except DatabaseError:
        # Never let a committed seal or destruction fail afterwards; say that the log is not clear.
        logger.exception("SQLite: wal_checkpoint(TRUNCATE) is mislukt.")
        busy = 1
    if busy:
        logger.warning("SQLite: het write-ahead log kon niet worden leeggemaakt; een andere verbinding las nog.")
        return Report(["LET OP: SQLite kon het write-ahead log (-wal) niet leegmaken: een andere verbinding las "
                       "nog. Oude versies van vernietigde gegevens kunnen daar nog staan. Voer de "
                       "bewaartermijnentaak opnieuw uit."], ok=False)
    return Report(["SQLite: write-ahead log teruggeschreven en leeggemaakt (wal_checkpoint TRUNCATE); "
                   "verwijderde gegevens worden met secure_delete overschreven."])


def checkpoint_on_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    """After the surrounding transaction commits (a seal, a destruction): checkpoint the WAL."""
    if connections[using].vendor == "sqlite":
        transaction.on_commit(lambda: _checkpoint_now(using), using=using)


def _checkpoint_now(using: str) -> None:
    connection = connections[using]
    if not connection.in_atomic_block:  # in a test's transaction the callback runs inside it
        checkpoint(using)


def _dead_tuples(cursor, tables: list[str]) -> dict[str, int]:
    cursor.execute("SELECT relname, n_dead_tup FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                   "AND relname = ANY(%s)", [tables])
    return {name: count for name, count in cursor.fetchall()}


def _vacuum(using: str, tables: list[str]) -> Report:
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # VACUUM cannot run inside a transaction (e.g. a caller's atomic block): report instead.
            dead = _dead_tuples(cursor, tables)
            return Report([
                f"PostgreSQL: VACUUM is niet uitgevoerd (binnen een transactie). Dode rijen in de "
                f"{len(tables)} tabellen van de vernietiging: {sum(dead.values())} "
                f"({_per_table(dead)}). Vernietigde rijen blijven als dode rijen in de databasebestanden tot "
                f"VACUUM: voer 'VACUUM {', '.join(tables)}' uit of laat autovacuum dat doen.",
                _backup_line()], ok=False)
        try:
            cursor.execute(f"VACUUM {', '.join(quote(t) for t in tables)}")
        except DatabaseError as error:
            dead = _dead_tuples(cursor, tables)
            return Report([
                f"LET OP: PostgreSQL: VACUUM is mislukt ({error}). Dode rijen in de tabellen van de vernietiging: "
                f"{sum(dead.values())} ({_per_table(dead)}). Laat de databasebeheerder VACUUM uitvoeren.",
                _backup_line()], ok=False)
        dead = _dead_tuples(cursor, tables)
    # Plain VACUUM frees the space for reuse; it does not overwrite it (ADR 0018): say so.
    return Report([f"PostgreSQL: VACUUM uitgevoerd op {len(tables)} tabellen van de vernietiging; dode rijen nu: "
                   f"{sum(dead.values())}. De vrijgekomen ruimte wordt hergebruikt; tot dan kunnen de gegevens "
                   "nog in de databasebestanden op de server staan, niet meer via de database.", _backup_line()])


def _per_table(dead: dict[str, int]) -> str:
    shown = [f"{name}: {count}" for name, count in sorted(dead.items()) if count]
    return "; ".join(shown) or "geen"


def _backup_line() -> str:
    return (f"Back-ups en het WAL-archief bevatten vernietigde gegevens tot zij verlopen: houd hun bewaartermijn "
            f"op ten hoogste {backup_days()} dagen (zoals de verklaring van vernietiging vermeldt).")


def after_destruction(tables, using: str = DEFAULT_DB_ALIAS) -> Report:
    """After a destruction has committed: checkpoint (SQLite) or VACUUM (PostgreSQL) ``tables``."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return checkpoint(using)
    if connection.vendor == "postgresql":
        return _vacuum(using, sorted(set(tables)))
    return Report()
