"""The store's option for imports: keep the record times events carry, checked, on every
backend (the ``store`` fixture runs memory, SQLite and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from engine.errors import InvalidInput
from engine.events import Batch, EventStore, NewEvent, TimeoutCalled

if TYPE_CHECKING:
    from engine.clock import FixedClock

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the fixed clock's moment
STREAM = "couple-c1"


def called(n: int, recorded: datetime | None) -> NewEvent:
    at = AT + timedelta(minutes=n)
    return NewEvent(TimeoutCalled(timeout_id=f"t{n}", by="alex", at=at), at, recorded_at=recorded)


def test_an_import_keeps_the_record_times_its_events_carry(
    store: EventStore, fixed_clock: FixedClock
) -> None:
    times = [AT - timedelta(days=30), AT - timedelta(days=30), AT - timedelta(days=2)]
    events = [called(n, t) for n, t in enumerate(times)]
    store.append_batches("c1", [Batch(STREAM, events, 0)], keep_recorded=True)
    assert [r.recorded_at for r in store.read_stream(STREAM)] == times


def test_without_the_option_the_store_stamps_its_own_time(
    store: EventStore, fixed_clock: FixedClock
) -> None:
    store.append_batches("c1", [Batch(STREAM, [called(0, AT - timedelta(days=9))], 0)])
    assert [r.recorded_at for r in store.read_stream(STREAM)] == [fixed_clock.now]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ([None], "needs the time it was recorded"),
        ([datetime(2026, 2, 1, 9, 0)], "needs the time it was recorded"),  # no zone
        ([AT + timedelta(seconds=1)], "later than this database's clock"),
        ([AT - timedelta(days=1), AT - timedelta(days=2)], "go back in time"),
    ],
)
def test_bad_record_times_are_refused_and_nothing_is_written(
    store: EventStore, fixed_clock: FixedClock, times: list[datetime | None], message: str
) -> None:
    assert fixed_clock.now == AT
    events = [called(n, t) for n, t in enumerate(times)]
    other = Batch("couple-c1-other", [called(9, AT - timedelta(days=5))], 0)
    with pytest.raises(InvalidInput, match=message):
        store.append_batches("c1", [other, Batch(STREAM, events, 0)], keep_recorded=True)
    assert store.count() == 0


def test_a_kept_time_never_goes_before_the_streams_newest(
    store: EventStore, fixed_clock: FixedClock
) -> None:
    store.append_batches(
        "c1", [Batch(STREAM, [called(0, AT - timedelta(days=1))], 0)], keep_recorded=True
    )
    with pytest.raises(InvalidInput, match="go back in time"):
        store.append_batches(
            "c1", [Batch(STREAM, [called(1, AT - timedelta(days=3))], 1)], keep_recorded=True
        )
    assert store.count() == 1
