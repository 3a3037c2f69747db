"""Subscribers run after the commit, and a failing one never undoes a saved command.

Part of the store contract: the ``store`` fixture runs each test on every backend.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from engine.events import CheckedIn, EventStore, NewEvent, RecordedEvent

if TYPE_CHECKING:
    import pytest

AT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
NOTE = "the quiet walk by the river"


def checked_in() -> NewEvent:
    event = CheckedIn(
        ritual_id="r1", partner_id="sam", occurrence=AT, done_at=AT, closeness=4, note=NOTE
    )
    return NewEvent(event, occurred_at=AT)


def test_a_raising_subscriber_is_logged_and_the_append_still_reports_its_positions(
    store: EventStore, caplog: pytest.LogCaptureFixture
) -> None:
    later: list[int] = []

    def broken(batch: Sequence[RecordedEvent]) -> None:
        raise RuntimeError(f"cannot handle {NOTE}")

    store.subscribe(broken)
    store.subscribe(lambda batch: later.extend(r.position for r in batch))

    with caplog.at_level(logging.ERROR, logger="engine"):
        positions = store.append("c1", "ritual-r1", [checked_in()], expected_version=0)

    assert [r.position for r in store.read_stream("ritual-r1")] == positions
    assert later == positions  # the next subscriber still ran
    (record,) = [r for r in caplog.records if r.name == "engine"]
    assert "RuntimeError" in record.getMessage() and "broken" in record.getMessage()
    assert NOTE not in caplog.text and record.exc_info is None


def test_a_subscriber_sees_the_batch_already_readable_by_others(store: EventStore) -> None:
    seen: list[int] = []
    store.subscribe(lambda batch: seen.append(len(store.read_stream("ritual-r1"))))

    store.append("c1", "ritual-r1", [checked_in()], expected_version=0)

    assert seen == [1]


def test_a_check_in_saved_before_a_subscriber_fails_is_reported_as_saved(
    store: EventStore, caplog: pytest.LogCaptureFixture
) -> None:
    from engine import Engine, FixedClock

    clock = FixedClock(AT)
    eng = Engine(store, clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Evening walk", cron="0 19 * * *")

    def broken(batch: Sequence[RecordedEvent]) -> None:
        raise ValueError("a dashboard that is down")

    eng.subscribe(broken)
    with caplog.at_level(logging.ERROR, logger="engine"):
        done = eng.check_in(couple, "Evening walk", by="sam")

    assert done.title == "Evening walk"
    assert "ValueError" in caplog.text
