"""A command run under an idempotency key, and the store as that run sees it.

The first run of a key pins its moment and draws its ids from the key; the store keeps the
key with the run's first append. A later run of the key (a retry after a lost reply) is a
*replay*: it pins the first run's moment and sees the store without the events the key
wrote (a :class:`ReplayingStore`), so it decides exactly what the first run decided. Its
appends then name events the store already holds, which the store reports at their
original positions without writing them, and they come back into view: what the command
returns afterwards is read with them, as the first run read it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

from engine.events.forwarding import ForwardingStore
from engine.events.idempotency import (
    IdempotencyMark,
    IdempotencyRecord,
    KeyedIds,
    check_key,
)
from engine.events.records import NO_METADATA, Batch, Metadata, NewEvent, Recent, RecordedEvent

if TYPE_CHECKING:
    from engine.events.names import NameClaim, NameRelease
    from engine.events.store import EventStore
    from engine.services.session import Session


def canonical(value: Any) -> Any:
    """Arguments as plain JSON values, the same for the same arguments in every process."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return canonical(value.value)
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date | time):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if is_dataclass(value) and not isinstance(value, type):
        ident = getattr(value, "id", None)
        if isinstance(ident, str):  # a view names what it shows by its id
            return {"id": ident}
        return {f.name: canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Sequence | set | frozenset):
        items = [canonical(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    return repr(value)


def request_text(command: str, couple_id: str, arguments: Mapping[str, Any]) -> str:
    """The request a key stands for, as hashed by the store."""
    return json.dumps([command, couple_id, canonical(arguments)], sort_keys=True)


@dataclass
class KeyedRun:
    """One run of a command under an idempotency key."""

    session: Session
    couple_id: str
    key: str
    request: str = field(repr=False)
    pinned_at: datetime
    ids: KeyedIds
    hidden: set[str] = field(default_factory=set)  # what the key wrote, until replayed

    @classmethod
    def start(
        cls,
        session: Session,
        couple_id: str,
        key: str,
        request: str,
        record: IdempotencyRecord | None,
        now: datetime,
    ) -> KeyedRun:
        return cls(
            session,
            couple_id,
            key,
            request,
            record.pinned_at if record else now,
            KeyedIds(couple_id, key),
            set(record.event_ids) if record else set(),
        )

    def mark(self) -> IdempotencyMark:
        return IdempotencyMark(self.key, self.request, self.pinned_at)

    def replayed(self, events: Sequence[NewEvent]) -> None:
        self.hidden.difference_update(e.event_id for e in events)


class InvocationKeys:
    """Idempotency keys for the commands of one invocation (the CLI makes one per run):
    each command given no key of its own takes the next of ``base/1``, ``base/2``, ...,
    so running the same invocation again with the same ``base`` repeats every key in
    order. A command whose connection drops (ConnectionLost) is retried ``retries``
    times under its key, ``pause`` seconds apart (growing), which is always safe."""

    def __init__(self, base: str, *, retries: int = 2, pause: float = 0.25) -> None:
        self.base = check_key(base)
        self.retries = retries
        self.pause = pause
        self._drawn = 0
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            self._drawn += 1
            return f"{self.base}/{self._drawn}"


RUN: ContextVar[KeyedRun | None] = ContextVar("ritual_keyed_run", default=None)
"""The keyed run in progress in this context, if any."""


class ReplayingStore(ForwardingStore):
    """The store as a replay sees it: the events its key wrote are out of sight until the
    replay appends them again (implements ``engine.events.store.EventStore``)."""

    def __init__(self, inner: EventStore, run: KeyedRun) -> None:
        super().__init__(inner)
        self.run = run

    def __getattr__(self, name: str) -> Any:  # a backend's own extras, e.g. ``db``
        return getattr(self.inner, name)

    def _seen(self, found: list[RecordedEvent]) -> list[RecordedEvent]:
        hidden = self.run.hidden
        return [r for r in found if r.event_id not in hidden] if hidden else found

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
        positions = super().append(
            couple_id,
            stream_id,
            events,
            expected_version=expected_version,
            metadata=metadata,
            claims=claims,
            releases=releases,
            idempotency=idempotency,
        )
        self.run.replayed(events)
        return positions

    def append_batches(
        self,
        couple_id: str,
        batches: Sequence[Batch],
        *,
        idempotency: IdempotencyMark | None = None,
        keep_recorded: bool = False,
    ) -> list[list[int]]:
        positions = super().append_batches(
            couple_id, batches, idempotency=idempotency, keep_recorded=keep_recorded
        )
        for batch in batches:
            self.run.replayed(batch.events)
        return positions

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        return self._seen(super().read_stream(stream_id, decrypt=decrypt))

    def stream_version(self, stream_id: str) -> int:
        if not self.run.hidden:
            return super().stream_version(stream_id)
        seen = self.read_stream(stream_id, decrypt=False)
        return seen[-1].version if seen else 0

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        return self._seen(
            super().read_couple(couple_id, types=types, after=after, decrypt=decrypt, recent=recent)
        )

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        return self._seen(super().read_types(types, decrypt=decrypt))

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        return self._seen(super().read_all(after, limit, decrypt=decrypt))
