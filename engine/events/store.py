"""The event store contract, and an in-memory store that honours it.

A store appends events to streams and reads them back in order. ``(stream_id,
version)`` is unique: that uniqueness *is* the optimistic-concurrency check, and a
clash raises ``ConcurrencyError``. An event id appended again
with the same content is a no-op that reports the original position, so a client
that lost the reply to a commit can retry safely; with other content it raises
``DuplicateEvent``. Every backend passes one contract suite
(``tests/integration/test_store_contract.py``).

The pieces: ``records`` (new, batched and recorded events), ``rows`` (what a backend
keeps, and the checks every backend makes alike), ``memory_store`` (the memory backend).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from engine.events.idempotency import IdempotencyMark, IdempotencyRecord
    from engine.events.names import NameClaim, NameRelease
    from engine.events.records import Batch, Metadata, NewEvent, Recent, RecordedEvent
    from engine.events.sealing import KeyringCipher
    from engine.events.subscribers import Subscriber


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
        ``engine.events.rows.kept_times``.
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
