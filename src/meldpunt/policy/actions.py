"""Actions outside the signal and casus pages: source research (step 3) and retention (P4). Each
service raises its own Dutch refusal when one of these says no."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from meldpunt.accounts.roles import Role

from .base import active, holds

if TYPE_CHECKING:
    from meldpunt.accounts.models import User

# ------------------------------------------------------------------------------ source research

# Who asks to consult sources (and asks a connector again): the regisseur (protocol.research).
REQUESTER_ROLES = frozenset({Role.REGISSEUR})
# Who decides privacy check 1, per source and per details request (never their own: four eyes).
PC1_ROLES = frozenset({Role.PRIVACYFUNCTIONARIS})
# Who answers hit/no-hit and supplies details for a source without connector (only their own source).
BRONHOUDER_ROLES = frozenset({Role.BRONHOUDER})


def may_request_sources(user: User) -> bool:
    """Does this user hold the role that asks to consult sources about a signal? Reading the signal
    and its step are checked by the caller (protocol.research.request_sources)."""
    return holds(user, REQUESTER_ROLES)


def may_decide_pc1(user: User) -> bool:
    """May this user decide privacy check 1 (a source request or a details request)?"""
    return holds(user, PC1_ROLES)


def may_answer_as_bronhouder(user: User) -> bool:
    """Does this user answer for a source without connector? Which source: the caller checks."""
    return holds(user, BRONHOUDER_ROLES)


# ------------------------------------------------------------------------------ retention (P4)

COMPOSER_ROLES = frozenset({Role.ARCHIVARIS})
EXECUTOR_ROLES = frozenset({Role.ARCHIVARIS})
HOLD_ROLES = frozenset({Role.ARCHIVARIS, Role.REGISSEUR})


def destruction_reviewer_roles() -> frozenset[str]:
    """Who reviews a destruction list: set per installation (MELDPUNT_DESTRUCTION_REVIEWER_ROLES)."""
    return frozenset(settings.MELDPUNT_DESTRUCTION_REVIEWER_ROLES)


def _active_in(user, roles) -> bool:
    return active(user) and holds(user, roles)


def may_compose_destruction_list(user: User) -> bool:
    return _active_in(user, COMPOSER_ROLES)


def may_review_destruction_list(user: User) -> bool:
    return _active_in(user, destruction_reviewer_roles())


def may_cancel_destruction_list(user: User) -> bool:
    """The archivaris who composes lists, or a reviewer, may cancel one before it is carried out."""
    return _active_in(user, COMPOSER_ROLES | destruction_reviewer_roles())


def may_execute_destruction_list(user: User) -> bool:
    return _active_in(user, EXECUTOR_ROLES)


def may_place_legal_hold(user: User) -> bool:
    """May this user place or lift a legal hold (bewaarplicht)?"""
    return _active_in(user, HOLD_ROLES)
