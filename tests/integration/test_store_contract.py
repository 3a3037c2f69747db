"""The event store contract: one suite that every backend must pass.

The ``store`` fixture (tests/conftest.py) runs each test on the in-memory store,
SQLite on the standard library's sqlite3 (as ``Engine.open`` makes it), SQLite through
SQLAlchemy (as a host's engine gives it), and PostgreSQL when ``RITUAL_TEST_POSTGRES_URL``
is set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine.errors import ConcurrencyError, DuplicateEvent
from engine.events import (
    ERASED,
    SEALED,
    AppreciationGiven,
    CheckedIn,
    EventStore,
    MemoryEventStore,
    Metadata,
    NewEvent,
    RecordedEvent,
    TimeoutCalled,
)
from engine.events.records import Recent
from tests.threads import at_once

if TYPE_CHECKING:
    from engine.clock import FixedClock
    from engine.events.rows import Row

COUPLE = "couple-1"
OTHER_COUPLE = "couple-2"
RITUAL_STREAM = "ritual-r1"
COUPLE_STREAM = "couple-couple-1"
AT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


def checked_in(n: int = 0, *, partner: str = "sam", note: str | None = None) -> NewEvent:
    at = AT + timedelta(days=n)
    event = CheckedIn(
        ritual_id="r1", partner_id=partner, occurrence=at, done_at=at, closeness=4, note=note
    )
    return NewEvent(event, occurred_at=at)


def appreciation(text: str, *, author: str = "sam", n: int = 0) -> NewEvent:
    at = AT + timedelta(hours=n)
    event = AppreciationGiven(
        appreciation_id=f"a{n}", author=author, recipient="alex", text=text, shared=True, at=at
    )
    return NewEvent(event, occurred_at=at)


def timeout(n: int = 0) -> NewEvent:
    at = AT + timedelta(minutes=n)
    return NewEvent(TimeoutCalled(timeout_id=f"t{n}", by="alex", at=at), occurred_at=at)


def raw_rows(store: EventStore) -> list[Row]:
    """The stored rows before decoding, whatever the backend."""
    if isinstance(store, MemoryEventStore):
        return store.raw_rows()
    return store.read_rows()  # type: ignore[attr-defined, no-any-return]


def events_of(recorded: Sequence[RecordedEvent]) -> list[object]:
    return [r.event for r in recorded]


# -- appending ---------------------------------------------------------------------------


def test_appending_to_a_new_stream_returns_increasing_positions(store: EventStore) -> None:
    first = store.append(COUPLE, RITUAL_STREAM, [checked_in(0), checked_in(1)], expected_version=0)
    second = store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)

    positions = first + second
    assert len(positions) == 3
    assert positions == sorted(positions)
    assert len(set(positions)) == 3
    assert positions[0] >= 1


def test_versions_are_dense_from_one_in_each_stream(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0), checked_in(1)], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)
    store.append(COUPLE, RITUAL_STREAM, [checked_in(2)], expected_version=2)
    store.append(COUPLE, COUPLE_STREAM, [timeout(1), timeout(2)], expected_version=1)
    store.append(COUPLE, RITUAL_STREAM, [checked_in(3)], expected_version=3)

    assert [r.version for r in store.read_stream(RITUAL_STREAM)] == [1, 2, 3, 4]
    assert [r.version for r in store.read_stream(COUPLE_STREAM)] == [1, 2, 3]


def test_a_wrong_expected_version_raises_and_stores_nothing(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=0)
    before = store.read_stream(RITUAL_STREAM)

    with pytest.raises(ConcurrencyError) as stale:
        store.append(COUPLE, RITUAL_STREAM, [checked_in(1)], expected_version=0)
    with pytest.raises(ConcurrencyError):
        store.append(COUPLE, RITUAL_STREAM, [checked_in(2)], expected_version=5)

    assert stale.value.stream_id == RITUAL_STREAM
    assert stale.value.expected == 0
    assert store.read_stream(RITUAL_STREAM) == before
    assert store.count() == 1
    assert store.last_position() == before[0].position


def test_an_expected_version_of_none_skips_the_check(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=None)
    store.append(COUPLE, RITUAL_STREAM, [checked_in(1), checked_in(2)], expected_version=None)

    assert [r.version for r in store.read_stream(RITUAL_STREAM)] == [1, 2, 3]


def test_a_batch_whose_second_event_cannot_be_encoded_stores_nothing(store: EventStore) -> None:
    naive = datetime(2026, 3, 1, 20, 0)  # no zone: the codec refuses it
    bad = NewEvent(TimeoutCalled(timeout_id="t9", by="alex", at=naive), occurred_at=AT)

    with pytest.raises(ValueError, match="timezone-aware"):
        store.append(COUPLE, COUPLE_STREAM, [timeout(0), bad], expected_version=0)

    assert store.count() == 0
    assert store.last_position() == 0
    assert store.read_stream(COUPLE_STREAM) == []
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)
    assert [r.version for r in store.read_stream(COUPLE_STREAM)] == [1]


# -- idempotent retries and duplicate ids ------------------------------------------------


def test_reappending_the_same_events_returns_the_original_positions(store: EventStore) -> None:
    batch = [checked_in(0, note="we laughed"), appreciation("thank you")]
    calls: list[Sequence[RecordedEvent]] = []
    original = store.append(COUPLE, RITUAL_STREAM, batch, expected_version=0)
    store.subscribe(calls.append)

    again = store.append(COUPLE, RITUAL_STREAM, batch, expected_version=0)

    assert again == original
    assert store.count() == 2
    assert calls == []  # nothing new was committed
    assert [r.event_id for r in store.read_stream(RITUAL_STREAM)] == [e.event_id for e in batch]


def test_reusing_an_event_id_with_other_content_raises_duplicate_event(store: EventStore) -> None:
    first = checked_in(0, note="first")
    store.append(COUPLE, RITUAL_STREAM, [first], expected_version=0)
    other_content = NewEvent(checked_in(0, note="second").event, AT, event_id=first.event_id)
    other_type = NewEvent(timeout(0).event, AT, event_id=first.event_id)

    with pytest.raises(DuplicateEvent):
        store.append(COUPLE, RITUAL_STREAM, [other_content], expected_version=1)
    with pytest.raises(DuplicateEvent):
        store.append(COUPLE, COUPLE_STREAM, [other_type], expected_version=0)
    with pytest.raises(DuplicateEvent):  # same content, but another stream
        store.append(COUPLE, COUPLE_STREAM, [first], expected_version=0)

    assert store.count() == 1
    assert store.read_stream(COUPLE_STREAM) == []


def test_reusing_an_event_id_at_another_moment_by_another_author_or_couple_is_refused(
    store: EventStore,
) -> None:
    first = checked_in(0)
    store.append(COUPLE, RITUAL_STREAM, [first], expected_version=0, metadata=Metadata("sam"))
    later = NewEvent(first.event, AT + timedelta(minutes=1), event_id=first.event_id)

    with pytest.raises(DuplicateEvent, match="very same events"):
        store.append(COUPLE, RITUAL_STREAM, [later], expected_version=None)
    with pytest.raises(DuplicateEvent):
        store.append(
            COUPLE, RITUAL_STREAM, [first], expected_version=None, metadata=Metadata("alex")
        )
    with pytest.raises(DuplicateEvent):
        store.append(
            OTHER_COUPLE, RITUAL_STREAM, [first], expected_version=None, metadata=Metadata("sam")
        )
    assert store.append(
        COUPLE, RITUAL_STREAM, [first], expected_version=None, metadata=Metadata("sam")
    ) == [1]
    assert store.count() == 1


def test_a_batch_that_repeats_an_event_id_raises_duplicate_event_and_stores_nothing(
    store: EventStore,
) -> None:
    twice = timeout(0)

    with pytest.raises(DuplicateEvent):
        store.append(COUPLE, COUPLE_STREAM, [twice, twice], expected_version=0)

    assert store.count() == 0


# -- concurrency --------------------------------------------------------------------------


def test_concurrent_appends_get_dense_versions_and_distinct_positions(store: EventStore) -> None:
    def work(i: int) -> list[int]:
        positions = []
        for n in range(5):
            new = checked_in(10 * i + n, note=f"note {i}.{n}", partner=f"p{i}")
            positions += store.append(COUPLE, RITUAL_STREAM, [new], expected_version=None)
        return positions

    results = at_once(work, 4)

    assert not [r for r in results if isinstance(r, Exception)]
    recorded = store.read_stream(RITUAL_STREAM)
    assert [r.version for r in recorded] == list(range(1, 21))
    assert sorted(r.position for r in recorded) == [r.position for r in recorded]
    assert len({r.position for r in recorded}) == 20
    assert sorted(p for r in results for p in r) == [r.position for r in recorded]  # type: ignore[attr-defined]
    assert {r.event.note for r in recorded} == {f"note {i}.{n}" for i in range(4) for n in range(5)}  # type: ignore[attr-defined]


def test_of_racing_writers_expecting_a_new_stream_exactly_one_wins(store: EventStore) -> None:
    results = at_once(
        lambda i: store.append(COUPLE, COUPLE_STREAM, [timeout(i)], expected_version=0), 4
    )

    winners = [r for r in results if isinstance(r, list)]
    assert len(winners) == 1
    assert all(isinstance(r, ConcurrencyError) for r in results if not isinstance(r, list))
    assert store.count() == 1
    assert [r.version for r in store.read_stream(COUPLE_STREAM)] == [1]


# -- reading ------------------------------------------------------------------------------


def test_read_stream_returns_the_events_in_version_order(store: EventStore) -> None:
    batch = [checked_in(0), checked_in(1)]
    store.append(COUPLE, RITUAL_STREAM, batch, expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)
    store.append(COUPLE, RITUAL_STREAM, [checked_in(2)], expected_version=2)

    recorded = store.read_stream(RITUAL_STREAM)

    assert [r.version for r in recorded] == [1, 2, 3]
    assert events_of(recorded) == [checked_in(n).event for n in range(3)]
    assert [r.event_id for r in recorded[:2]] == [e.event_id for e in batch]
    assert [r.occurred_at for r in recorded] == [AT + timedelta(days=n) for n in range(3)]
    assert {(r.stream_id, r.couple_id) for r in recorded} == {(RITUAL_STREAM, COUPLE)}
    assert store.read_stream("ritual-unknown") == []


def test_stream_version_is_the_newest_version_of_that_stream_only(store: EventStore) -> None:
    assert store.stream_version(RITUAL_STREAM) == 0
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0), checked_in(1)], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)

    assert store.stream_version(RITUAL_STREAM) == 2
    assert store.stream_version(COUPLE_STREAM) == 1
    assert store.stream_version("ritual-unknown") == 0


def test_read_couple_filters_by_couple_types_and_position(store: EventStore) -> None:
    mine = store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=0)
    store.append(OTHER_COUPLE, "ritual-r2", [checked_in(1)], expected_version=0)
    mine += store.append(
        COUPLE, COUPLE_STREAM, [timeout(0), appreciation("hi")], expected_version=0
    )
    mine += store.append(COUPLE, RITUAL_STREAM, [checked_in(2)], expected_version=1)

    everything = store.read_couple(COUPLE)
    assert [r.position for r in everything] == mine
    assert {r.couple_id for r in everything} == {COUPLE}

    only = store.read_couple(COUPLE, types={"ritual.checked_in", "timeout.called"})
    expected_types = ["ritual.checked_in", "timeout.called", "ritual.checked_in"]
    assert [r.event.type_name for r in only] == expected_types

    later = store.read_couple(COUPLE, after=mine[1])
    assert [r.position for r in later] == mine[2:]
    later_checkins = store.read_couple(COUPLE, types=["ritual.checked_in"], after=mine[0])
    assert [r.position for r in later_checkins] == [mine[3]]
    assert store.read_couple("couple-unknown") == []


def test_read_types_returns_events_of_those_types_across_couples(store: EventStore) -> None:
    a = store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)
    b = store.append(OTHER_COUPLE, "ritual-r2", [checked_in(1, partner="kim")], expected_version=0)

    recorded = store.read_types(["ritual.checked_in"])

    assert [r.position for r in recorded] == a + b
    assert [r.couple_id for r in recorded] == [COUPLE, OTHER_COUPLE]
    assert store.read_types(["capsule.opened"]) == []


def test_read_all_pages_through_every_event_in_position_order(store: EventStore) -> None:
    positions: list[int] = []
    for n in range(4):
        positions += store.append(COUPLE, RITUAL_STREAM, [checked_in(n)], expected_version=None)
        positions += store.append(OTHER_COUPLE, f"couple-{n}", [timeout(n)], expected_version=0)

    pages: list[list[int]] = []
    after = 0
    while page := store.read_all(after, limit=3):
        pages.append([r.position for r in page])
        after = page[-1].position

    assert [len(p) for p in pages] == [3, 3, 2]
    assert [p for page in pages for p in page] == positions
    assert store.read_all(store.last_position()) == []
    assert [r.position for r in store.read_all()] == positions


def test_last_position_and_count_follow_the_appends(store: EventStore) -> None:
    assert (store.last_position(), store.count()) == (0, 0)

    store.append(COUPLE, RITUAL_STREAM, [checked_in(0), checked_in(1)], expected_version=0)
    positions = store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)

    assert store.last_position() == positions[-1]
    assert store.count() == 3


# -- subscribers --------------------------------------------------------------------------


def test_subscribers_see_each_committed_batch_until_they_unsubscribe(store: EventStore) -> None:
    seen: list[tuple[list[RecordedEvent], int]] = []
    unsubscribe = store.subscribe(lambda batch: seen.append((list(batch), store.count())))
    batch = [checked_in(0, note="slow morning"), checked_in(1)]

    positions = store.append(COUPLE, RITUAL_STREAM, batch, expected_version=0)
    with pytest.raises(ConcurrencyError):
        store.append(COUPLE, RITUAL_STREAM, [checked_in(2)], expected_version=0)
    unsubscribe()
    store.append(COUPLE, RITUAL_STREAM, [checked_in(3)], expected_version=2)

    assert len(seen) == 1
    recorded, count_when_called = seen[0]
    assert count_when_called == 2  # called after the commit
    assert all(isinstance(r, RecordedEvent) for r in recorded)
    assert [r.position for r in recorded] == positions
    assert [r.version for r in recorded] == [1, 2]
    assert events_of(recorded) == [e.event for e in batch]
    assert recorded == store.read_stream(RITUAL_STREAM)[:2]


# -- secret fields ------------------------------------------------------------------------


def test_secret_fields_are_stored_sealed_and_read_back_in_plain(store: EventStore) -> None:
    note = "we talked about moving to Lyon"
    text = "Thank you for the tea, Liebling ❤"
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0, note=note)], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [appreciation(text)], expected_version=0)

    note_row, text_row = raw_rows(store)
    for row, field, plain in ((note_row, "note", note), (text_row, "text", text)):
        sealed = row.payload[field]
        assert isinstance(sealed, str)
        assert sealed.startswith("s1:")
        assert plain not in json.dumps(row.payload, ensure_ascii=False)
        assert plain not in json.dumps(row.payload)
    assert note_row.payload["ritual_id"] == "r1"  # other fields stay plain

    assert store.read_stream(RITUAL_STREAM)[0].event.note == note  # type: ignore[attr-defined]
    assert store.read_stream(COUPLE_STREAM)[0].event.text == text  # type: ignore[attr-defined]


def test_secret_fields_read_without_decryption_are_sealed(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0, note="private")], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [appreciation("also private")], expected_version=0)

    checkin = store.read_stream(RITUAL_STREAM, decrypt=False)[0].event
    given = store.read_couple(COUPLE, types=["appreciation.given"], decrypt=False)[0].event

    assert checkin.note == SEALED  # type: ignore[attr-defined]
    assert checkin.ritual_id == "r1"  # type: ignore[attr-defined]
    assert given.text == SEALED  # type: ignore[attr-defined]
    by_default = store.read_all()  # read_all does not decrypt unless asked
    assert by_default[0].event.note == SEALED  # type: ignore[attr-defined]
    assert store.read_all(decrypt=True)[0].event.note == "private"  # type: ignore[attr-defined]


def test_a_missing_secret_stays_none_and_is_not_sealed(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0, note=None)], expected_version=0)

    assert raw_rows(store)[0].payload["note"] is None
    assert store.read_stream(RITUAL_STREAM)[0].event.note is None  # type: ignore[attr-defined]


def test_forgetting_a_couple_erases_its_secrets_for_good(store: EventStore) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0, note="ours")], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [appreciation("yours")], expected_version=0)
    store.append(OTHER_COUPLE, "ritual-r2", [checked_in(1, note="theirs")], expected_version=0)

    assert store.cipher.forget(COUPLE) >= 1

    assert store.read_stream(RITUAL_STREAM)[0].event.note == ERASED  # type: ignore[attr-defined]
    given = store.read_stream(COUPLE_STREAM)[0].event
    assert given.text == ERASED  # type: ignore[attr-defined]
    assert given.author == "sam"  # type: ignore[attr-defined]
    assert store.read_stream("ritual-r2")[0].event.note == "theirs"  # type: ignore[attr-defined]
    assert store.count() == 3


def test_forgetting_one_partner_erases_only_their_words(store: EventStore) -> None:
    store.append(
        COUPLE, RITUAL_STREAM, [checked_in(0, note="sam's", partner="sam")], expected_version=0
    )
    store.append(
        COUPLE, RITUAL_STREAM, [checked_in(1, note="alex's", partner="alex")], expected_version=1
    )

    store.cipher.forget(COUPLE, "sam")

    notes = [r.event.note for r in store.read_stream(RITUAL_STREAM)]  # type: ignore[attr-defined]
    assert notes == [ERASED, "alex's"]


# -- clock and metadata -------------------------------------------------------------------


def test_recorded_at_comes_from_the_store_clock(store: EventStore, fixed_clock: FixedClock) -> None:
    first_at = fixed_clock.now
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=0)
    fixed_clock.advance(timedelta(hours=2, seconds=30))
    store.append(COUPLE, RITUAL_STREAM, [checked_in(1)], expected_version=1)

    recorded = store.read_stream(RITUAL_STREAM)

    assert [r.recorded_at for r in recorded] == [
        first_at,
        first_at + timedelta(hours=2, seconds=30),
    ]
    assert all(r.recorded_at.tzinfo is not None for r in recorded)
    assert [r.occurred_at for r in recorded] == [AT, AT + timedelta(days=1)]


def test_recorded_at_from_a_clock_in_another_zone_reads_back_as_the_same_instant(
    store: EventStore, fixed_clock: FixedClock
) -> None:
    berlin = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    fixed_clock.now = berlin  # a clock may report an aware instant in any zone
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)

    assert store.read_stream(COUPLE_STREAM)[0].recorded_at == berlin


def test_occurred_at_in_another_zone_reads_back_as_the_same_instant(store: EventStore) -> None:
    local = datetime(2026, 3, 1, 21, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    store.append(COUPLE, COUPLE_STREAM, [NewEvent(timeout(0).event, local)], expected_version=0)

    occurred = store.read_stream(COUPLE_STREAM)[0].occurred_at

    assert occurred == local
    assert occurred.utcoffset() is not None


def test_metadata_round_trips(store: EventStore) -> None:
    meta = Metadata(actor="sam", via="cli", correlation_id="corr-42")
    store.append(COUPLE, RITUAL_STREAM, [checked_in(0)], expected_version=0, metadata=meta)
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)

    assert store.read_stream(RITUAL_STREAM)[0].metadata == meta
    assert store.read_stream(COUPLE_STREAM)[0].metadata == Metadata()
    assert [r.metadata for r in store.read_all()] == [meta, Metadata(None, "api", None)]


def test_read_couple_reads_the_recent_events_by_when_they_occurred_or_were_recorded(
    store: EventStore,
) -> None:
    store.append(COUPLE, RITUAL_STREAM, [checked_in(n) for n in range(4)], expected_version=0)
    store.append(COUPLE, COUPLE_STREAM, [timeout(0)], expected_version=0)
    recorded = store.read_couple(COUPLE)
    stamp = max(r.recorded_at for r in recorded)
    long_ago = AT - timedelta(days=400)

    def recent(occurred: datetime, recorded: datetime, **kw: object) -> list[int]:
        bound = Recent(occurred=occurred, recorded=recorded)
        return [r.position for r in store.read_couple(COUPLE, recent=bound, **kw)]  # type: ignore[arg-type]

    by_occurrence = [r.position for r in recorded if r.occurred_at > AT + timedelta(days=1)]
    assert recent(AT + timedelta(days=1), stamp) == by_occurrence
    assert len(by_occurrence) < len(recorded)
    assert recent(AT + timedelta(days=400), long_ago) == [r.position for r in recorded]
    assert recent(AT + timedelta(days=400), stamp) == []
    only = recent(AT + timedelta(days=1), stamp, types=[CheckedIn.type_name])
    assert only == [
        r.position
        for r in recorded
        if r.position in by_occurrence and isinstance(r.event, CheckedIn)
    ]
