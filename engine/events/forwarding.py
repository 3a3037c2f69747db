"""A store that hands every call to the store it wraps: the base of the views of a store
(an undo honoured, a replay's events out of sight), which override only the calls they
change and so never drift from the contract when it grows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from engine.events.records import NO_METADATA, Batch, Metadata, NewEvent, Recent, RecordedEvent

if TYPE_CHECKING:
    from engine.events.idempotency import IdempotencyMark, IdempotencyRecord
    from engine.events.names import NameClaim, NameRelease
    from engine.events.sealing import KeyringCipher
    from engine.events.store import EventStore
    from engine.events.subscribers import Subscriber


class ForwardingStore:
    """An :class:`EventStore` that forwards each call to ``inner`` unchanged."""

    def __init__(self, inner: EventStore) -> None:
        self.inner = inner
        self.cipher: KeyringCipher = inner.cipher

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
        return self.inner.append(
            couple_id,
            stream_id,
            events,
            expected_version=expected_version,
            metadata=metadata,
            claims=claims,
            releases=releases,
            idempotency=idempotency,
        )

    def append_batches(
        self,
        couple_id: str,
        batches: Sequence[Batch],
        *,
        idempotency: IdempotencyMark | None = None,
        keep_recorded: bool = False,
    ) -> list[list[int]]:
        return self.inner.append_batches(
            couple_id, batches, idempotency=idempotency, keep_recorded=keep_recorded
        )

    def idempotency_record(self, couple_id: str, key: str) -> IdempotencyRecord | None:
        return self.inner.idempotency_record(couple_id, key)

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        return self.inner.read_stream(stream_id, decrypt=decrypt)

    def stream_version(self, stream_id: str) -> int:
        return self.inner.stream_version(stream_id)

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        return self.inner.read_couple(
            couple_id, types=types, after=after, decrypt=decrypt, recent=recent
        )

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        return self.inner.read_types(types, decrypt=decrypt)

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        return self.inner.read_all(after, limit, decrypt=decrypt)

    def last_position(self) -> int:
        return self.inner.last_position()

    def count(self) -> int:
        return self.inner.count()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self.inner.subscribe(subscriber)

    def check_writable(self, wait: float = 1.0) -> None:
        self.inner.check_writable(wait)

    def scrub(self) -> bool:
        return self.inner.scrub()

    def close(self) -> None:
        self.inner.close()
