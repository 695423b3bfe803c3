"""Hit/no-hit between the gemeenten of a regio (ADR 0030 §8): who weighs a regional request, who
reads what another gemeente shared, and which FG sees which questions. Every rule names the
gemeente of the record: a role in A says nothing about B's requests."""

from __future__ import annotations

from django.db.models import Q

from meldpunt.accounts.roles import Role

from .base import granted, holds

# B's privacyfunctionaris weighs whether to share with A (WegingType RV).
REGIONAL_DECIDER_ROLES = frozenset({Role.PRIVACYFUNCTIONARIS})
# A's regisseur and team read the per-gemeente bits and what B shared, on A's signal page.
REGIONAL_READER_ROLES = frozenset({Role.REGISSEUR, Role.TEAMLID})
# Each gemeente's FG sees its own outgoing and incoming questions.
REGIONAL_SUPERVISOR_ROLES = frozenset({Role.FG})


def may_weigh_regional_request(user, request) -> bool:
    """Does ``user`` weigh this request: the privacyfunctionaris of the answering gemeente B?"""
    return holds(user, REGIONAL_DECIDER_ROLES, request.gemeente_id)


def regional_requests_to_weigh(user) -> Q:
    """The regional requests (of the gemeenten where ``user`` is privacyfunctionaris)."""
    return granted(user, REGIONAL_DECIDER_ROLES, "gemeente")


def may_read_regional_answers(user, signal) -> bool:
    """Does ``user`` see the bits and releases of the regio on A's signal page?"""
    return holds(user, REGIONAL_READER_ROLES, signal.gemeente_id)


def regional_questions_supervised(user) -> Q:
    """A's outgoing questions that ``user`` supervises as FG of A."""
    return granted(user, REGIONAL_SUPERVISOR_ROLES, "gemeente")


def regional_requests_supervised(user) -> Q:
    """B's incoming requests that ``user`` supervises as FG of B (the questions themselves are
    counted from B's log lines and requests, never from A's records)."""
    return granted(user, REGIONAL_SUPERVISOR_ROLES, "gemeente")
