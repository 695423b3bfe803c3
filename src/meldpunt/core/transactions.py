"""Say it where a function needs its caller's transaction (issue 15)."""

from django.db import connection


class TransactionRequired(RuntimeError):
    """A programming error: a function that must run inside its caller's transaction was called
    outside one (its locks and writes would not hold together)."""


def require_atomic() -> None:
    if not connection.in_atomic_block:
        raise TransactionRequired("Deze functie moet binnen de transactie van de aanroeper draaien "
                                  "(transaction.atomic).")
