"""The event store contract, and an in-memory store that honours it.

A store appends events to streams and reads them back in order. ``(stream_id,
version)`` is unique: that uniqueness *is* the optimistic-concurrency check, and a
clash raises :class:`~engine.errors.ConcurrencyError`. An event id appended again
with the same content is a no-op that reports the original position, so a client
that lost the reply to a commit can retry safely; with other content it raises
:class:`~engine.errors.DuplicateEvent`. Every backend passes one contract suite
(``tests/integration/test_store_contract.py``).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from engine.clock import Clock
from engine.crypto import KeyringCipher, MemoryKeyring
from engine.errors import ConcurrencyError, DuplicateEvent, NotAllowed
from engine.events.base import Event, Payload
from engine.events.codec import decode, encode
from engine.events.names import NAMES_SECRET, NameClaim, NameRelease, name_key

log = logging.getLogger("engine")


def new_event_id() -> str:
    """A fresh event id (a random UUID)."""
    return str(uuid.uuid4())


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


Subscriber = Callable[[Sequence[RecordedEvent]], None]


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
    ) -> list[int]:
        """Append atomically; ``expected_version`` is the stream's current version
        (0 for a new stream) or None to skip the check. Returns the positions.

        In the same transaction, ``releases`` give up names and ``claims`` take them
        (see ``engine.events.names``); a name another owner holds raises NotAllowed and
        stores nothing. A ``couple.erased`` event releases every name of its couple.
        """
        ...

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        """Every event of one stream, in version order."""
        ...

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
    ) -> list[RecordedEvent]:
        """Every event of one couple (optionally of some types), in log order."""
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


def check_replay(
    existing: dict[str, Row], stream_id: str, encoded: Sequence[tuple[NewEvent, Payload]]
) -> list[int] | None:
    """Decide what an append whose event ids already exist means.

    Returns the original positions when the whole batch was stored before with the same
    content (a safe retry); None when no id exists; raises DuplicateEvent otherwise.
    """
    if not existing:
        return None
    positions = []
    for new, payload in encoded:
        row = existing.get(new.event_id)
        if (
            row is None
            or row.stream_id != stream_id
            or row.type_name != new.event.type_name
            or row.payload != payload
        ):
            raise DuplicateEvent(f"event id {new.event_id} was already used for another event")
        positions.append(row.position)
    return positions


ERASED_TYPE = "couple.erased"


def releases_everything(events: Sequence[NewEvent]) -> bool:
    """Whether the batch erases its couple, which lets go of all the couple's names."""
    return any(e.event.type_name == ERASED_TYPE for e in events)


class NameKeys:
    """The keyed hashes of names, with the store's secret fetched once."""

    def __init__(self, cipher: KeyringCipher) -> None:
        self._cipher = cipher
        self._secret: bytes | None = None

    def keyed(self, claims: Sequence[NameClaim]) -> list[tuple[NameClaim, str]]:
        if not claims:
            return []
        if self._secret is None:
            self._secret = self._cipher.keyring.get_or_create(*NAMES_SECRET)
        return [(c, name_key(self._secret, c)) for c in claims]


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


class Subscribers:
    """In-process subscribers, called after a commit.

    The events are saved by then, so a subscriber that fails must not make the command
    look failed (a client would retry a saved check-in): its exception is logged on the
    ``engine`` logger, by type only (a message could quote private text), and the next
    subscriber still runs.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def add(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)

        def remove() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return remove

    def notify(self, batch: Sequence[RecordedEvent]) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(batch)
            except Exception as exc:  # the batch is committed whatever happens
                log.error(
                    "subscriber %s failed with %s on the events at positions %d to %d; "
                    "they are saved, and the other subscribers still ran",
                    getattr(subscriber, "__qualname__", type(subscriber).__qualname__),
                    type(exc).__name__,
                    batch[0].position if batch else 0,
                    batch[-1].position if batch else 0,
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
    ) -> list[int]:
        if not events:
            return []
        encoded = encode_batch(self.cipher, couple_id, events)
        keyed = self._name_keys.keyed(claims)
        with self._lock:
            existing = {
                e.event_id: self._by_id[e.event_id] for e in events if e.event_id in self._by_id
            }
            replayed = check_replay(existing, stream_id, encoded)
            if replayed is not None:
                return replayed
            current = self._versions.get(stream_id, 0)
            if expected_version is not None and expected_version != current:
                raise ConcurrencyError(stream_id, expected_version, current)
            self._names = self._claimed(couple_id, keyed, releases, releases_everything(events))
            now = self._clock().astimezone(UTC)
            rows = []
            for offset, (new, payload) in enumerate(encoded, start=1):
                row = Row(
                    position=len(self._rows) + 1,
                    stream_id=stream_id,
                    version=current + offset,
                    couple_id=couple_id,
                    event_id=new.event_id,
                    type_name=new.event.type_name,
                    schema=new.event.schema,
                    payload=payload,
                    metadata=metadata.to_json(),
                    occurred_at=new.occurred_at,
                    recorded_at=now,
                )
                self._rows.append(row)
                self._by_id[row.event_id] = row
                rows.append(row)
            self._versions[stream_id] = current + len(rows)
        self._subscribers.notify([decode_row(r, self.cipher) for r in rows])
        return [r.position for r in rows]

    def _claimed(
        self,
        couple_id: str,
        keyed: Sequence[tuple[NameClaim, str]],
        releases: Sequence[NameRelease],
        erased: bool,
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """The names after this append, or NotAllowed with nothing changed."""
        names = {
            at: (couple, owner)
            for at, (couple, owner) in self._names.items()
            if not (erased and couple == couple_id)
            and not any(at[0] == r.scope and owner == r.owner for r in releases)
        }
        for claim, key in keyed:
            holder = names.get((claim.scope, key))
            if holder is not None and holder[1] != claim.owner:
                raise NotAllowed(claim.refusal)
            names[(claim.scope, key)] = (couple_id, claim.owner)
        return names

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        return [decode_row(r, cipher) for r in list(self._rows) if r.stream_id == stream_id]

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
    ) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        return [
            decode_row(r, cipher)
            for r in list(self._rows[after:])
            if r.couple_id == couple_id and (types is None or r.type_name in types)
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
