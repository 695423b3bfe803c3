"""The key ring of a record's controller (ADR 0030 §5): every seal, unseal and pseudonym of a
record goes through the ring of the gemeente that owns it, found through OWNER_PATHS.

The home tenant has slot "" (the installation's key files); every later gemeente its own slot.
IP-based keys (refusals, throttling) are about the installation, not a controller: they keep "".
"""

from __future__ import annotations

from django.db.utils import DatabaseError

from meldpunt.core import keys

from .models import Tenant
from .ownership import gemeente_code_of


class NoController(LookupError):
    """A record whose gemeente is not known: its data cannot be sealed or pseudonymised safely."""


def code_of(gemeente) -> str:
    """The CBS code of a Tenant or a code."""
    return gemeente.code if isinstance(gemeente, Tenant) else str(gemeente).strip().upper()


def tenant_of(gemeente) -> Tenant:
    if isinstance(gemeente, Tenant):
        return gemeente
    tenant = Tenant.objects.filter(code=code_of(gemeente)).first()
    if tenant is None:
        raise NoController(f"Gemeente {gemeente} is niet aangesloten bij deze installatie.")
    return tenant


# A tenant's key slot and log chain never change once it exists (its sealed data and its lines
# depend on them), so they are remembered per process: a log line costs no extra query. Only
# tenants found are remembered.
_controllers: dict[str, tuple[str, str]] = {}


def controller(code: str) -> tuple[str, str]:
    """(key slot, log chain) of the gemeente with this CBS code."""
    found = _controllers.get(code)
    if found is None:
        found = Tenant.objects.filter(code=code).values_list("key_slot", "log_chain").first()
        if found is None:
            raise NoController(f"Gemeente {code} is niet aangesloten bij deze installatie.")
        _controllers[code] = found
    return found


def slot_of(gemeente) -> str:
    if isinstance(gemeente, Tenant):
        return gemeente.key_slot
    return controller(code_of(gemeente))[0]


def ring_for(gemeente) -> keys.KeyRing:
    """The ring of a gemeente (a Tenant or its code)."""
    return keys.ring(slot_of(gemeente))


def ring_of(obj) -> keys.KeyRing:
    """The ring of the gemeente that owns ``obj`` (a signal, an attachment, an inzageverzoek…)."""
    code = gemeente_code_of(obj)
    if code is None:
        raise NoController(f"Van {obj._meta.verbose_name} is niet bekend van welke gemeente het is: "
                           "de gegevens kunnen niet met de juiste sleutel worden versleuteld.")
    return ring_for(code)


def active_slots() -> list[tuple[str, str]]:
    """(name, slot) of every active tenant, for the readiness probe and ensure_keys."""
    return list(Tenant.objects.filter(active=True).order_by("naam").values_list("naam", "key_slot"))


def ensure_tenant_keys(**_kwargs) -> None:
    """After migrate: every active tenant's key files exist, so the probe can tell a lost file
    from one not yet made. Before the tenancy tables exist there is nothing to do."""
    try:
        slots = [slot for _naam, slot in active_slots()]
    except DatabaseError:
        return
    for slot in slots:
        keys.ring(slot).ensure()
