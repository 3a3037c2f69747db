"""The store as one Engine's services see it: built once, lazily, under a lock; hiding
an idempotency key's events while the key is replayed; without undone entries when read
as lived; and the clock's moment, pinned during a keyed run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from engine.clock import Clock, utc_now
from engine.events import EventStore, RecordedEvent, honoured, retractions_stream
from engine.events.honouring import HonouringStore
from engine.services.idempotent import RUN, InvocationKeys, KeyedRun, ReplayingStore
from engine.services.retry import RetryPolicy


class StoreAccess:
    """The store, the clock and the settings of one Engine's session."""

    def __init__(
        self,
        store: EventStore | Callable[[], EventStore],
        clock: Clock = utc_now,
        *,
        via: str = "api",
        retry: RetryPolicy | None = None,
        keys: InvocationKeys | None = None,
    ) -> None:
        self._store: EventStore | None = None
        self._factory: Callable[[], EventStore] | None = None
        if callable(store):
            self._factory = store
        else:
            self._store = store
        self._lock = threading.Lock()
        self.clock = clock
        self.via = via
        self.retry = retry or RetryPolicy()
        self.keys = keys

    @property
    def store(self) -> EventStore:
        """The event store as this command sees it: during the replay of an idempotency
        key, without the events the key wrote until they are appended again."""
        run = self.keyed_run()
        if run is not None and run.hidden:
            return ReplayingStore(self.base_store, run)
        return self.base_store

    @property
    def base_store(self) -> EventStore:
        """The event store, built by the factory on first use, once even when threads race."""
        store = self._store
        if store is None:
            with self._lock:
                if self._store is None:
                    assert self._factory is not None
                    self._store = self._factory()
                store = self._store
        return store

    @property
    def lived(self) -> HonouringStore:
        """The store as the couple lived it: entries someone undid are left out."""
        return HonouringStore(self.store)

    def honoured_stream(self, stream_id: str) -> tuple[list[RecordedEvent], int]:
        """A stream's events without undone entries, and the stream's true version."""
        found = self.store.read_stream(stream_id)
        if not found:
            return found, 0
        taken = self.store.read_stream(retractions_stream(found[0].couple_id), decrypt=False)
        gone = {getattr(r.event, "retracted_event_id", "") for r in taken}
        return honoured(found, gone), len(found)

    def now(self) -> datetime:
        """The clock's moment; a run under an idempotency key keeps its first moment."""
        run = self.keyed_run()
        return run.pinned_at if run is not None else self.clock()

    def keyed_run(self) -> KeyedRun | None:
        """The idempotency-keyed run of this session in progress in this context."""
        run = RUN.get()
        return run if run is not None and run.session is self else None

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
