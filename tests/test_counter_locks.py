"""A kenmerk's counter lock never blocks a row that points at the same gemeente (PostgreSQL): the
counter takes FOR NO KEY UPDATE, which a foreign-key check's FOR KEY SHARE does not wait for. With
FOR UPDATE an intake (counter, then the log head) and a weging (log head, then a row of the
gemeente) deadlocked under load (bench/load.py, 50 users)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from meldpunt.tenancy import counters

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks as PostgreSQL takes them")
def test_a_drawn_counter_does_not_block_a_row_of_the_same_gemeente(home_gemeente):
    from meldpunt.protocol.research.models import Source

    drawn, release, outcome = threading.Event(), threading.Event(), {}

    def intake():
        try:
            with transaction.atomic():
                counters.draw(home_gemeente.code, "next_signal_number")
                drawn.set()
                release.wait(10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=intake)
    worker.start()
    try:
        assert drawn.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            # Any row with a foreign key to the tenant: its check takes FOR KEY SHARE on the tenant row.
            Source.objects.create(gemeente=home_gemeente, code="slottest", name="Slot-test", department="Test",
                                  primary_basis="Test")
            outcome["made"] = True
    finally:
        release.set()
        worker.join(10)
    assert outcome == {"made": True}
