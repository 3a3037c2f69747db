"""An event store in memory with the full contract (``engine.events.store``); for tests,
experiments. Thread-safe: one lock guards every write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from datetime import UTC
from typing import TYPE_CHECKING

from engine.errors import ConcurrencyError
from engine.events.idempotency import (
    IdempotencyMark,
    IdempotencyRecord,
    RequestHashes,
    key_hash,
    settle,
)
from engine.events.names import NameClaim, NameKeys, NameRelease, claimed, releases_everything
from engine.events.records import NO_METADATA, Batch, Metadata, NewEvent, Recent, RecordedEvent
from engine.events.rows import (
    Row,
    check_batch_ids,
    check_replay,
    decode_row,
    encode_batch,
    erased_owners,
    kept_times,
)
from engine.events.sealing import KeyringCipher, MemoryKeyring
from engine.events.subscribers import Subscriber, Subscribers

if TYPE_CHECKING:
    from engine.clock import Clock


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
