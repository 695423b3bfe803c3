"""Reads of the retention workflow: metadata only (reference, kind, phenomenon, result class,
dates) — never the content of a signal or casus, so the archivaris and the FG can see it.

A signal in a casus is not listed on its own: it is destroyed with its casus' dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from meldpunt import policy
from meldpunt.tenancy import current as current_gemeente
from meldpunt.tenancy.keys import code_of
from meldpunt.tenancy.models import Tenant

from . import blocks, dates, registry, terms
from .models import (
    OPEN_LIST_STATES,
    DestructionList,
    DestructionListItem,
    DestructionStatement,
    ItemStatus,
    LegalHold,
    RecordKind,
    Tombstone,
)

ROWS_PER_BUCKET = 200


@dataclass(frozen=True)
class DueRecord:
    kind: str
    pk: int
    reference: str
    phenomenon: str
    result_class_code: str
    result_class_label: str
    destroy_after: date
    on_list: bool = False

    @property
    def kind_label(self) -> str:
        return RecordKind(self.kind).label


def _listed_ids(kind: str) -> set[int]:
    return set(DestructionListItem.objects.filter(
        kind=kind, status=ItemStatus.OPGENOMEN, destruction_list__status__in=OPEN_LIST_STATES,
    ).values_list("object_id", flat=True))


def _blocked_ids(kind: str) -> set[int]:
    """Held, or (for a casus) with a held signal, or asked about in an open inzageverzoek."""
    return set(blocks.blocked_signals() if kind == RecordKind.SIGNAAL else blocks.blocked_cases())


def _signal_rows(condition: Q, result_class: str, references, limit: int | None):
    Signal = registry.model(registry.SIGNAL)
    found = terms.load()
    signals = Signal.objects.filter(condition).exclude(state=dates.CASUS_STATE).order_by("destroy_after", "id")
    if result_class:
        # Each gemeente's own rules say which end states give this class (ADR 0030 §7).
        own = sorted(found.gemeenten_with_own_rules())
        default = Q(state__in=found.states_of(None, result_class))
        for code in own:
            default &= ~Q(gemeente_id=code)
        wanted = default
        for code in own:
            wanted |= Q(gemeente_id=code, state__in=found.states_of(code, result_class))
        signals = signals.filter(wanted)
    if references is not None:
        signals = signals.filter(reference__in=references)
    rows = signals.values_list("pk", "gemeente_id", "reference", "phenomenon__name", "state", "destroy_after")
    for pk, gemeente, reference, phenomenon, state, destroy_after in (rows[:limit] if limit else rows):
        result = found.signal_class(gemeente, state)
        yield DueRecord(RecordKind.SIGNAAL, pk, reference, phenomenon or "", result.code if result else "",
                        str(result) if result else "", destroy_after)


def _casus_rows(condition: Q, result_class: str, references, limit: int | None):
    Casus = registry.model(registry.CASUS)
    cases = Casus.objects.filter(condition, closed_at__isnull=False).order_by("destroy_after", "id")
    if result_class:
        cases = cases.filter(result_class__code=result_class)
    if references is not None:
        cases = cases.filter(reference__in=references)
    rows = cases.values_list("pk", "reference", "result_class__code", "result_class__selectielijst_item",
                             "result_class__name", "destroy_after")
    for pk, reference, code, item, name, destroy_after in (rows[:limit] if limit else rows):
        yield DueRecord(RecordKind.CASUS, pk, reference, "", code or "", f"{item or ''} {name or ''}".strip(),
                        destroy_after)


def due_records(until: date, *, kind: str = "", result_class: str = "", references=None,
                include_listed: bool = True, since: date | None = None, limit: int | None = None,
                gemeente=None, gemeenten=None) -> list[DueRecord]:
    """Records whose destruction date is on or before ``until`` (and after ``since``), not blocked
    (a legal hold, a held signal in a casus, an open inzageverzoek: blocks.py); with
    ``include_listed`` False, not on an open destruction list either. With ``gemeente`` (a Tenant or
    its code) only that gemeente's records: a destruction list is one controller's (ADR 0030 §7).
    ``gemeenten``: the scope the person works for (tenancy.current), None = all."""
    condition = Q(destroy_after__lte=until) & current_gemeente.condition(gemeenten)
    if gemeente is not None:
        condition &= Q(gemeente_id=code_of(gemeente))
    if since is not None:
        condition &= Q(destroy_after__gt=since)
    found: list[DueRecord] = []
    for record_kind, rows in ((RecordKind.SIGNAAL, _signal_rows), (RecordKind.CASUS, _casus_rows)):
        if kind and kind != record_kind:
            continue
        held, listed = _blocked_ids(record_kind), _listed_ids(record_kind)
        for record in rows(condition, result_class, references, limit):
            if record.pk in held:
                continue
            on_list = record.pk in listed
            if on_list and not include_listed:
                continue
            found.append(DueRecord(**{**record.__dict__, "on_list": on_list}) if on_list else record)
    found.sort(key=lambda r: (r.destroy_after, r.reference))
    return found[:limit] if limit else found


@dataclass
class Bucket:
    key: str
    title: str
    count: int
    rows: list[DueRecord]


def _count(condition: Q) -> int:
    Casus, Signal = registry.model(registry.CASUS), registry.model(registry.SIGNAL)
    signals = Signal.objects.filter(condition).exclude(state=dates.CASUS_STATE)
    cases = Casus.objects.filter(condition, closed_at__isnull=False)
    held_signals, held_cases = _blocked_ids(RecordKind.SIGNAAL), _blocked_ids(RecordKind.CASUS)
    return (signals.count() - signals.filter(pk__in=held_signals).count()
            + cases.count() - cases.filter(pk__in=held_cases).count())


def watchlist(today: date | None = None, gemeente=None) -> list[Bucket]:
    """Overdue, within 15 days, within 30 days (domain §8.6 privacy dashboard); with ``gemeente``
    (a Tenant or its code) only that gemeente's records — each gemeente its own controller."""
    today = today or timezone.localdate()
    edges = (("vervallen", "Termijn verstreken", None, today),
             ("binnen_15", "Verloopt binnen 15 dagen", today, today + timedelta(days=15)),
             ("binnen_30", "Verloopt binnen 30 dagen", today + timedelta(days=15), today + timedelta(days=30)))
    own = Q(gemeente_id=code_of(gemeente)) if gemeente is not None else Q()
    buckets = []
    for key, title, since, until in edges:
        condition = own & Q(destroy_after__lte=until) & (Q(destroy_after__gt=since) if since else Q())
        rows = due_records(until, since=since, limit=ROWS_PER_BUCKET, gemeente=gemeente)
        buckets.append(Bucket(key, title, _count(condition), rows))
    return buckets


def active_holds(gemeente=None):
    """The holds in force; with ``gemeente`` those on its signals and casussen."""
    holds = LegalHold.objects.filter(dates.active_holds_q())
    if gemeente is not None:
        code = code_of(gemeente)
        holds = holds.filter(Q(signal__gemeente_id=code) | Q(casus__gemeente_id=code))
    return holds.select_related("signal", "casus", "placed_by").order_by("-placed_at")


@dataclass
class GemeenteOverview:
    """One gemeente's part of the Bewaartermijnen page: its watchlist and its holds."""

    gemeente: Tenant
    buckets: list[Bucket]
    holds: list


def gemeenten_of(user, page: str = "bewaartermijnen_inzien") -> list[Tenant]:
    """The gemeenten (by name) where ``user`` holds a role of ``page``."""
    return list(Tenant.objects.filter(code__in=policy.page_gemeenten(user, page)).order_by("naam"))


def overviews(user, today: date | None = None) -> list[GemeenteOverview]:
    """The watchlist and holds of each gemeente where ``user`` opens the retention pages — never
    another gemeente's records (ADR 0030 §7)."""
    return [GemeenteOverview(tenant, watchlist(today, gemeente=tenant), list(active_holds(tenant)))
            for tenant in gemeenten_of(user)]


def destruction_lists(user=None, gemeenten=None):
    """The lists of the gemeenten where ``user`` opens the retention pages (every list for the
    system), narrowed to the scope the person works for (``gemeenten``, tenancy.current)."""
    lists = DestructionList.objects.all() if user is None else policy.on_page(
        user, "bewaartermijnen_inzien", DestructionList.objects.all())
    return current_gemeente.limit(lists, gemeenten).select_related("composed_by", "reviewed_by").annotate(
        item_count=Count("items"))


def destruction_list(pk: int, user=None) -> DestructionList:
    return destruction_lists(user).get(pk=pk)


def list_items(destruction_list: DestructionList, limit: int = 500):
    """The first ``limit`` items, each with ``result_class_name``: the name people read, not the code."""
    items = list(destruction_list.items.all()[:limit])
    names = dict(terms.defaults().filter(code__in={i.result_class_code for i in items}).values_list("code", "name"))
    for item in items:
        item.result_class_name = names.get(item.result_class_code, item.result_class_code)
    return items


def statements(user=None):
    found = DestructionStatement.objects.all() if user is None else policy.on_page(
        user, "bewaartermijnen_inzien", DestructionStatement.objects.all())
    return found.select_related("destruction_list")


def tombstones(statement: DestructionStatement):
    return Tombstone.objects.filter(statement=statement).order_by("id")


def result_classes():
    """The classes a record can be given: the installation's default rows (a gemeente's own row only
    changes the term that applies, terms.py)."""
    return terms.defaults().filter(active=True)
