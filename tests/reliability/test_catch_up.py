"""A reader catching up from its checkpoint never skips an event that commits late.

Writers sleep inside their transactions, after their INSERT has taken a position and
before the commit: without serialised appends a later position could become visible
first and a reader that moved its checkpoint past it would lose the earlier one for
good. The projection runner reads the log exactly like this reader does.
"""

from __future__ import annotations

import time

import pytest

from engine.events import RecordedEvent
from engine.events.sqlstore import SqlEventStore
from tests.reliability.conftest import finish, spawn_worker, start_together

pytestmark = pytest.mark.slow

WRITERS = 4
EVENTS_EACH = 120
MAX_DELAY_MS = 8
TIME_LIMIT_S = 90.0


def catch_up(store: SqlEventStore, checkpoint: int) -> tuple[list[RecordedEvent], int]:
    """Read everything after ``checkpoint`` in pages; returns the events and the new checkpoint."""
    seen = []
    while page := store.read_all(after=checkpoint, limit=50):
        seen.extend(page)
        checkpoint = page[-1].position
    return seen, checkpoint


def test_a_reader_catching_up_in_a_loop_sees_every_event_once_and_in_order(
    store: SqlEventStore, db_url: str
) -> None:
    procs = [
        spawn_worker("slow-writer", db_url, "c0ffee", f"s{n}", str(EVENTS_EACH), str(MAX_DELAY_MS))
        for n in range(WRITERS)
    ]
    start_together(procs)
    seen: list[RecordedEvent] = []
    checkpoint, rounds = 0, 0
    deadline = time.monotonic() + TIME_LIMIT_S
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        page, checkpoint = catch_up(store, checkpoint)
        seen.extend(page)
        rounds += 1
        time.sleep(0.002)  # a runner polls; it does not spin
    finish(procs)
    page, checkpoint = catch_up(store, checkpoint)
    seen.extend(page)

    everything = store.read_all(limit=10 * WRITERS * EVENTS_EACH)
    assert len(everything) == WRITERS * EVENTS_EACH
    assert [r.event_id for r in seen] == [r.event_id for r in everything]
    positions = [r.position for r in seen]
    assert positions == sorted(set(positions))
    assert rounds > WRITERS, "the reader should have caught up many times while writers ran"
