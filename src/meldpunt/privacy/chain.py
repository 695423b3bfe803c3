"""The hash chain under both logs: append lines, and check that none was changed, removed,
inserted or moved (``meldpunt log verify``).

Every line gets the next sequence number of its chain, the hash of the line before it, and a
keyed hash (HMAC-SHA256) over the chain name, its number, that previous hash and every field in
``CHAINED_FIELDS``. The key lives outside the database (like the pseudonym key), so someone with
only database rights cannot write a line that verifies. Writers are serialised by a row lock on
the chain's head inside the caller's transaction: a rolled-back write leaves no gap.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from meldpunt.core.bulkinsert import insert_rows
from meldpunt.core.keys import key_from_file, random_key
from meldpunt.tenancy.keys import controller
from meldpunt.tenancy.models import Tenant

from .models import AppendOnlyModel, LogChainHead, ProcessingLogEntry, SecurityLogEntry

GENESIS = "0" * 64
# Lines a verification reports one by one; beyond that it only counts.
MAX_REPORTED = 200
# How far from its stored number a line with a broken hash is looked for (a moved line).
MOVE_WINDOW = 500


@cache
def _key() -> bytes:
    """The HMAC key of the chains: MELDPUNT_LOG_CHAIN_KEY, else a file in the var folder (like
    the pseudonym key in core.keys), never in the database."""
    configured = settings.MELDPUNT_LOG_CHAIN_KEY
    return configured.encode() if configured else key_from_file(Path(settings.VAR_DIR) / "log_chain_key", random_key)


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def line_hash(chain: str, seq: int, prev_hash: str, values: list) -> str:
    """The keyed hash of one line: canonical JSON of chain, number, previous hash and fields."""
    message = json.dumps([chain, seq, prev_hash, *(_plain(v) for v in values)],
                         ensure_ascii=False, separators=(",", ":"))
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def _line_hash_of(line: AppendOnlyModel, seq: int | None = None, chain: str | None = None) -> str:
    values = [getattr(line, name) for name in line.chained_fields()]
    return line_hash(chain or line.CHAIN, line.seq if seq is None else seq, line.prev_hash, values)


# ------------------------------------------------------------------ one chain per controller
# The processing log has one chain per gemeente (ADR 0030 §6), all in one table: a line's chain
# follows from its gemeente_code. The home gemeente keeps "verwerking" (its lines' hashes include
# the name) and holds the lines without a code (formats 1-3). The security log stays one chain:
# its lines carry their gemeente in a chained field.


def chain_for(model: type[AppendOnlyModel], gemeente_code: str = "") -> str:
    """The chain a new line of ``model`` for ``gemeente_code`` goes into."""
    if model is not ProcessingLogEntry or not gemeente_code:
        return model.CHAIN
    return controller(gemeente_code)[1]


def chains(model: type[AppendOnlyModel]) -> list[str]:
    """Every chain of ``model``: the home chain first, then each other gemeente's by name."""
    if model is not ProcessingLogEntry:
        return [model.CHAIN]
    names = [model.CHAIN]
    names += [name for name in Tenant.objects.order_by("code").values_list("log_chain", flat=True)
              if name != model.CHAIN]
    names += [name for name in LogChainHead.objects.filter(chain__startswith=f"{model.CHAIN}:")
              .order_by("chain").values_list("chain", flat=True) if name not in names]
    return names


def chain_codes(model: type[AppendOnlyModel], chain: str) -> list[str] | None:
    """The gemeente codes whose lines form ``chain`` (None: every line of the table)."""
    if model is not ProcessingLogEntry:
        return None
    codes = list(Tenant.objects.filter(log_chain=chain).values_list("code", flat=True))
    if chain == model.CHAIN:
        codes.append("")
    elif not codes and chain.startswith(f"{model.CHAIN}:"):
        codes.append(chain.split(":", 1)[1])
    return codes


def lines_of(model: type[AppendOnlyModel], chain: str | None = None):
    """The lines of one chain."""
    codes = chain_codes(model, chain or model.CHAIN)
    lines = model.objects.all()
    return lines if codes is None else lines.filter(gemeente_code__in=codes)


def head_mac(head: LogChainHead) -> str:
    message = json.dumps([head.chain, head.last_seq, head.last_hash, head.checkpoint_seq,
                          head.checkpoint_prev_hash, _plain(head.checkpoint_at), head.pruned],
                         separators=(",", ":"))
    return hmac.new(_key(), b"head:" + message.encode(), hashlib.sha256).hexdigest()


def ensure_head(chain: str) -> LogChainHead:
    head, created = LogChainHead.objects.get_or_create(chain=chain)
    if created or not head.mac:
        head.mac = head_mac(head)
        head.save(update_fields=["mac"])
    return head


def ensure_heads(**_kwargs) -> None:
    """After migrate and flush: every chain has a head before the first write."""
    for model in (ProcessingLogEntry, SecurityLogEntry):
        for name in chains(model):
            ensure_head(name)


def _locked_head(chain: str) -> LogChainHead:
    head = LogChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        ensure_head(chain)
        head = LogChainHead.objects.select_for_update().get(chain=chain)
    return head


def save_head(head: LogChainHead) -> None:
    head.mac = head_mac(head)
    head.save()


# From this many lines on, PostgreSQL gets them through COPY: a destruction list of 100,000
# signals writes some 200,000 lines, and building INSERT statements was most of that time; a
# regional question writes a line for each of some 40 members, where bulk_create cost ~1 ms a line.
COPY_FROM = 20


def _insert(model: type[AppendOnlyModel], lines: list[AppendOnlyModel]) -> None:
    if connection.vendor != "postgresql" or len(lines) < COPY_FROM:
        model.objects.bulk_create(lines)
        return
    columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    insert_rows(model, columns, ([getattr(line, name) for name in columns] for line in lines))


def append(model: type[AppendOnlyModel], lines: list[AppendOnlyModel],
           chain_name: str | None = None) -> list[AppendOnlyModel]:
    """Number, chain and insert ``lines`` (unsaved, all of one chain) in the caller's transaction."""
    if not lines:
        return lines
    chain_name = chain_name or model.CHAIN
    with transaction.atomic():
        head = _locked_head(chain_name)
        seq, previous = head.last_seq, head.last_hash
        for line in lines:
            seq += 1
            line.seq, line.prev_hash = seq, previous
            line.hash = previous = _line_hash_of(line, chain=chain_name)
        _insert(model, lines)
        head.last_seq, head.last_hash = seq, previous
        head.mac = head_mac(head)
        LogChainHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=previous, mac=head.mac)
    return lines


def append_each(model: type[AppendOnlyModel], by_chain: dict[str, list[AppendOnlyModel]]) -> None:
    """:func:`append` for several chains at once: their heads locked in one query (in name order,
    so two writers of several chains never wait on each other crosswise), one insert, one update
    of the heads. A regional question writes a line in every member's chain this way (ADR 0030 §14)."""
    by_chain = {name: lines for name, lines in by_chain.items() if lines}
    if not by_chain:
        return
    names = sorted(by_chain)
    with transaction.atomic():
        heads = {head.chain: head for head in
                 LogChainHead.objects.select_for_update().filter(chain__in=names).order_by("chain")}
        for name in names:
            if name not in heads:  # a chain's first line: make its head, then lock it like the others
                heads[name] = _locked_head(name)
        written = []
        for name in names:
            head = heads[name]
            seq, previous = head.last_seq, head.last_hash
            for line in by_chain[name]:
                seq += 1
                line.seq, line.prev_hash = seq, previous
                line.hash = previous = _line_hash_of(line, chain=name)
            written += by_chain[name]
            head.last_seq, head.last_hash = seq, previous
            head.mac = head_mac(head)
        _insert(model, written)
        _update_heads([heads[name] for name in names])


def _update_heads(heads: list[LogChainHead]) -> None:
    """The new ends of several chains in one statement (both databases read a CTE of VALUES;
    Django's bulk_update builds a CASE per row and cost more than the lines themselves)."""
    table, quote = LogChainHead._meta.db_table, connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(heads))
    params = [value for head in heads for value in (head.chain, head.last_seq, head.last_hash, head.mac)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH ends (name, seq, last, mac) AS (VALUES {rows}) "
            f"UPDATE {quote(table)} SET last_seq = ends.seq, last_hash = ends.last, mac = ends.mac "
            f"FROM ends WHERE {quote(table)}.{quote('chain')} = ends.name", params)


# ------------------------------------------------------------------------------ verification


@dataclass(frozen=True)
class Problem:
    kind: str  # gewijzigd, verwijderd, ingevoegd, verplaatst, kop
    seq: int | None
    message: str


@dataclass
class Report:
    chain: str
    checked: int = 0
    first_seq: int = 1
    last_seq: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreported: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, seq: int | None, message: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(Problem(kind, seq, message))
        else:
            self.unreported += 1


def _range(first: int, last: int) -> str:
    return f"regel {first}" if first == last else f"regels {first} t/m {last}"


def _moved_from(line: AppendOnlyModel, chain: str) -> int | None:
    """The number a line with a broken hash really has, if only its number was changed."""
    for distance in range(1, MOVE_WINDOW + 1):
        for candidate in (line.seq - distance, line.seq + distance):
            if candidate > 0 and hmac.compare_digest(_line_hash_of(line, candidate, chain), line.hash):
                return candidate
    return None


def verify_all(model: type[AppendOnlyModel]) -> list[Report]:
    """Check every chain of ``model`` (one per gemeente for the processing log)."""
    return [verify(model, name) for name in chains(model)]


def verify(model: type[AppendOnlyModel], chain: str | None = None) -> Report:
    """Check one chain: every line's keyed hash, the links, the numbering, the storage order, the head."""
    chain = chain or model.CHAIN
    head = LogChainHead.objects.filter(chain=chain).first()
    report = Report(chain)
    if head is None:
        if lines_of(model, chain).exists():
            report.add("kop", None, "De kop van de keten ontbreekt: het einde van het log is niet te controleren.")
        return report
    if not hmac.compare_digest(head.mac or "", head_mac(head)):
        report.add("kop", None, "De kop van de keten is gewijzigd buiten de applicatie om.")
    report.first_seq, report.last_seq = head.checkpoint_seq, head.last_seq
    if head.checkpoint_at:
        report.notes.append(
            f"De controle begint bij regel {head.checkpoint_seq}: {head.pruned} oudere regels zijn volgens de "
            f"bewaartermijn opgeschoond (laatste keer {head.checkpoint_at:%Y-%m-%d %H:%M} UTC).")
    reported = _check_links(model, head, report)
    _check_storage_order(model, report, reported, chain)
    return report


def head_problem(model: type[AppendOnlyModel], chain: str | None = None) -> str | None:
    """The cheap check of the readiness probe (meldpunt.health): the head's own keyed hash, and
    that the last line it names is there, unchanged. None when both hold; else what is wrong."""
    chain = chain or model.CHAIN
    head = LogChainHead.objects.filter(chain=chain).first()
    if head is None:
        if chain != model.CHAIN and not lines_of(model, chain).exists():
            return None  # a gemeente added since the last migrate, without lines yet: its head comes with them
        return "De kop van de keten ontbreekt."
    if not hmac.compare_digest(head.mac or "", head_mac(head)):
        return "De kop van de keten is gewijzigd buiten de applicatie om."
    if head.last_seq < max(head.checkpoint_seq, 1):
        return None  # no line yet, or all pruned
    last = lines_of(model, chain).filter(seq=head.last_seq).order_by("id").last()
    if last is None:
        return "De laatste regel volgens de kop ontbreekt."
    if last.hash != head.last_hash or not hmac.compare_digest(_line_hash_of(last, chain=chain), last.hash):
        return "De laatste regel is niet de regel die de kop noemt."
    return None


def _check_links(model, head: LogChainHead, report: Report) -> set[int]:
    """Walk the lines in number order; returns the numbers already reported."""
    reported: set[int] = set()

    def add(kind, seq, message):
        reported.add(seq)
        report.add(kind, seq, message)

    prev_seq, prev_hash, prev_broken = head.checkpoint_seq - 1, head.checkpoint_prev_hash, False
    for line in lines_of(model, head.chain).order_by("seq", "id").iterator(chunk_size=2000):
        report.checked += 1
        intact = hmac.compare_digest(_line_hash_of(line, chain=head.chain), line.hash)
        if line.seq < head.checkpoint_seq:
            add("ingevoegd", line.seq, f"Regel {line.seq} staat vóór het begin van de keten "
                                       f"(regel {head.checkpoint_seq}) en is ingevoegd.")
            continue
        if line.seq <= prev_seq:
            add("ingevoegd", line.seq, f"Regel {line.seq} komt twee keer voor: een van beide is ingevoegd"
                                       f"{'' if intact else ' (deze: de hash klopt niet)'}.")
            continue
        if line.seq > head.last_seq:
            add("ingevoegd", line.seq, f"Regel {line.seq} staat na de laatste regel volgens de kop "
                                       f"({head.last_seq}) en is ingevoegd.")
            continue
        gap = line.seq > prev_seq + 1
        if gap:
            add("verwijderd", prev_seq + 1, f"{_range(prev_seq + 1, line.seq - 1).capitalize()} ontbreekt: verwijderd.")
        linked = gap or prev_broken or line.prev_hash == prev_hash
        if not intact:
            moved = _moved_from(line, head.chain)
            if moved is not None:
                add("verplaatst", line.seq, f"Regel {moved} staat op plaats {line.seq}: verplaatst.")
            elif not linked:
                add("ingevoegd", line.seq, f"Regel {line.seq} hoort niet in de keten (de verwijzing naar regel "
                                           f"{prev_seq} klopt niet): ingevoegd of vervangen.")
            else:
                add("gewijzigd", line.seq, f"Regel {line.seq} is gewijzigd: de hash klopt niet meer.")
        elif not linked:
            add("gewijzigd", line.seq - 1, f"De verwijzing van regel {line.seq} naar regel {line.seq - 1} klopt "
                                           "niet: de regel ervoor is gewijzigd of vervangen.")
        prev_seq, prev_hash, prev_broken = line.seq, line.hash, not intact
    if prev_seq < head.last_seq:
        add("verwijderd", prev_seq + 1,
            f"{_range(prev_seq + 1, head.last_seq).capitalize()} aan het eind ontbreekt: verwijderd.")
    elif prev_hash != head.last_hash and not prev_broken:
        add("gewijzigd", prev_seq, f"De laatste regel ({prev_seq}) is niet de regel die de kop noemt.")
    return reported


def _check_storage_order(model, report: Report, reported: set[int], chain: str) -> None:
    """Lines are stored in the order of their numbers; a line stored out of order was moved."""
    highest = None
    for seq in lines_of(model, chain).order_by("id").values_list("seq", flat=True).iterator(chunk_size=5000):
        if highest is not None and seq < highest and seq not in reported:
            report.add("verplaatst", seq, f"Regel {seq} staat na regel {highest} opgeslagen: de volgorde is "
                                          "gewijzigd.")
        highest = seq if highest is None else max(highest, seq)


# --------------------------------------------------------------------------------- retention


class ChainBroken(Exception):
    """A chain that does not verify is not pruned: tampering is a security incident (BIO 12.4.2/04)."""

    def __init__(self, report: Report):
        super().__init__(report.problems[0].message if report.problems else "de keten klopt niet")
        self.report = report


def prune(model: type[AppendOnlyModel], time_field: str, cutoff, now, dry_run: bool = False,
          chain: str | None = None) -> int:
    """Remove the lines before the first line at or after ``cutoff`` as one block from the start of
    the chain; the head keeps the first kept line and the hash before it (the checkpoint), so the
    rest still verifies. Refuses (ChainBroken) when the chain does not verify. Returns the number of
    lines removed (with ``dry_run``: that would be)."""
    with transaction.atomic():
        chain = chain or model.CHAIN
        head = LogChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            return 0
        lines = lines_of(model, chain)
        first_kept = (lines.filter(**{f"{time_field}__gte": cutoff}, seq__gte=head.checkpoint_seq)
                      .order_by("seq").values_list("seq", "prev_hash").first())
        first_seq, prev_hash = first_kept or (head.last_seq + 1, head.last_hash)
        expired = lines.filter(seq__lt=first_seq)
        count = expired.count()
        if dry_run or not count:
            return count
        report = verify(model, chain)
        if not report.ok:
            raise ChainBroken(report)
        with allow_deletes():
            removed = expired._delete_expired()
        head.checkpoint_seq, head.checkpoint_prev_hash = first_seq, prev_hash
        head.checkpoint_at, head.pruned = now, head.pruned + removed
        save_head(head)
    return removed


# ------------------------------------------------------------------ database-level guard


_guard = threading.local()


def deletes_allowed() -> bool:
    return getattr(_guard, "depth", 0) > 0


@contextlib.contextmanager
def allow_deletes():
    """Lift the database triggers' refusal of DELETE for this thread and transaction: for the
    retention of the log chains and for ``flush`` (which empties the whole database)."""
    postgres = connection.vendor == "postgresql" and connection.in_atomic_block
    _guard.depth = getattr(_guard, "depth", 0) + 1
    try:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL meldpunt.log_delete = 'on'")
        yield
        # After an error the transaction (or savepoint) rolls back, and the setting with it.
        if postgres and _guard.depth == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL meldpunt.log_delete = 'off'")
    finally:
        _guard.depth -= 1


def register_sqlite_guard(sender, connection, **_kwargs) -> None:
    """SQLite has no session settings: the trigger asks this function (absent outside the app)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("meldpunt_log_delete_allowed", 0, lambda: int(deletes_allowed()))
