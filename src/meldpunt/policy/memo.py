"""The policy's read decisions remembered for one GET request, never longer (issue 17).

A signal page asks "may this user read this signal?" three to five times (the page itself, the
reporter's contact, the subject changes, the related items), each an EXISTS with the casus
subqueries. Within one GET nothing the answer depends on changes, so the first answer holds for
the rest of that request. ``ReadMemoMiddleware`` opens a fresh memo for a GET or HEAD and throws it
away when the response is made; every other method (a POST decides after its own row lock), a
Celery task, a command or a test calling the policy directly finds no memo and asks the database,
as before. The memo only saves queries: the processing log is written by the selectors, which
still run on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

# None: no GET request is being answered in this context, so nothing is remembered.
_read_memo: ContextVar[dict | None] = ContextVar("meldpunt_policy_read_memo", default=None)

# The methods that only read: their answers may be remembered for the rest of the request.
READING_METHODS = frozenset({"GET", "HEAD"})


def remembered(kind: str, user, obj, decide: Callable[[], bool]) -> bool:
    """The answer of ``decide()`` for (kind, user, object), asked once per GET request."""
    memo = _read_memo.get()
    if memo is None or user is None or obj is None or obj.pk is None:
        return decide()
    key = (kind, getattr(user, "pk", None), obj.pk)
    if key not in memo:
        memo[key] = decide()
    return memo[key]


def remember(kind: str, user, obj, answer: bool) -> None:
    """Note an answer the policy found another way in this GET request (a readable signal fetched
    through ``signals_visible_to``), so the next question about it needs no query."""
    memo = _read_memo.get()
    if memo is not None and user is not None and obj is not None and obj.pk is not None:
        memo[(kind, getattr(user, "pk", None), obj.pk)] = answer


class ReadMemoMiddleware:
    """A fresh memo for each GET or HEAD request, cleared when its response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READING_METHODS:
            return self.get_response(request)
        token = _read_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _read_memo.reset(token)
