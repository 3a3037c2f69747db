"""A writer killed with SIGKILL at random moments never leaves half a batch behind, and
never leaves a read model out of step with the log.

The child appends a batch and then catches the read models up, over and over, so a kill
lands in an append or in a projection's transaction alike. After each kill the parent
opens the store afresh, checks every batch is whole, catches the read models up from
wherever the child left them, and compares them with the whole log folded from scratch.
"""

from __future__ import annotations

import random
import signal
import sys
import time
from collections import Counter, defaultdict

import pytest

from engine.api import open_sql_store
from engine.sql.event_store import SqlEventStore
from tests.reliability import folding
from tests.reliability.conftest import spawn_worker, wait_ready

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]

KILLS = 20
BATCH = 7
MAX_RUN_S = 0.3
COUPLE = "c0ffee"


def check_batches(store: SqlEventStore) -> int:
    """Check every batch is whole and every stream dense; returns how many batches there are."""
    sizes: Counter[str | None] = Counter()
    versions: defaultdict[str, list[int]] = defaultdict(list)
    for r in store.read_all(limit=1_000_000, decrypt=False):
        sizes[r.metadata.correlation_id] += 1
        versions[r.stream_id].append(r.version)
    partial = {batch: n for batch, n in sizes.items() if n != BATCH}
    assert not partial, f"partly written batches: {partial}"
    for stream_id, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), f"{stream_id} has gaps"
    return len(sizes)


def check_read_models(store: SqlEventStore) -> int:
    """Catch the read models up and compare them with a fold from scratch; returns how
    many events the child had already folded into them."""
    runner = folding.runner_for(store)
    left_by_child = folding.tally(runner, COUPLE).count
    runner.catch_up()
    everything = folding.Tally(count=store.count(), last=store.last_position(), backwards=0)
    # events, not positions: on PostgreSQL an append killed mid-way leaves its positions unused
    assert folding.tally(runner, COUPLE) == everything
    assert folding.states(runner, COUPLE) == folding.from_scratch(store, COUPLE)
    return left_by_child


def test_killing_a_writer_at_random_points_leaves_no_partial_batch_and_read_models_in_step(
    db_url: str, store: SqlEventStore
) -> None:
    # the store fixture has migrated the database; the children open it without migrating
    rng = random.Random(20261123)
    batches, folded_by_children = 0, 0
    for round_ in range(KILLS):
        proc = spawn_worker("crasher", db_url, COUPLE, f"k{round_}", str(BATCH))
        wait_ready(proc)
        time.sleep(rng.uniform(0, MAX_RUN_S))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, "the writer ended before it was killed"
        before = batches * BATCH  # every event up to here was folded after the last kill
        reopened = open_sql_store(db_url)
        assert isinstance(reopened, SqlEventStore)
        try:
            now = check_batches(reopened)
            folded_by_children += check_read_models(reopened) > before
        finally:
            reopened.close()
        assert now >= batches
        batches = now
    assert batches > KILLS, "the writers were killed before they wrote much"
    assert folded_by_children > KILLS // 4, "the children were killed before they folded much"
