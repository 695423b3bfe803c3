"""Kenmerken per gemeente (ADR 0030 §7): each controller numbers its own signals, inzageverzoeken
and verklaringen van vernietiging, so a kenmerk never shows how many records *another* gemeente
has. The counter row is locked (select_for_update) in the caller's transaction: two writers never
draw the same number, and a rolled-back write gives its number back. The lock is FOR NO KEY UPDATE:
every row that points at its gemeente takes FOR KEY SHARE on the tenant row in its foreign-key
check, and a FOR UPDATE here made an intake (tenant, then log head) and a weging (log head, then a
row of the gemeente) wait on each other — a deadlock under load (bench/load.py at 50 users)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import Tenant

COUNTERS = ("next_signal_number", "next_inzage_number", "next_statement_number")


def draw(gemeente, counter: str, count: int = 1) -> tuple[Tenant, int]:
    """The tenant and the next number of ``counter`` for ``gemeente`` (a Tenant or its code);
    with ``count``, the first of that many consecutive numbers (a bulk load)."""
    if counter not in COUNTERS:
        raise ValueError(f"Onbekende teller {counter!r}.")
    code = gemeente.code if isinstance(gemeente, Tenant) else gemeente
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update(no_key=True).get(code=code)
        number = getattr(tenant, counter)
        Tenant.objects.filter(code=code).update(**{counter: F(counter) + count})
    return tenant, number


def signal_reference_of(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:07d}"


def skip_past(gemeente, counter: str, highest: int) -> None:
    """After loading records numbered up to ``highest``: the counter continues after it."""
    code = gemeente.code if isinstance(gemeente, Tenant) else gemeente
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update(no_key=True).get(code=code)
        if getattr(tenant, counter) <= highest:
            Tenant.objects.filter(code=code).update(**{counter: highest + 1})


def signal_reference(gemeente, year: int) -> str:
    """``ZA-2026-0000123``: prefix of the gemeente, the year, its own running number."""
    tenant, number = draw(gemeente, "next_signal_number")
    return signal_reference_of(tenant.reference_prefix, year, number)


def inzage_reference(gemeente, year: int) -> str:
    tenant, number = draw(gemeente, "next_inzage_number")
    return f"IV-{tenant.reference_prefix}-{year}-{number:05d}"


def statement_number(gemeente, year: int) -> str:
    tenant, number = draw(gemeente, "next_statement_number")
    return f"VV-{tenant.reference_prefix}-{year}-{number:03d}"
