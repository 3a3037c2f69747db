"""A writer killed with SIGKILL at random moments never leaves half a batch behind."""

from __future__ import annotations

import random
import signal
import sys
import time
from collections import Counter, defaultdict

import pytest

from engine.api import open_sql_store
from engine.events import TimeoutCalled
from engine.events.sqlstore import SqlEventStore
from tests.reliability.conftest import spawn_worker, wait_ready

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]

KILLS = 20
BATCH = 7
MAX_RUN_S = 0.3


def check_batches(db_url: str) -> int:
    """Open the store afresh and check every batch is whole; returns how many there are."""
    store = open_sql_store(db_url)
    try:
        recorded = store.read_all(limit=1_000_000)
    finally:
        store.close()
    sizes: Counter[str] = Counter()
    versions: defaultdict[str, list[int]] = defaultdict(list)
    for r in recorded:
        assert isinstance(r.event, TimeoutCalled)
        batch, _index, size = r.event.timeout_id.split(":")
        assert int(size) == BATCH
        sizes[batch] += 1
        versions[r.stream_id].append(r.version)
    partial = {batch: n for batch, n in sizes.items() if n != BATCH}
    assert not partial, f"partly written batches: {partial}"
    for stream_id, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), f"{stream_id} has gaps"
    return len(sizes)


def test_killing_a_writer_at_random_points_never_leaves_a_partial_batch(
    db_url: str, store: SqlEventStore
) -> None:
    # the store fixture has migrated the database; the children open it without migrating
    rng = random.Random(20261123)
    batches = 0
    for round_ in range(KILLS):
        proc = spawn_worker("crasher", db_url, "c0ffee", f"k{round_}", str(BATCH))
        wait_ready(proc)
        time.sleep(rng.uniform(0, MAX_RUN_S))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, "the writer ended before it was killed"
        now = check_batches(db_url)
        assert now >= batches
        batches = now
    assert batches > KILLS, "the writers were killed before they wrote much"
