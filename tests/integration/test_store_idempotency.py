"""The store's half of idempotency keys, on every backend: a key is kept with the events
it produced in their transaction, keyed by couple, and removed with the couple's erasure.

The ``store`` fixture (tests/conftest.py) runs each test on the in-memory store, SQLite,
and PostgreSQL when ``RITUAL_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import ConcurrencyError, DuplicateEvent, IdempotencyConflict
from engine.events import CoupleErased, EventStore, Metadata, NewEvent, TimeoutCalled
from engine.events.idempotency import IdempotencyMark, KeyAlreadyRan

COUPLE = "couple-1"
OTHER = "couple-2"
STREAM = "couple-couple-1"
AT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


def timeout(n: int, *, event_id: str | None = None) -> NewEvent:
    at = AT + timedelta(minutes=n)
    event = TimeoutCalled(timeout_id=f"t{n}", by="alex", at=at)
    return NewEvent(event, at) if event_id is None else NewEvent(event, at, event_id)


def mark(request: str = '["call_timeout", {"by": "alex"}]', *, minutes: int = 0) -> IdempotencyMark:
    return IdempotencyMark("key-1", request, AT + timedelta(minutes=minutes))


def test_a_key_is_kept_with_the_events_it_produced(store: EventStore) -> None:
    first, second = timeout(0), timeout(1)
    store.append(COUPLE, STREAM, [first], expected_version=0, idempotency=mark())
    store.append(COUPLE, STREAM, [second], expected_version=1, idempotency=mark())

    record = store.idempotency_record(COUPLE, "key-1")
    assert record is not None
    assert record.event_ids == (first.event_id, second.event_id)
    assert record.pinned_at == AT
    assert store.idempotency_record(COUPLE, "key-2") is None
    assert store.idempotency_record(OTHER, "key-1") is None  # keys are the couple's own


def test_the_key_of_another_request_is_refused_and_nothing_is_stored(store: EventStore) -> None:
    store.append(COUPLE, STREAM, [timeout(0)], expected_version=0, idempotency=mark())
    before = store.count()

    with pytest.raises(IdempotencyConflict, match="already used for another command"):
        store.append(
            COUPLE, STREAM, [timeout(1)], expected_version=1, idempotency=mark('["other"]')
        )
    assert store.count() == before
    record = store.idempotency_record(COUPLE, "key-1")
    assert record is not None and len(record.event_ids) == 1


def test_a_second_run_of_the_same_request_is_told_it_ran_before(store: EventStore) -> None:
    store.append(COUPLE, STREAM, [timeout(0)], expected_version=0, idempotency=mark())
    before = store.count()

    with pytest.raises(KeyAlreadyRan):  # another moment: a racing run, which then replays
        store.append(COUPLE, STREAM, [timeout(1)], expected_version=1, idempotency=mark(minutes=5))
    assert store.count() == before


def test_a_replay_of_stored_events_under_the_key_writes_nothing(store: EventStore) -> None:
    events = [timeout(0), timeout(1)]
    positions = store.append(COUPLE, STREAM, events, expected_version=0, idempotency=mark())
    before = store.count()

    again = store.append(COUPLE, STREAM, events, expected_version=0, idempotency=mark())

    assert again == positions
    assert store.count() == before
    record = store.idempotency_record(COUPLE, "key-1")
    assert record is not None and record.event_ids == tuple(e.event_id for e in events)


def test_a_refused_append_keeps_no_key(store: EventStore) -> None:
    store.append(COUPLE, STREAM, [timeout(0)], expected_version=0)
    with pytest.raises(ConcurrencyError):
        store.append(COUPLE, STREAM, [timeout(1)], expected_version=0, idempotency=mark())
    assert store.idempotency_record(COUPLE, "key-1") is None


def test_keys_of_an_erased_couple_go_with_it_and_other_couples_keep_theirs(
    store: EventStore,
) -> None:
    store.append(COUPLE, STREAM, [timeout(0)], expected_version=0, idempotency=mark())
    store.append(OTHER, "couple-couple-2", [timeout(1)], expected_version=0, idempotency=mark())

    store.append(COUPLE, STREAM, [NewEvent(CoupleErased(at=AT), AT)], expected_version=1)

    assert store.idempotency_record(COUPLE, "key-1") is None
    assert store.idempotency_record(OTHER, "key-1") is not None


def test_the_request_is_kept_only_as_a_keyed_hash(store: EventStore) -> None:
    request = '["appreciate", {"text": "Thank you for the tea."}]'
    store.append(COUPLE, STREAM, [timeout(0)], expected_version=0, idempotency=mark(request))
    record = store.idempotency_record(COUPLE, "key-1")
    assert record is not None
    assert "tea" not in record.fingerprint
    assert record.fingerprint != hashlib.sha256(request.encode()).hexdigest()
    assert len(record.fingerprint) == 64


@pytest.mark.parametrize(
    "change",
    ["moment", "actor", "couple"],
)
def test_the_same_event_id_with_other_content_is_a_conflict(store: EventStore, change: str) -> None:
    first = timeout(0)
    store.append(COUPLE, STREAM, [first], expected_version=0, metadata=Metadata(actor="p-alex"))
    before = store.count()
    moment = first.occurred_at + timedelta(seconds=1) if change == "moment" else first.occurred_at
    again = NewEvent(first.event, moment, first.event_id)
    actor = "p-sam" if change == "actor" else "p-alex"
    couple, stream = (OTHER, "couple-couple-2") if change == "couple" else (COUPLE, STREAM)

    with pytest.raises(DuplicateEvent, match="already used for another event"):
        store.append(couple, stream, [again], expected_version=1, metadata=Metadata(actor=actor))
    assert store.count() == before
