"""The commit succeeds but the reply is lost: a retry with the same event ids is safe."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from engine.errors import DuplicateEvent, StoreUnavailable
from engine.events import AppreciationGiven, NewEvent, TimeoutCalled

if TYPE_CHECKING:
    from engine.sql.event_store import SqlEventStore

AT = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


class LostReply:
    """Wraps a store: every append commits, then the client sees the connection drop."""

    def __init__(self, store: SqlEventStore) -> None:
        self.store = store
        self.committed: list[list[int]] = []

    def append(self, *args: Any, **kwargs: Any) -> list[int]:
        self.committed.append(self.store.append(*args, **kwargs))
        raise StoreUnavailable("cannot reach the database; please try again in a moment")


def batch() -> Sequence[NewEvent]:
    """Two events, one of them with a sealed text, as a client would build them once."""
    return [
        NewEvent(
            AppreciationGiven(
                appreciation_id="a1",
                author="p-sam",
                recipient="p-alex",
                text="Thank you for the tea.",
                shared=True,
                at=AT,
            ),
            AT,
        ),
        NewEvent(TimeoutCalled(timeout_id="t1", by="p-sam", at=AT), AT),
    ]


def test_a_retry_after_a_lost_reply_stores_nothing_twice_and_reports_the_first_positions(
    store: SqlEventStore,
) -> None:
    store.append(
        "c1",
        "couple-c1",
        [NewEvent(TimeoutCalled(timeout_id="t0", by="x", at=AT), AT)],
        expected_version=0,
    )
    events = batch()
    flaky = LostReply(store)
    with pytest.raises(StoreUnavailable):
        flaky.append("c1", "couple-c1", events, expected_version=1)
    before = store.count()

    for _ in range(3):  # the client retries, with the version it read before the first try
        positions = store.append("c1", "couple-c1", events, expected_version=1)
        assert positions == flaky.committed[0]

    assert store.count() == before
    stream = store.read_stream("couple-c1")
    assert [r.version for r in stream] == [1, 2, 3]
    assert [r.event_id for r in stream[1:]] == [e.event_id for e in events]
    first = stream[1].event
    assert isinstance(first, AppreciationGiven)
    assert first.text == "Thank you for the tea."


def test_a_retry_that_reuses_an_event_id_for_other_content_is_refused(
    store: SqlEventStore,
) -> None:
    events = batch()
    store.append("c1", "couple-c1", events, expected_version=0)
    changed = [NewEvent(TimeoutCalled(timeout_id="t2", by="p-sam", at=AT), AT, events[1].event_id)]
    before = store.count()
    with pytest.raises(DuplicateEvent):
        store.append("c1", "couple-c1", changed, expected_version=2)
    with pytest.raises(DuplicateEvent):
        store.append("c1", "couple-other", [events[0]], expected_version=0)
    assert store.count() == before
