"""Eight processes write to the same couple at once: nothing is lost, nothing doubles."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import pytest

from engine.events import TimeoutCalled
from tests.reliability.conftest import finish, spawn_worker, start_together

if TYPE_CHECKING:
    from engine.sql.event_store import SqlEventStore

pytestmark = pytest.mark.slow

WRITERS = 8
EVENTS_EACH = 500
STREAMS = 8
COUPLE = "c0ffee"


def test_eight_writers_append_exactly_four_thousand_events_with_dense_versions(
    store: SqlEventStore, db_url: str
) -> None:
    before = store.count()
    procs = [
        spawn_worker("writer", db_url, COUPLE, f"w{n}", str(EVENTS_EACH), str(STREAMS), str(n))
        for n in range(WRITERS)
    ]
    start_together(procs)
    reports = [json.loads(out.strip().splitlines()[-1]) for out in finish(procs)]

    assert store.count() - before == WRITERS * EVENTS_EACH
    recorded = store.read_couple(COUPLE, decrypt=False)
    markers = Counter(r.event.timeout_id for r in recorded if isinstance(r.event, TimeoutCalled))
    expected = {f"w{n}:{i}" for n in range(WRITERS) for i in range(EVENTS_EACH)}
    assert set(markers) == expected
    assert max(markers.values()) == 1, "an event was stored twice"
    assert len({r.event_id for r in recorded}) == len(recorded)

    versions: defaultdict[str, list[int]] = defaultdict(list)
    for r in recorded:
        versions[r.stream_id].append(r.version)
    for stream_id, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), f"{stream_id} has gaps or disorder"
    assert sorted(r.position for r in recorded) == [r.position for r in recorded]

    for report in reports:
        assert report["sent"] == EVENTS_EACH
        assert set(report["errors"]) <= {"ConcurrencyError"}
    assert sum(r["errors"].get("ConcurrencyError", 0) for r in reports) > 0, (
        "the writers never collided, so the test proved little"
    )
