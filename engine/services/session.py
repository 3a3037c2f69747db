"""What every service stands on: the store (created once, lazily, under a lock), the clock,
loading a couple's or a ritual's state, and appending with bounded, jittered retries.

References are strict: a couple is its id or its view, a ritual its id, its view or the exact
title of one of its rituals. Names, id prefixes and "the only couple" are the CLI's business.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from engine.clock import Clock, utc_now
from engine.domain import couple as couple_domain
from engine.domain import ritual as ritual_domain
from engine.domain.couple import CoupleState
from engine.domain.ritual import RitualState
from engine.domain.suggest import did_you_mean
from engine.domain.zones import ZONE_EVENTS, ZoneBook, zone_book
from engine.errors import (
    ConcurrencyError,
    ConnectionLost,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
)
from engine.events import (
    Batch,
    CoupleCreated,
    CoupleErased,
    CoupleSettingsChanged,
    Event,
    EventStore,
    Metadata,
    NewEvent,
    PartnerAdded,
    PartnerErased,
    PartnerRenamed,
    PartnerZoneCleared,
    PartnerZoneSet,
    RecordedEvent,
    honoured,
    retractions_stream,
)
from engine.events.honouring import HonouringStore
from engine.events.idempotency import (
    CONFLICT,
    KeyAlreadyRan,
    RequestHashes,
    check_key,
    drawn_ids,
    keyed_ids,
)
from engine.events.names import NameClaim, NameRelease
from engine.services.idempotent import (
    RUN,
    InvocationKeys,
    KeyedRun,
    ReplayingStore,
    request_text,
)
from engine.services.retry import RetryPolicy
from engine.views import CoupleView, PartnerView, RitualView

T = TypeVar("T")

CoupleRef = str | CoupleView
"""A couple by its id or its view."""

RitualRef = str | RitualView
"""A ritual by its id, its view, or the exact title (any case) of one of the couple's rituals."""

Decision = tuple[Sequence[Event], str | None]
"""What a couple-stream decider returns: the events to append, and the acting partner id."""

TOMBSTONES = (CoupleErased.type_name, PartnerErased.type_name)

MEMBERSHIP = (
    CoupleCreated.type_name,
    PartnerAdded.type_name,
    PartnerRenamed.type_name,
    PartnerErased.type_name,
    CoupleSettingsChanged.type_name,
    PartnerZoneSet.type_name,
    PartnerZoneCleared.type_name,
)
"""The couple-stream events that say who the couple is: enough for most decisions."""

RITUAL_LIFECYCLE = (
    "ritual.added",
    "ritual.edited",
    "ritual.paused",
    "ritual.resumed",
    "ritual.retired",
)

LOGGED = ("ritual.checked_in", "ritual.skipped")
"""The ritual-stream events that log an occurrence rather than define the ritual."""

ERASED_COUPLE = "that couple was erased at their request; nothing of theirs can be read any more"
NO_COUPLE = "no couple has that id"


def couple_stream(couple_id: str) -> str:
    return f"couple-{couple_id}"


def ritual_stream(ritual_id: str) -> str:
    return f"ritual-{ritual_id}"


def new_id() -> str:
    """A fresh id: random, or the next of a keyed run's ids (so a replay draws the same)."""
    keyed = drawn_ids()
    return (keyed.next() if keyed is not None else uuid.uuid4()).hex


def couple_view(state: CoupleState) -> CoupleView:
    """The frozen public view of a couple's state."""
    return CoupleView(
        id=state.couple_id,
        name=state.name,
        time_zone=state.time_zone,
        partners=tuple(
            PartnerView(p.handle, p.display_name, p.partner_id, p.time_zone) for p in state.partners
        ),
        freezes_per_month=state.freezes_per_month,
        proxy_checkins=state.proxy_checkins,
    )


class Session:
    """The store, the clock and the write path shared by every service of one Engine."""

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

    # -- idempotency ---------------------------------------------------------------------

    def keyed_run(self) -> KeyedRun | None:
        """The idempotency-keyed run of this session in progress in this context."""
        run = RUN.get()
        return run if run is not None and run.session is self else None

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

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()

    # -- couples -------------------------------------------------------------------------

    def couple_id(self, ref: CoupleRef) -> str:
        """The id a strict reference names (not checked against the store)."""
        if isinstance(ref, CoupleView):
            return ref.id
        if not isinstance(ref, str) or not ref.strip():
            raise InvalidInput("name a couple by its id")
        return ref.strip()

    def load_couple(self, ref: CoupleRef, *, types: Collection[str] | None = None) -> CoupleState:
        """A couple's state folded from its stream (only the event ``types`` given, when some
        are: the version is then the stream's own, read first so that an append with it fails
        when anything was written since). NotFound for an unknown or erased couple."""
        couple_id = self.couple_id(ref)
        # Another process may have erased the couple or a partner since this one cached
        # their keys: learn of it before anything of theirs is decrypted.
        for r in self.store.read_couple(couple_id, types=TOMBSTONES, decrypt=False):
            if isinstance(r.event, CoupleErased):
                self.store.cipher.known_erased(couple_id)
                raise NotFound(ERASED_COUPLE)
            if isinstance(r.event, PartnerErased):
                self.store.cipher.known_erased(couple_id, r.event.partner_id)
        stream = couple_stream(couple_id)
        if types is None:
            everything, version = self.honoured_stream(stream)
            if not everything:
                raise NotFound(NO_COUPLE)
            return _with_version(couple_domain.fold([r.event for r in everything]), version)
        version = self.store.stream_version(stream)
        found = self.lived.read_couple(couple_id, types=types)
        state = couple_domain.fold([r.event for r in found if r.stream_id == stream])
        if not state.couple_id:
            raise NotFound(NO_COUPLE)
        return _with_version(state, version)

    def load_members(self, ref: CoupleRef) -> CoupleState:
        """A couple's name, zone, settings and partners, without the rest of its stream."""
        return self.load_couple(ref, types=MEMBERSHIP)

    def couple_names(self) -> list[tuple[str, str]]:
        """(id, name) of every couple that was not erased, oldest first: one read."""
        erased = self.erased_couples()
        found = self.store.read_types((CoupleCreated.type_name,))
        return [
            (r.couple_id, r.event.name)
            for r in found
            if isinstance(r.event, CoupleCreated) and r.couple_id not in erased
        ]

    def erased_couples(self) -> set[str]:
        """The ids of every couple that asked to be forgotten."""
        found = self.store.read_types((CoupleErased.type_name,), decrypt=False)
        erased = {r.couple_id for r in found}
        for couple_id in erased:
            self.store.cipher.known_erased(couple_id)
        return erased

    def viewer_id(self, state: CoupleState, viewer: str | None) -> str | None:
        """The partner id a read is made as; None (the default) is the shared view."""
        return None if viewer is None else state.partner(viewer).partner_id

    def zone_book(self, couple_id: str) -> ZoneBook:
        """The couple's zones over time, and each partner's own."""
        stream = couple_stream(couple_id)
        found = self.store.read_couple(couple_id, types=ZONE_EVENTS, decrypt=False)
        return zone_book((r.occurred_at, r.event) for r in found if r.stream_id == stream)

    def today(self, state: CoupleState) -> date:
        """Today's date in the couple's zone."""
        return self.now().astimezone(state.zone).date()

    # -- rituals -------------------------------------------------------------------------

    def ritual_states(self, couple_id: str) -> dict[str, RitualState]:
        """Every ritual of a couple, folded from lifecycle events only (no check-ins)."""
        states: dict[str, RitualState] = {}
        for r in self.store.read_couple(couple_id, types=RITUAL_LIFECYCLE):
            rid = r.stream_id.removeprefix("ritual-")
            states[rid] = ritual_domain.evolve(states.get(rid, RitualState()), r.event)
        return states

    def find_ritual_id(self, couple_id: str, ref: RitualRef) -> str:
        """A ritual of the couple by id, view, or exact title (case-insensitive): an active
        ritual of that title, or else the latest retired one."""
        if isinstance(ref, RitualView):
            ref = ref.id
        wanted = ref.strip() if isinstance(ref, str) else ""
        if not wanted:
            raise InvalidInput("name a ritual by its title or id")
        states = self.ritual_states(couple_id)
        if wanted.lower() in states:
            return wanted.lower()
        now = self.now()
        by_title = [rid for rid, s in states.items() if s.title.casefold() == wanted.casefold()]
        active = [rid for rid in by_title if states[rid].status(now) != "retired"]
        if len(active) > 1:
            raise InvalidInput("several rituals have that title; name one by its id")
        if active:
            return active[0]
        if by_title:
            return max(by_title, key=lambda rid: states[rid].definitions[0].effective_from)
        titles = [s.title for s in states.values() if s.status(now) != "retired"]
        raise NotFound(
            f"this couple has no ritual of that title or id{did_you_mean(wanted, titles)}"
        )

    def load_ritual(self, ritual_id: str, couple_id: str | None = None) -> RitualState:
        """A ritual's state. Given its couple, only the definitions are decrypted: the
        check-ins and skips the deciders need are read with their notes left sealed (the
        stream's version is read first, so an append with it fails if anything came since)."""
        stream = ritual_stream(ritual_id)
        if couple_id is None:
            found, version = self.honoured_stream(stream)
            if not found:
                raise NotFound("this couple has no ritual of that title or id")
            return replace(ritual_domain.fold([r.event for r in found]), version=version)
        version = self.store.stream_version(stream)
        defined = self.lived.read_couple(couple_id, types=RITUAL_LIFECYCLE)
        logged = self.lived.read_couple(couple_id, types=LOGGED, decrypt=False)
        events = [r.event for r in (*defined, *logged) if r.stream_id == stream]
        state = ritual_domain.fold(events)
        if not state.definitions:
            raise NotFound("this couple has no ritual of that title or id")
        return replace(state, version=version)

    def load_definitions(self, ritual_id: str, couple_id: str) -> RitualState:
        """A ritual's definitions, pauses and retirement with the stream's version, read
        first, and nothing it logged: what a logging decision starts from before the marks
        it needs are added (see ``CheckIns``)."""
        stream = ritual_stream(ritual_id)
        version = self.store.stream_version(stream)
        defined = self.lived.read_couple(couple_id, types=RITUAL_LIFECYCLE)
        state = ritual_domain.fold([r.event for r in defined if r.stream_id == stream])
        if not state.definitions:
            raise NotFound("this couple has no ritual of that title or id")
        return replace(state, version=version)

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


def _with_version(state: CoupleState, version: int) -> CoupleState:
    return replace(state, version=version)
