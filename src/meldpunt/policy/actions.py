"""Actions outside the signal and casus pages: source research (step 3) and retention (P4). Each
service raises its own Dutch refusal when one of these says no."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from meldpunt.accounts.roles import Role

from .base import active, granted, holds, owner

if TYPE_CHECKING:
    from meldpunt.accounts.models import User

# ``gemeente`` in every may_* below: the gemeente of the record concerned (a signal, a source, a
# destruction list), where the role must be held (ADR 0030 §3); without it, in some gemeente (a page
# or form asked before a record is known). The lists come through ``records_for``.

# ------------------------------------------------------------------------------ source research

# Who asks to consult sources (and asks a connector again): the regisseur (protocol.research).
REQUESTER_ROLES = frozenset({Role.REGISSEUR})
# Who decides privacy check 1, per source and per details request (never their own: four eyes).
PC1_ROLES = frozenset({Role.PRIVACYFUNCTIONARIS})
# Who answers hit/no-hit and supplies details for a source without connector (only their own source).
BRONHOUDER_ROLES = frozenset({Role.BRONHOUDER})


def may_request_sources(user: User, gemeente=None) -> bool:
    """Does this user hold the role that asks to consult sources about a signal? Reading the signal
    and its step are checked by the caller (protocol.research.request_sources)."""
    return holds(user, REQUESTER_ROLES, gemeente)


def may_decide_pc1(user: User, gemeente=None) -> bool:
    """May this user decide privacy check 1 (a source request or a details request)?"""
    return holds(user, PC1_ROLES, gemeente)


def may_answer_as_bronhouder(user: User, gemeente=None) -> bool:
    """Does this user answer for a source without connector? Which source: the caller checks."""
    return holds(user, BRONHOUDER_ROLES, gemeente)


# ------------------------------------------------------------------------------ retention (P4)

COMPOSER_ROLES = frozenset({Role.ARCHIVARIS})
EXECUTOR_ROLES = frozenset({Role.ARCHIVARIS})
HOLD_ROLES = frozenset({Role.ARCHIVARIS, Role.REGISSEUR})
# Who sets a gemeente's retention terms (ADR 0030 §7): functioneel beheer of that gemeente.
TERM_ROLES = frozenset({Role.BEHEERDER})


def destruction_reviewer_roles() -> frozenset[str]:
    """Who reviews a destruction list: set per installation (MELDPUNT_DESTRUCTION_REVIEWER_ROLES)."""
    return frozenset(settings.MELDPUNT_DESTRUCTION_REVIEWER_ROLES)


def _active_in(user, roles, gemeente=None) -> bool:
    return active(user) and holds(user, roles, gemeente)


def may_compose_destruction_list(user: User, gemeente=None) -> bool:
    return _active_in(user, COMPOSER_ROLES, gemeente)


def may_review_destruction_list(user: User, gemeente=None) -> bool:
    return _active_in(user, destruction_reviewer_roles(), gemeente)


def may_cancel_destruction_list(user: User, gemeente=None) -> bool:
    """The archivaris who composes lists, or a reviewer, may cancel one before it is carried out."""
    return _active_in(user, COMPOSER_ROLES | destruction_reviewer_roles(), gemeente)


def may_execute_destruction_list(user: User, gemeente=None) -> bool:
    return _active_in(user, EXECUTOR_ROLES, gemeente)


def may_set_retention_terms(user: User, gemeente) -> bool:
    """May this user change the retention terms of ``gemeente`` (a Tenant or its code)? Only its own
    beheerder: each gemeente is the controller of its records."""
    return gemeente is not None and _active_in(user, TERM_ROLES, gemeente)


def may_place_legal_hold(user: User, gemeente=None) -> bool:
    """May this user place or lift a legal hold (bewaarplicht)?"""
    return _active_in(user, HOLD_ROLES, gemeente)


# ------------------------------------------------------------------------------ lists per gemeente


def records_for(user: User, roles, records: QuerySet) -> QuerySet:
    """The rows of ``records`` (any model with a gemeente) in the gemeenten where ``user`` holds one of
    ``roles``: the lists of PC1 requests, bronhouder questions, destruction lists, inzageverzoeken."""
    if not active(user):
        return records.none()
    return records.filter(granted(user, roles, owner(records.model)))
