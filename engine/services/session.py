"""What every service stands on: the store (created once, lazily, under a lock), the clock,
loading a couple's or a ritual's state, and appending with bounded, jittered retries.

References are strict: a couple is its id or its view, a ritual its id, its view or the exact
title of one of its rituals. Names, id prefixes and "the only couple" are the CLI's business.

A ``Session`` is built in layers, one module each: ``store_access`` (the store, the clock,
the keyed run's view of them), ``loading`` (couples and rituals), this module (keyed
commands and the write path); ``refs`` holds the references, stream names and event groups.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from engine.errors import ConcurrencyError, ConnectionLost, IdempotencyConflict
from engine.events import Batch, Event, Metadata, NewEvent
from engine.events.idempotency import (
    CONFLICT,
    KeyAlreadyRan,
    RequestHashes,
    check_key,
    drawn_ids,
    keyed_ids,
)
from engine.services.idempotent import RUN, KeyedRun, request_text
from engine.services.loading import Loading
from engine.services.refs import CoupleRef, Decision, couple_stream, new_id

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.events.names import NameClaim, NameRelease

T = TypeVar("T")


class Session(Loading):
    """The store, the clock and the write path shared by every service of one Engine."""

    # -- idempotency ---------------------------------------------------------------------

    def command_key(self, key: str | None) -> str | None:
        """The idempotency key a command runs under: its own, or the invocation's next."""
        if key is None and self.keys is not None and self.keyed_run() is None:
            return self.keys.next()
        return key

    def once(
        self,
        key: str | None,
        couple_id: str,
        command: str,
        arguments: Mapping[str, Any],
        run: Callable[[], T],
    ) -> T:
        """Run a command under an idempotency ``key`` (or plainly, without one): the first
        run with a key stores its events once; a later one with the same command and
        arguments writes nothing and returns what the first returned; another command or
        other arguments under the key raise IdempotencyConflict."""
        if key is None or self.keyed_run() is not None:
            return run()
        check_key(key)
        request = request_text(command, couple_id, arguments)
        retries = self.keys.retries if self.keys is not None else 0
        for lost in range(retries + 1):
            try:
                return self._keyed(key, couple_id, request, run)
            except ConnectionLost:
                if lost == retries:
                    raise
                assert self.keys is not None
                time.sleep(self.keys.pause * (lost + 1))  # then replay what may have landed
        raise AssertionError("unreachable")

    def _keyed(self, key: str, couple_id: str, request: str, run: Callable[[], T]) -> T:
        for _ in range(3):
            record = self.base_store.idempotency_record(couple_id, key)
            keyed = KeyedRun.start(self, couple_id, key, request, record, self.clock())
            if record is not None:
                hashed = RequestHashes(self.base_store.cipher).fingerprint(keyed.mark())
                if hashed != record.fingerprint:
                    raise IdempotencyConflict(CONFLICT)
            token = RUN.set(keyed)
            try:
                with keyed_ids(keyed.ids):
                    return run()
            except KeyAlreadyRan:
                continue  # another run of the key stored first: replay it
            finally:
                RUN.reset(token)
        raise ConcurrencyError("idempotency key", 0)

    # -- writing -------------------------------------------------------------------------

    def append(
        self,
        couple_id: str,
        stream_id: str,
        events: Sequence[Event],
        *,
        expected_version: int | None,
        actor: str | None,
        occurred_at: datetime | None = None,
        claims: Sequence[NameClaim] = (),
        releases: Sequence[NameRelease] = (),
    ) -> list[int]:
        """Append events as one batch, as the acting partner; returns their positions.
        ``claims`` and ``releases`` of unique names commit or fail with the events."""
        when = occurred_at or self.now()
        run = self.keyed_run()
        return self.store.append(
            couple_id,
            stream_id,
            [NewEvent(e, when) for e in events],
            expected_version=expected_version,
            metadata=Metadata(actor=actor, via=self.via, correlation_id=new_id()),
            claims=claims,
            releases=releases,
            idempotency=run.mark() if run is not None else None,
        )

    def append_batches(
        self, couple_id: str, batches: Sequence[Batch], *, keep_recorded: bool = False
    ) -> list[list[int]]:
        """Append several streams' batches in one transaction (under the run's key); an
        import keeps the record times its events carry."""
        run = self.keyed_run()
        return self.store.append_batches(
            couple_id,
            batches,
            idempotency=run.mark() if run is not None else None,
            keep_recorded=keep_recorded,
        )

    def couple_command(
        self,
        couple: CoupleRef,
        decide: Callable[[CoupleState], Decision],
        *,
        types: Collection[str] | None = None,
    ) -> tuple[CoupleState, Sequence[Event]]:
        """Load the couple (only ``types``, when given), decide, append with retries; returns
        the state and the events."""

        def attempt() -> tuple[CoupleState, Sequence[Event]]:
            state = self.load_couple(couple, types=types)
            events, actor = decide(state)
            if not events:
                return state, events
            self.append(
                state.couple_id,
                couple_stream(state.couple_id),
                events,
                expected_version=state.version,
                actor=actor,
            )
            return state, events

        return self.retrying(attempt)

    def retrying(self, attempt: Callable[[], T]) -> T:
        """Run a read-decide-append attempt again, after a jittered pause, when another writer
        got in first (within the engine's RetryPolicy). Under an idempotency key every
        attempt draws the same ids, so the one that commits is the one a replay repeats."""
        keyed = drawn_ids()
        if keyed is None:
            return self.retry.run(attempt)
        start = keyed.drawn

        def again() -> T:
            keyed.drawn = start
            return attempt()

        return self.retry.run(again)
