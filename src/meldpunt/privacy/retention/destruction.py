"""Execute a destruction list: every copy goes, a tombstone and a statement remain (P4).

In one transaction per list:
1. lock the list; it must be approved and past its bedenktijd;
2. recompute the dates of its records and exclude what is no longer due (a legal hold on the
   record or, for a casus, on one of its signals; an open inzageverzoek; a later date; already
   gone) — excluded items stay on the list with the reason (blocks.py);
3. collect what must outlive the data: tombstones (metadata only) and the data subjects for
   the processing log (from the clear rows and, for sealed signals, the sealed payload);
4. write the verklaring van vernietiging (Archiefbesluit 1995 art. 8) and the tombstones;
5. run the destroy hooks registered for before the purge (casusoverleg rows shared by casussen),
   purge the casussen and signals with everything hanging from them (purge.py), run the other
   hooks (derived tables, caches) and log one line per data subject;
6. after the commit, delete the files (attachments, sealed or not) and clear what the database
   engine keeps of the deleted rows: checkpoint SQLite's write-ahead log, VACUUM the tables on
   PostgreSQL (residue.py, docs/adr/0018).
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from meldpunt.core import peildatum as core_peildatum
from meldpunt.privacy import log
from meldpunt.privacy.log import DataSubject
from meldpunt.tenancy.counters import statement_number
from meldpunt.tenancy.keys import ring_for

from . import blocks, dates, destroy_hooks, purge, registry, residue, terms
from .errors import DestructionError  # noqa: F401 (re-exported)
from .models import (
    DestructionList,
    DestructionListItem,
    DestructionStatement,
    ItemStatus,
    ListStatus,
    RecordKind,
    ResultClass,
    Tombstone,
)

logger = logging.getLogger(__name__)
LOG_SLICE = 10_000

METHOD = ("Digitaal verwijderd uit de database van Meldpunt Ondermijning met alle afgeleide gegevens: "
          "betrokkenen, contactgegevens, bijlagen en hun bestanden, wegingen, statusgeschiedenis, "
          "doorzendingen, koppelingen, versleuteld bewaarde inhoud en afgeleide tabellen. "
          "Alleen metagegevens (kenmerk, soort, resultaatklasse, data) blijven bewaard.")


@dataclass
class Outcome:
    destruction_list: DestructionList
    statement: DestructionStatement | None
    destroyed: Counter = field(default_factory=Counter)
    excluded: int = 0
    rows: dict = field(default_factory=dict)
    files: int = 0
    seconds: dict = field(default_factory=dict)  # per phase, for operators and the benchmark
    tables: tuple[str, ...] = ()  # the tables rows were deleted from
    residue: residue.Report | None = None  # set after the commit (checkpoint or VACUUM)


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 2)
        self._last = now


def _person(user) -> str:
    if user is None:
        return "systeem (dagelijkse bewaartermijnentaak)"
    return (user.get_full_name() or user.get_username())[:200]


def _ready(destruction_list: DestructionList, now) -> None:
    if destruction_list.status != ListStatus.BEDENKTIJD:
        raise DestructionError("Alleen een goedgekeurde lijst kan worden uitgevoerd.")
    if destruction_list.cooling_off_until is None or destruction_list.cooling_off_until > now:
        raise DestructionError("De bedenktijd van deze lijst loopt nog.")


def _exclude(destruction_list, kind, ids, note) -> int:
    if not ids:
        return 0
    return DestructionListItem.objects.filter(destruction_list=destruction_list, kind=kind,
                                              object_id__in=ids).update(status=ItemStatus.UITGEZONDERD, note=note)


def _exclude_rest(destruction_list, kind, ids, existing: set, blocked: dict[int, str], ok: set) -> int:
    """Mark every listed record that will not be destroyed, with the reason."""
    by_reason: dict[str, list[int]] = defaultdict(list)
    for pk in ids:
        if pk not in existing:
            by_reason["bestaat niet meer"].append(pk)
        elif pk in blocked:
            by_reason[blocked[pk]].append(pk)
        elif pk not in ok:
            by_reason["bewaartermijn nog niet verstreken"].append(pk)
    return sum(_exclude(destruction_list, kind, sorted(pks), note) for note, pks in sorted(by_reason.items()))


def _eligible_cases(destruction_list, ids, today):
    Casus = registry.model(registry.CASUS)
    # Lock the cases: a regisseur re-opening one now waits, and then finds it gone.
    list(Casus.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    dates.recompute_cases(Casus.objects.filter(pk__in=ids))
    # Holds on the casus and on every signal of its dossier, and open inzageverzoeken.
    blocked = blocks.blocked_cases(ids, today)
    # Only the list's own gemeente's records: a list is one controller's (ADR 0030 §7).
    rows = {pk: (d, closed) for pk, d, closed in Casus.objects.filter(
        pk__in=ids, gemeente_id=destruction_list.gemeente_id).values_list("pk", "destroy_after", "closed_at")}
    ok = [pk for pk in ids if pk in rows and pk not in blocked and rows[pk][1] and rows[pk][0]
          and rows[pk][0] <= today]
    return ok, _exclude_rest(destruction_list, RecordKind.CASUS, ids, set(rows), blocked, set(ok))


def _signals_of_cases(case_ids: list[int]) -> list[int]:
    """Signals in the dossier of these cases: state 'casus' and in no casus that stays."""
    CasusSignal = registry.model(registry.CASUS_SIGNAL)
    if not case_ids:
        return []
    links = defaultdict(set)
    candidates = CasusSignal.objects.filter(casus_id__in=case_ids, signal__state=dates.CASUS_STATE)
    for signal_id, casus_id in CasusSignal.objects.filter(
            signal_id__in=candidates.values("signal_id")).values_list("signal_id", "casus_id"):
        links[signal_id].add(casus_id)
    chosen = set(case_ids)
    return sorted(s for s, cases in links.items() if cases <= chosen)


def _eligible_signals(destruction_list, ids, today):
    Signal = registry.model(registry.SIGNAL)
    dates.recompute_signals(Signal.objects.filter(pk__in=ids))
    blocked = blocks.blocked_signals(ids, today)
    due = dict(Signal.objects.filter(pk__in=ids, gemeente_id=destruction_list.gemeente_id)
               .values_list("pk", "destroy_after"))
    ok = [pk for pk in ids if pk in due and pk not in blocked and due[pk] and due[pk] <= today]
    return ok, _exclude_rest(destruction_list, RecordKind.SIGNAAL, ids, set(due), blocked, set(ok))


def _chunks(ids, size=5000):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _signal_subjects(signal_ids: list[int]) -> set[tuple[str, str]]:
    """The data subjects of these signals, read before they go (log.record pseudonymises them)."""
    MentionedSubject, Signal = registry.model(registry.MENTIONED_SUBJECT), registry.model(registry.SIGNAL)
    found: set[tuple[str, str]] = set()
    covered: set[int] = set()
    for chunk in _chunks(signal_ids):
        for signal_id, mention_pk, bsn, kvk, address in MentionedSubject.objects.filter(
                signal_id__in=chunk).values_list("signal_id", "pk", "bsn", "kvk_nummer", "address_id"):
            covered.add(signal_id)
            if bsn:
                found.add(("bsn", bsn))
            elif kvk:
                found.add(("kvk", kvk))
            elif address:
                found.add(("bag", address))
            else:
                found.add(("intern", f"betrokkene:{mention_pk}"))
        for pk, address, sealed, gemeente in Signal.objects.filter(pk__in=chunk).values_list(
                "pk", "address_id", "sealed", "gemeente_id"):
            if address:
                found.add(("bag", address))
                covered.add(pk)
            if sealed is not None:
                try:
                    payload = json.loads(ring_for(gemeente).unseal(sealed))  # its controller's key
                except ValueError:
                    logger.warning("Versleutelde inhoud van signaal %s is niet te openen; gelogd op het signaal.", pk)
                    payload = {}
                for kind, identifier in payload.get("log_subjects", []):
                    found.add((kind, identifier))
                    covered.add(pk)
            if pk not in covered:
                found.add(("intern", f"signaal:{pk}"))
    return found


def _signal_tombstones(signal_ids, statement, now, casus_class: dict[int, ResultClass]) -> list[Tombstone]:
    CasusSignal, Signal = registry.model(registry.CASUS_SIGNAL), registry.model(registry.SIGNAL)
    found = terms.load()
    casus_of = dict(CasusSignal.objects.filter(signal_id__in=signal_ids).values_list("signal_id", "casus_id")) \
        if casus_class else {}
    stones = []
    for chunk in _chunks(signal_ids):
        for pk, gemeente, reference, phenomenon, state, received_at, since, destroy_after in Signal.objects.filter(
                pk__in=chunk).values_list("pk", "gemeente_id", "reference", "phenomenon_id", "state", "received_at",
                                          "state_since", "destroy_after"):
            result = found.signal_class(gemeente, state) or casus_class.get(casus_of.get(pk))
            stones.append(Tombstone(
                kind=RecordKind.SIGNAAL, object_id=pk, reference=reference, phenomenon_code=phenomenon or "",
                last_state=state, started_on=dates.local_date(received_at),
                result_class_code=result.code if result else "",
                selectielijst_item=result.selectielijst_item if result else "",
                brondatum=dates.local_date(since) if state != dates.CASUS_STATE else None,
                destroy_after=destroy_after, destroyed_at=now, statement=statement,
                gemeente_code=statement.destruction_list.gemeente_id))
    return stones


def _casus_tombstones(case_ids, statement, now) -> tuple[list[Tombstone], dict[int, ResultClass]]:
    Casus = registry.model(registry.CASUS)
    stones, classes = [], {}
    for casus in Casus.objects.filter(pk__in=case_ids).select_related("result_class"):
        result = casus.result_class
        classes[casus.pk] = result
        stones.append(Tombstone(
            kind=RecordKind.CASUS, object_id=casus.pk, reference=casus.reference, last_state=casus.state,
            started_on=dates.local_date(casus.opened_at), result_class_code=result.code if result else "",
            selectielijst_item=result.selectielijst_item if result else "",
            brondatum=dates.local_date(casus.closed_at), destroy_after=casus.destroy_after, destroyed_at=now,
            statement=statement, gemeente_code=statement.destruction_list.gemeente_id))
    return stones, classes


def _specification(stones: list[Tombstone]) -> tuple[list[dict], str]:
    """Per kind and result class: how many, which selectielijst item, the range of dates."""
    groups: dict[tuple[str, str, str], list[Tombstone]] = defaultdict(list)
    for stone in stones:
        groups[(stone.kind, stone.result_class_code, stone.selectielijst_item)].append(stone)
    # The terms of the list's gemeente, the controller that destroys (ADR 0030 §7).
    found = terms.load()
    spec, grounds = [], []
    for (kind, code, item), members in sorted(groups.items()):
        result = found.result_class(members[0].gemeente_code or None, code)
        after = [s.destroy_after for s in members if s.destroy_after]
        spec.append({
            "soort": RecordKind(kind).label, "resultaatklasse": code, "selectielijst": item,
            "omschrijving": result.name if result else "", "termijn": result.term_label if result else "",
            "aantal": len(members),
            "vernietigbaar_vanaf": min(after).isoformat() if after else "",
            "vernietigbaar_tot": max(after).isoformat() if after else "",
        })
        if result:
            grounds.append(f"{result.name} ({item or 'lokale regel'}, {result.term_label}): {result.source}")
    return spec, "\n".join(dict.fromkeys(grounds))


def _delete_files(files) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Bestand %s kon niet worden verwijderd; de taak probeert het niet opnieuw.", name)


@transaction.atomic
def execute(destruction_list: DestructionList, *, user=None, peildatum: date | None = None) -> Outcome:
    """Execute ``destruction_list``; ``user`` None is the daily job. ``peildatum``: decide as of
    that day (is the bedenktijd over, is each term passed, which holds still run); the statement
    and the tombstones keep the real moment."""
    Casus, Signal = registry.model(registry.CASUS), registry.model(registry.SIGNAL)
    clock = _Clock()
    now = timezone.now()
    at = core_peildatum.moment(peildatum)
    today = timezone.localdate(at)
    destruction_list = DestructionList.objects.select_for_update().get(pk=destruction_list.pk)
    _ready(destruction_list, at)
    items = DestructionListItem.objects.filter(destruction_list=destruction_list, status=ItemStatus.OPGENOMEN)
    by_kind = defaultdict(list)
    for kind, object_id in items.values_list("kind", "object_id"):
        by_kind[kind].append(object_id)
    case_ids, excluded = _eligible_cases(destruction_list, by_kind[RecordKind.CASUS], today)
    listed_signals, excluded_signals = _eligible_signals(destruction_list, by_kind[RecordKind.SIGNAAL], today)
    excluded += excluded_signals
    signal_ids = sorted(set(listed_signals) | set(_signals_of_cases(case_ids)))
    # Last check on everything that is about to go, the signals taken along with a casus included:
    # nothing held or asked about may slip through another path (refuse rather than destroy).
    if blocks.blocked_signals(signal_ids, today) or blocks.blocked_cases(case_ids, today):
        raise DestructionError("Een dossier op deze lijst valt onder een bewaarplicht of een open inzageverzoek; "
                               "de lijst is niet uitgevoerd. Probeer het opnieuw of neem contact op met beheer.")
    clock.lap("controleren")

    statement = DestructionStatement.objects.create(
        destruction_list=destruction_list, number=statement_number(destruction_list.gemeente_id, now.year),
        made_at=now,
        grounds="", method=f"{METHOD} {residue.backup_sentence()}", composed_by=_person(destruction_list.composed_by),
        approved_by=_person(destruction_list.reviewed_by), executed_by=_person(user),
        destroyed_count=0, excluded_count=excluded)
    case_stones, casus_class = _casus_tombstones(case_ids, statement, now)
    stones = case_stones + _signal_tombstones(signal_ids, statement, now, casus_class)
    subjects = _signal_subjects(signal_ids) | {("intern", f"casus:{pk}") for pk in case_ids}
    clock.lap("verzamelen")

    Tombstone.objects.bulk_create(stones, batch_size=5000)
    statement.specification, statement.grounds = _specification(stones)
    statement.destroyed_count = len(stones)
    statement.save(update_fields=["specification", "grounds", "destroyed_count"])
    clock.lap("grafstenen_en_verklaring")

    references = tuple(s.reference for s in stones)
    destroyed = destroy_hooks.Destroyed(tuple(signal_ids), tuple(case_ids), references)
    destroy_hooks.run(destroyed, before_purge=True)
    # The tombstones name exactly what goes: purge joins on them (one statement per table).
    gone = Tombstone.objects.filter(statement=statement)
    result = purge.purge(Casus, gone.filter(kind=RecordKind.CASUS).values("object_id"))
    purge.purge(Signal, gone.filter(kind=RecordKind.SIGNAAL).values("object_id"), result)
    destroy_hooks.run(destroyed)
    clock.lap("verwijderen")

    # Every item not excluded above was destroyed.
    items.update(status=ItemStatus.VERNIETIGD)
    destruction_list.status = ListStatus.UITGEVOERD
    destruction_list.executed_by = user
    destruction_list.executed_at = now
    destruction_list.save(update_fields=["status", "executed_by", "executed_at"])
    clock.lap("status")
    # One line per data subject, written in slices so a list of 100,000 records stays a few
    # inserts of reasonable size rather than one statement with millions of parameters.
    ordered = sorted(subjects)
    for start in range(0, len(ordered), LOG_SLICE):
        log.record("vernietigen", "vernietigen",
                   [DataSubject(kind, identifier) for kind, identifier in ordered[start:start + LOG_SLICE]],
                   user=user, obj=destruction_list, basis=f"Verklaring {statement.number}")
    clock.lap("verwerkingslog")
    files = list(result.files)
    outcome = Outcome(destruction_list, statement, Counter(s.kind for s in stones), excluded, result.rows,
                      len(files), clock.laps, tuple(sorted(result.tables)))

    def after_commit():
        _delete_files(files)
        outcome.residue = residue.after_destruction(outcome.tables)

    transaction.on_commit(after_commit)
    return outcome
