"""The store contract for appending several streams' batches in one transaction.

Run on every backend by the ``store`` fixture (tests/conftest.py), like the rest of the
contract in test_store_contract.py.
"""

from __future__ import annotations

import pytest

from engine.errors import ConcurrencyError, DuplicateEvent
from engine.events import Batch, EventStore, Metadata
from tests.integration.test_store_contract import (
    COUPLE,
    COUPLE_STREAM,
    RITUAL_STREAM,
    appreciation,
    checked_in,
    timeout,
)


def test_batches_of_several_streams_are_stored_together_in_order(store: EventStore) -> None:
    positions = store.append_batches(
        COUPLE,
        [
            Batch(COUPLE_STREAM, [appreciation("a", n=0)], expected_version=0),
            Batch(RITUAL_STREAM, [checked_in(0), checked_in(1)], expected_version=0),
            Batch(COUPLE_STREAM, [timeout(1)], expected_version=1, metadata=Metadata("sam")),
        ],
    )
    assert positions == [[1], [2, 3], [4]]
    couple = store.read_stream(COUPLE_STREAM)
    assert [r.version for r in couple] == [1, 2]
    assert couple[1].metadata.actor == "sam"
    assert [r.version for r in store.read_stream(RITUAL_STREAM)] == [1, 2]


def test_one_refused_batch_stores_nothing_of_the_others(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=0)
    with pytest.raises(ConcurrencyError):
        store.append_batches(
            COUPLE,
            [
                Batch(COUPLE_STREAM, [appreciation("a")], expected_version=0),
                Batch(RITUAL_STREAM, [checked_in(1)], expected_version=0),  # it is at 1
            ],
        )
    assert store.count() == 1
    assert store.read_stream(COUPLE_STREAM) == []


def test_a_batch_chained_on_a_stream_written_earlier_in_the_same_call_checks_its_version(
    store: EventStore,
) -> None:
    with pytest.raises(ConcurrencyError):
        store.append_batches(
            COUPLE,
            [
                Batch(COUPLE_STREAM, [appreciation("a")], expected_version=0),
                Batch(COUPLE_STREAM, [timeout(1)], expected_version=0),  # it is at 1 by now
            ],
        )
    assert store.count() == 0


def test_appending_the_same_batches_again_returns_the_original_positions(
    store: EventStore,
) -> None:
    batches = [
        Batch(COUPLE_STREAM, [appreciation("a")], expected_version=0),
        Batch(RITUAL_STREAM, [checked_in(0)], expected_version=0),
    ]
    first = store.append_batches(COUPLE, batches)
    assert store.append_batches(COUPLE, batches) == first
    assert store.count() == 2


def test_one_event_id_in_two_batches_of_one_call_is_refused(store: EventStore) -> None:
    event = checked_in(0)
    with pytest.raises(DuplicateEvent):
        store.append_batches(
            COUPLE,
            [
                Batch(RITUAL_STREAM, [event], expected_version=0),
                Batch(COUPLE_STREAM, [event], expected_version=0),
            ],
        )
    assert store.count() == 0


def test_subscribers_see_one_batch_of_everything_a_call_stored(store: EventStore) -> None:
    seen: list[int] = []
    store.subscribe(lambda batch: seen.append(len(batch)))
    store.append_batches(
        COUPLE,
        [
            Batch(COUPLE_STREAM, [appreciation("a")], expected_version=0),
            Batch(RITUAL_STREAM, [checked_in(0), checked_in(1)], expected_version=0),
        ],
    )
    assert seen == [3]
