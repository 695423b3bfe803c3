"""B's index for hit/no-hit (ADR 0030 §8.3): per canonical value of each of B's signals that may
be found, one keyed digest. Kept in step by intake's subjects-changed hook; rebuilt by
``meldpunt regio index``. Derived data: a change of the digest function is a rebuild."""

from __future__ import annotations

from meldpunt.core.identifiers import InvalidIdentifier
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.tenancy.models import Tenant

from . import matching
from .keys import match_key
from .models import MatchDigest


def canonicals_of_mention(mention: MentionedSubject) -> list[matching.Canonical]:
    """What a question can be about: BSN, KvK-nummer, the address in postcode form (from the BAG
    nummeraanduiding) and the kenteken. A bad stored value is skipped, not fatal: a signal's
    subjects were cleaned at intake, an odd old value only cannot be found."""
    address = mention.address
    found = []
    for make in (lambda: matching.canonicals_of(bsn=mention.bsn),
                 lambda: matching.canonicals_of(kvk_nummer=mention.kvk_nummer),
                 lambda: matching.canonicals_of(address=matching.Address(
                     address.postcode, address.huisnummer, address.huisletter, address.toevoeging)
                     if address is not None else None),
                 lambda: matching.canonicals_of(kenteken=mention.kenteken)):
        try:
            found += make()
        except InvalidIdentifier:
            continue
    return found


def findable(signal: Signal) -> bool:
    """Not sealed ('geen actie') and not destroyed; any state otherwise (B weighs anyway)."""
    return not signal.is_sealed and Signal.objects.filter(pk=signal.pk).exists()


def _rows(signal: Signal, key: bytes) -> list[MatchDigest]:
    rows, seen = [], set()
    for mention in MentionedSubject.objects.filter(signal=signal).select_related("address").order_by("pk"):
        for canonical in canonicals_of_mention(mention):
            value = matching.digest(key, canonical)
            if (mention.pk, value) not in seen:
                seen.add((mention.pk, value))
                rows.append(MatchDigest(gemeente_id=signal.gemeente_id, kind=canonical.kind.value, digest=value,
                                        signal=signal, mention=mention))
    return rows


def signal_changed(signal: Signal) -> None:
    """The intake hook: recompute the digests of one signal (in the caller's transaction)."""
    MatchDigest.objects.filter(signal_id=signal.pk).delete()
    if not findable(signal):
        return
    tenant = Tenant.objects.get(pk=signal.gemeente_id)
    MatchDigest.objects.bulk_create(_rows(signal, match_key(tenant.code, tenant.key_slot)))


def rebuild(tenant: Tenant) -> int:
    """Recompute the whole index of one gemeente; returns the number of digests."""
    key = match_key(tenant.code, tenant.key_slot)
    MatchDigest.objects.filter(gemeente=tenant).delete()
    rows = []
    for signal in Signal.objects.filter(gemeente=tenant, sealed__isnull=True).iterator():
        rows += _rows(signal, key)
    MatchDigest.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
