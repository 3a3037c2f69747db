"""The event store contract, and an in-memory store that honours it.

A store appends events to streams and reads them back in order. ``(stream_id,
version)`` is unique: that uniqueness *is* the optimistic-concurrency check, and a
clash raises ``ConcurrencyError``. An event id appended again
with the same content is a no-op that reports the original position, so a client
that lost the reply to a commit can retry safely; with other content it raises
``DuplicateEvent``. Every backend passes one contract suite
(``tests/integration/test_store_contract.py``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from engine.clock import Clock
from engine.errors import ConcurrencyError, DuplicateEvent, InvalidInput
from engine.events.base import Event, Payload
from engine.events.codec import decode, encode
from engine.events.idempotency import (
    IdempotencyMark,
    IdempotencyRecord,
    RequestHashes,
    drawn_ids,
    key_hash,
    settle,
)
from engine.events.names import NameClaim, NameKeys, NameRelease, claimed, releases_everything
from engine.events.sealing import KeyringCipher, MemoryKeyring
from engine.events.subscribers import Subscriber, Subscribers


def new_event_id() -> str:
    """A fresh event id: a random UUID, or the next of a keyed run's ids (see
    ``engine.events.idempotency``)."""
    keyed = drawn_ids()
    return str(keyed.next() if keyed is not None else uuid.uuid4())


@dataclass(frozen=True)
class Metadata:
    """Who wrote a batch of events, through which door, as part of what."""

    actor: str | None = None  # a partner id, never a name
    via: str = "api"  # cli, api, server, import
    correlation_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"actor": self.actor, "via": self.via, "correlation_id": self.correlation_id}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Metadata:
        data = data or {}
        return cls(data.get("actor"), data.get("via", "api"), data.get("correlation_id"))


NO_METADATA = Metadata()


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended, with the moment the user says it happened."""

    event: Event
    occurred_at: datetime
    event_id: str = field(default_factory=new_event_id)
    recorded_at: datetime | None = None  # kept only by an append with ``keep_recorded``


@dataclass(frozen=True)
class Batch:
    """Events for one stream, appended together as one of several in one transaction."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int | None
    metadata: Metadata = field(default_factory=Metadata)
    claims: Sequence[NameClaim] = ()  # unique names taken with these events
    releases: Sequence[NameRelease] = ()  # and given up, before the claims


@dataclass(frozen=True)
class Recent:
    """The events that occurred after ``occurred`` or were recorded after ``recorded``.

    What a status reads of a long log: a fact an event states (an occurrence, a moment it
    was done) lies at most a day after when it occurred, or a few months after when it was
    recorded (a skip planned ahead), so the events outside both bounds state nothing
    after the earlier of the two moments plus those margins."""

    occurred: datetime
    recorded: datetime

    def holds(self, occurred_at: datetime, recorded_at: datetime) -> bool:
        return occurred_at > self.occurred or recorded_at > self.recorded


@dataclass(frozen=True)
class RecordedEvent:
    """An event as stored, with its place in the log."""

    position: int
    stream_id: str
    version: int
    couple_id: str
    event_id: str
    event: Event
    metadata: Metadata
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class Row:
    """A stored event before decoding: what a backend keeps."""

    position: int
    stream_id: str
    version: int
    couple_id: str
    event_id: str
    type_name: str
    schema: int
    payload: Payload
    metadata: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime


class EventStore(Protocol):
    """What the engine needs from a store."""

    cipher: KeyringCipher

    def append(
        self,
        couple_id: str,
        stream_id: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int | None,
        metadata: Metadata = ...,
        claims: Sequence[NameClaim] = ...,
        releases: Sequence[NameRelease] = ...,
        idempotency: IdempotencyMark | None = ...,
    ) -> list[int]:
        """Append atomically; ``expected_version`` is the stream's current version
        (0 for a new stream) or None to skip the check. Returns the positions.

        In the same transaction, ``releases`` give up names and ``claims`` take them
        (see ``engine.events.names``); a name another owner holds raises NotAllowed and
        stores nothing. A ``couple.erased`` event releases every name of its couple and
        drops its idempotency keys. With ``idempotency``, the key is kept (or its record
        extended) with the events, or the append is refused as
        ``engine.events.idempotency.settle`` says.
        """
        ...

    def append_batches(
        self,
        couple_id: str,
        batches: Sequence[Batch],
        *,
        idempotency: IdempotencyMark | None = ...,
        keep_recorded: bool = ...,
    ) -> list[list[int]]:
        """Append several streams' batches of one couple in ONE transaction: all or none.

        Each batch is checked as ``append`` checks it (its expected version, replayed
        event ids); one refusal writes nothing. Returns each batch's positions.

        With ``keep_recorded`` (for an import only), each event is stored with the
        ``recorded_at`` it carries instead of the store clock's moment, checked by
        :func:`kept_times`.
        """
        ...

    def idempotency_record(self, couple_id: str, key: str) -> IdempotencyRecord | None:
        """What the store keeps of a couple's idempotency key, if it was used."""
        ...

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        """Every event of one stream, in version order."""
        ...

    def stream_version(self, stream_id: str) -> int:
        """The version of the stream's newest event (0 for a stream with none)."""
        ...

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        """Every event of one couple (optionally of some types, optionally only the
        ``recent`` ones), in log order."""
        ...

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        """Every event of the given types, across couples, in log order."""
        ...

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        """Up to ``limit`` events with a position after ``after``, in log order."""
        ...

    def last_position(self) -> int:
        """The position of the newest committed event (0 when empty)."""
        ...

    def count(self) -> int:
        """How many events are stored."""
        ...

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with each committed batch; returns an unsubscribe function."""
        ...

    def check_writable(self, wait: float = ...) -> None:
        """Raise StoreUnavailable unless the store can be read and written within
        ``wait`` seconds; for health checks."""
        ...

    def scrub(self) -> bool:
        """After an erasure, rewrite the backend's own files so that destroyed keys leave
        them where the backend allows it; True when nothing is left behind."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def encode_batch(
    cipher: KeyringCipher, couple_id: str, events: Sequence[NewEvent]
) -> list[tuple[NewEvent, Payload]]:
    """Encode each new event's payload (sealing its secret fields).

    Raises DuplicateEvent when the batch itself repeats an event id.
    """
    ids = [e.event_id for e in events]
    if len(set(ids)) != len(ids):
        raise DuplicateEvent("a batch repeats an event id; every event needs its own id")
    return [
        (e, encode(e.event, couple_id=couple_id, event_id=e.event_id, cipher=cipher))
        for e in events
    ]


def check_batch_ids(batches: Sequence[Batch]) -> None:
    """One transaction never carries one event id twice."""
    ids = [e.event_id for b in batches for e in b.events]
    if len(set(ids)) != len(ids):
        raise DuplicateEvent("a batch repeats an event id; every event needs its own id")


def kept_times(events: Sequence[NewEvent], now: datetime, after: datetime | None) -> list[datetime]:
    """The record times an import keeps for one batch of a stream whose newest event was
    recorded at ``after``: each given with its zone, none in the future of the store's
    clock ``now``, and none before the one it follows. InvalidInput otherwise."""
    times = []
    for new in events:
        at = new.recorded_at
        if at is None or at.tzinfo is None:
            raise InvalidInput("every imported event needs the time it was recorded, with its zone")
        at = at.astimezone(UTC)
        if at > now:
            raise InvalidInput(
                "an imported event was recorded later than this database's clock says it is "
                "now; nothing was imported"
            )
        if after is not None and at < after:
            raise InvalidInput(
                "imported record times go back in time within one stream; nothing was imported"
            )
        times.append(at)
        after = at
    return times


def check_replay(
    existing: dict[str, Row],
    couple_id: str,
    batch: Batch,
    encoded: Sequence[tuple[NewEvent, Payload]],
) -> list[int] | None:
    """Decide what an append whose event ids already exist means.

    Returns the original positions when the whole batch was stored before as the very
    same events (a safe retry: same couple, stream, type, content, moment and author);
    None when no id exists; raises DuplicateEvent otherwise.
    """
    if not existing:
        return None
    positions = []
    for new, payload in encoded:
        row = existing.get(new.event_id)
        if (
            row is None
            or row.couple_id != couple_id
            or row.stream_id != batch.stream_id
            or row.type_name != new.event.type_name
            or row.payload != payload
            or row.occurred_at != new.occurred_at
            or row.metadata.get("actor") != batch.metadata.actor
        ):
            raise DuplicateEvent(
                f"event id {new.event_id} was already used for another event; "
                "a retry must repeat the very same events"
            )
        positions.append(row.position)
    return positions


def erased_owners(rows: Sequence[Row]) -> list[tuple[str, str | None]]:
    """(couple id, partner id or None for the whole couple) of each tombstone in ``rows``."""
    return [
        (r.couple_id, None if r.type_name == "couple.erased" else str(r.payload["partner_id"]))
        for r in rows
        if r.type_name in ("couple.erased", "couple.partner_erased")
    ]


def decode_row(row: Row, cipher: KeyringCipher | None) -> RecordedEvent:
    """Turn a stored row into a typed event."""
    event = decode(
        row.type_name,
        row.schema,
        row.payload,
        couple_id=row.couple_id,
        event_id=row.event_id,
        cipher=cipher,
    )
    return RecordedEvent(
        position=row.position,
        stream_id=row.stream_id,
        version=row.version,
        couple_id=row.couple_id,
        event_id=row.event_id,
        event=event,
        metadata=Metadata.from_json(row.metadata),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
    )


class MemoryEventStore:
    """An event store in memory with the full contract; for tests and experiments."""

    def __init__(self, clock: Clock | None = None) -> None:
        from engine.clock import utc_now

        self.cipher = KeyringCipher(MemoryKeyring())
        self._clock = clock or utc_now
        self._rows: list[Row] = []
        self._by_id: dict[str, Row] = {}
        self._versions: dict[str, int] = {}
        self._lock = threading.Lock()
        self._subscribers = Subscribers()
        self._names: dict[tuple[str, str], tuple[str, str]] = {}  # (scope, key) -> couple, owner
        self._name_keys = NameKeys(self.cipher)
        self._requests = RequestHashes(self.cipher)
        self._keys: dict[tuple[str, str], IdempotencyRecord] = {}

    def append(
        self,
        couple_id: str,
        stream_id: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int | None,
        metadata: Metadata = NO_METADATA,
        claims: Sequence[NameClaim] = (),
        releases: Sequence[NameRelease] = (),
        idempotency: IdempotencyMark | None = None,
    ) -> list[int]:
        batch = Batch(stream_id, events, expected_version, metadata, claims, releases)
        return self.append_batches(couple_id, [batch], idempotency=idempotency)[0]

    def append_batches(
        self,
        couple_id: str,
        batches: Sequence[Batch],
        *,
        idempotency: IdempotencyMark | None = None,
        keep_recorded: bool = False,
    ) -> list[list[int]]:
        check_batch_ids(batches)
        encoded = [encode_batch(self.cipher, couple_id, b.events) for b in batches]
        keyed = [self._name_keys.keyed(b.claims) for b in batches]
        mark = idempotency
        fingerprint = self._requests.fingerprint(mark) if mark else ""
        with self._lock:
            slot = (couple_id, key_hash(mark.key)) if mark else None
            found = self._keys.get(slot) if slot else None
            if mark:  # before the replay check: a racing run of the key is told apart
                settle(found, mark, fingerprint, [])
            versions = dict(self._versions)
            names = self._names
            results: list[list[int]] = []
            rows: list[Row] = []
            now = self._clock().astimezone(UTC)
            for index, (batch, coded) in enumerate(zip(batches, encoded, strict=True)):
                existing = {
                    e.event_id: self._by_id[e.event_id]
                    for e in batch.events
                    if e.event_id in self._by_id
                }
                replayed = check_replay(existing, couple_id, batch, coded)
                if replayed is not None or not batch.events:
                    results.append(replayed or [])
                    continue
                current = versions.get(batch.stream_id, 0)
                expected = batch.expected_version
                if expected is not None and expected != current:
                    raise ConcurrencyError(batch.stream_id, expected, current)
                erased = releases_everything(batch.events)
                names = claimed(names, couple_id, keyed[index], batch.releases, erased)
                stamps = [now] * len(coded)
                if keep_recorded:
                    before = [r for r in (*self._rows, *rows) if r.stream_id == batch.stream_id]
                    after = before[-1].recorded_at if before else None
                    stamps = kept_times(batch.events, now, after)
                written = [
                    Row(
                        position=len(self._rows) + len(rows) + offset,
                        stream_id=batch.stream_id,
                        version=current + offset,
                        couple_id=couple_id,
                        event_id=new.event_id,
                        type_name=new.event.type_name,
                        schema=new.event.schema,
                        payload=payload,
                        metadata=batch.metadata.to_json(),
                        occurred_at=new.occurred_at,
                        recorded_at=stamp,
                    )
                    for offset, ((new, payload), stamp) in enumerate(
                        zip(coded, stamps, strict=True), start=1
                    )
                ]
                versions[batch.stream_id] = current + len(written)
                rows.extend(written)
                results.append([r.position for r in written])
            self._rows.extend(rows)
            self._by_id.update((r.event_id, r) for r in rows)
            self._versions = versions
            self._names = names
            if mark and slot and rows:
                self._keys[slot] = settle(found, mark, fingerprint, [r.event_id for r in rows])
            for couple, owner in erased_owners(rows):  # the keys go with their tombstone
                self.cipher.forget(couple, owner)
                if owner is None:
                    self._keys = {k: v for k, v in self._keys.items() if k[0] != couple}
        if rows:
            self._subscribers.notify([decode_row(r, self.cipher) for r in rows])
        return results

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        return [decode_row(r, cipher) for r in list(self._rows) if r.stream_id == stream_id]

    def idempotency_record(self, couple_id: str, key: str) -> IdempotencyRecord | None:
        return self._keys.get((couple_id, key_hash(key)))

    def stream_version(self, stream_id: str) -> int:
        return self._versions.get(stream_id, 0)

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        return [
            decode_row(r, cipher)
            for r in list(self._rows[after:])
            if r.couple_id == couple_id
            and (types is None or r.type_name in types)
            and (recent is None or recent.holds(r.occurred_at, r.recorded_at))
        ]

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        return [decode_row(r, cipher) for r in list(self._rows) if r.type_name in types]

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        return [decode_row(r, cipher) for r in self._rows[after : after + limit]]

    def last_position(self) -> int:
        return len(self._rows)

    def count(self) -> int:
        return len(self._rows)

    def raw_rows(self) -> list[Row]:
        """The stored rows as they are, for tests."""
        return list(self._rows)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self._subscribers.add(subscriber)

    def check_writable(self, wait: float = 1.0) -> None:
        with self._lock:
            return

    def scrub(self) -> bool:
        return True

    def close(self) -> None:
        return None
