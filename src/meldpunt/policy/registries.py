"""Registry details behind source research (design §3, step 3): who asks to open them, who reads
which fields, and which related registry records a user sees by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meldpunt.accounts.roles import Role

from .base import active, holds
from .signals import may_read_signal

if TYPE_CHECKING:
    from meldpunt.accounts.models import User

# Who reads approved registry details (their requester or the signal's assignee, in one of these roles).
DETAIL_READER_ROLES = frozenset({Role.REGISSEUR, Role.TEAMLID})


def _grants_registry_details(user: User, detail_request) -> bool:
    """The part of ``may_read_registry_details`` that needs no query: an approved request with approved
    fields, and the user its requester or the signal's assignee in a role that reads registry details."""
    if detail_request is None or not active(user):
        return False
    if not holds(user, DETAIL_READER_ROLES, detail_request.hit.request.signal.gemeente_id):
        return False
    if detail_request.state != "toegestaan" or not detail_request.approved_fields:
        return False
    return user.pk in (detail_request.requested_by_id, detail_request.hit.request.signal.assigned_to_id)


def may_read_registry_details(user: User, detail_request=None) -> bool:
    """Registry details are opened only through approved source research (design §3, step 3):
    an approved details request, read by the person who asked it or the signal's lead, who must
    still read the signal. Which fields: only ``detail_request.approved_fields`` (the caller
    fetches exactly those). Without a request: nobody."""
    return _grants_registry_details(user, detail_request) and may_read_signal(user, detail_request.hit.request.signal)


def _readable_detail_requests(user: User, requests) -> list:
    """The requests (all of one signal, ``hit__request__signal`` selected) that ``may_read_registry_details``
    grants this user, with one check of the signal for all of them rather than one per request."""
    granted = [request for request in requests if _grants_registry_details(user, request)]
    if not granted or not may_read_signal(user, granted[0].hit.request.signal):
        return []
    return granted


# Who may ask to open details behind a hit, and when (design §3, step 3; protocol.research.request_details).
DETAIL_REQUEST_ROLES = frozenset({Role.REGISSEUR})
DETAIL_REQUEST_STATES = frozenset({"bronnenonderzoek"})


def may_request_details(user: User, signal) -> bool:
    """May this user ask to open details behind a hit of ``signal``? The regisseur who reads the signal,
    while it is in bronnenonderzoek. The linking page offers "Details aanvragen" through this, and
    ``protocol.research.request_details`` refuses through it."""
    if signal is None or not active(user) or not holds(user, DETAIL_REQUEST_ROLES, signal.gemeente_id):
        return False
    return signal.state in DETAIL_REQUEST_STATES and may_read_signal(user, signal)


def may_ask_details(user: User, gemeente=None) -> bool:
    """Does this user hold the role that asks to open details behind a hit? Where and when:
    ``may_request_details``; the signal page offers the question per hit through this."""
    return holds(user, DETAIL_REQUEST_ROLES, gemeente)


# Related items (registries/related.py): the approved details, (source, field) on the signal, that open
# the names of each group; without them a group is counts only. The hops behind the companies at the
# address (their directors and the directors' other companies) need the functionarissen as well.
RELATED_GROUP_FIELDS = {
    "persons": frozenset({("BRP", "ingeschrevenen.burgerservicenummer")}),
    "companies": frozenset({("NHR", "vestigingen")}),
    "directors": frozenset({("NHR", "vestigingen"), ("NHR", "functionarissen")}),
    "other_companies": frozenset({("NHR", "vestigingen"), ("NHR", "functionarissen")}),
}


def related_identity_groups(user: User, signal) -> frozenset[str]:
    """Which groups of related registry records this user may see by name for ``signal`` (None: none)."""
    if signal is None or not active(user):
        return frozenset()
    # The domain apps import the policy while they load: their models only when asked.
    from meldpunt.protocol.research.models import DetailRequest

    approved: set[tuple[str, str]] = set()
    requests = DetailRequest.objects.filter(hit__request__signal=signal, state="toegestaan").select_related(
        "hit__request__signal", "hit__request__source")
    for request in _readable_detail_requests(user, requests):
        approved |= {(request.hit.request.source.code, field) for field in request.approved_fields}
    return frozenset(group for group, needed in RELATED_GROUP_FIELDS.items() if needed <= approved)


def approved_detail_fields(user: User, mention, source_code: str) -> frozenset[str]:
    """The fields of the source ``source_code`` about one mentioned subject that this user may read:
    those of the approved details requests behind the mention's hit that ``may_read_registry_details``
    grants. Empty: hit/no-hit only (design §3, step 3). Linking shows candidates through this."""
    if mention is None or not active(user):
        return frozenset()
    # The domain apps import the policy while they load: their models only when asked.
    from meldpunt.protocol.research.models import DetailRequest

    fields: set[str] = set()
    requests = DetailRequest.objects.filter(
        hit__subject=mention, hit__request__signal_id=mention.signal_id, hit__request__source__code=source_code,
        hit__request__state="toegestaan", state="toegestaan").select_related("hit__request__signal")
    for request in _readable_detail_requests(user, requests):
        fields |= set(request.approved_fields)
    return frozenset(fields)
