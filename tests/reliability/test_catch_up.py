"""Catching up from a checkpoint never skips an event that commits late.

Writers sleep inside their transactions, after their INSERT has taken a position and
before the commit: without serialised appends a later position could become visible
first, and a reader that moved its checkpoint past it would lose the earlier one for
good. A plain reader and the real projection runner (the engine's read models and a
tally kept for the test, in the store's own tables) catch up in a loop meanwhile.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from engine.projections import Checkpoint, ProjectionRunner
from tests.reliability import folding
from tests.reliability.conftest import finish, spawn_worker, start_together

if TYPE_CHECKING:
    from engine.events import RecordedEvent
    from engine.sql.event_store import SqlEventStore

pytestmark = pytest.mark.slow

WRITERS = 4
EVENTS_EACH = 120
MAX_DELAY_MS = 8
TIME_LIMIT_S = 90.0
COUPLE = "c0ffee"


def catch_up(store: SqlEventStore, checkpoint: int) -> tuple[list[RecordedEvent], int]:
    """Read everything after ``checkpoint`` in pages; returns the events and the new checkpoint."""
    seen = []
    while page := store.read_all(after=checkpoint, limit=50):
        seen.extend(page)
        checkpoint = page[-1].position
    return seen, checkpoint


class RunnerLoop(threading.Thread):
    """Catches the runner up again and again, in a thread of its own, until stopped; a
    catch-up lasts as long as new events keep arriving, so the plain reader cannot share
    its loop. Counts the batches it committed, and keeps what went wrong for the test."""

    def __init__(self, runner: ProjectionRunner) -> None:
        super().__init__(daemon=True)
        self.runner = runner
        self.stop = threading.Event()
        self.commits = 0
        self.failure: BaseException | None = None

    def _committed(self, _positions: int) -> None:
        self.commits += 1

    def run(self) -> None:
        deadline = time.monotonic() + TIME_LIMIT_S
        try:
            while not self.stop.is_set() and time.monotonic() < deadline:
                self.runner.catch_up(self._committed)
                time.sleep(0.002)
        except BaseException as exc:  # reported by the test, not lost with the thread
            self.failure = exc


def test_a_reader_and_the_projection_runner_catching_up_in_a_loop_fold_every_event_once_in_order(
    store: SqlEventStore, db_url: str
) -> None:
    runner = folding.runner_for(store, batch=20)  # several transactions per catch-up
    loop = RunnerLoop(runner)
    procs = [
        spawn_worker("slow-writer", db_url, COUPLE, f"s{n}", str(EVENTS_EACH), str(MAX_DELAY_MS))
        for n in range(WRITERS)
    ]
    start_together(procs)
    loop.start()
    seen: list[RecordedEvent] = []
    checkpoint, rounds = 0, 0
    deadline = time.monotonic() + TIME_LIMIT_S
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        page, checkpoint = catch_up(store, checkpoint)
        seen.extend(page)
        rounds += 1
        time.sleep(0.002)  # a runner polls; it does not spin
    finish(procs)
    loop.stop.set()
    loop.join(timeout=60)
    assert not loop.is_alive() and loop.failure is None, loop.failure
    page, checkpoint = catch_up(store, checkpoint)
    seen.extend(page)
    runner.catch_up()

    total = WRITERS * EVENTS_EACH
    everything = store.read_all(limit=10 * total)
    assert len(everything) == total
    assert [r.event_id for r in seen] == [r.event_id for r in everything]
    positions = [r.position for r in seen]
    assert positions == sorted(set(positions))
    assert rounds > WRITERS, "the reader should have caught up many times while writers ran"
    assert loop.commits > WRITERS, "the runner should have folded many times while writers ran"

    last = store.last_position()
    for projection in folding.CHECKED:
        assert runner.models.checkpoint(projection.name) == Checkpoint(last, projection.version)
    assert folding.tally(runner, COUPLE) == folding.Tally(count=total, last=last, backwards=0)
    incremental = folding.states(runner, COUPLE)
    assert incremental == folding.from_scratch(store, COUPLE)
    assert len(incremental["ritual_marks"]) > 10, "the writers should have marked occurrences"
