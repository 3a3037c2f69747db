"""What every part of the facade stands on: the store, the clock, loading aggregates,
and appending with optimistic-concurrency retries."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from engine.clock import Clock, utc_now
from engine.domain import couple as couple_domain
from engine.domain import ritual as ritual_domain
from engine.domain.couple import CoupleState
from engine.domain.ritual import RitualState
from engine.domain.suggest import ID_MIN, did_you_mean
from engine.errors import ConcurrencyError, InvalidInput, NotFound
from engine.events import (
    CoupleCreated,
    CoupleErased,
    Event,
    EventStore,
    Metadata,
    NewEvent,
    PartnerErased,
    RecordedEvent,
    honoured,
    retractions_stream,
)
from engine.events.honouring import HonouringStore
from engine.views import CoupleView, PartnerView

T = TypeVar("T")

TOMBSTONES = (CoupleErased.type_name, PartnerErased.type_name)

Decision = tuple[Sequence[Event], str | None]
"""What a couple-stream decider returns: the events to append, and the acting partner id."""

RETRIES = 8
"""How often a command re-reads and re-decides after another writer got in first."""

RITUAL_LIFECYCLE = (
    "ritual.added",
    "ritual.edited",
    "ritual.paused",
    "ritual.resumed",
    "ritual.retired",
)

CoupleRef = str | CoupleView | None
"""A couple by id, id prefix, name, or view; None means the only couple in the store."""

ERASED_COUPLE = "that couple was erased at their request; nothing of theirs can be read any more"


def couple_stream(couple_id: str) -> str:
    return f"couple-{couple_id}"


def ritual_stream(ritual_id: str) -> str:
    return f"ritual-{ritual_id}"


def _looks_like_id(text: str) -> bool:
    """Whether ``text`` could be the start of an id (hexadecimal digits)."""
    return bool(text) and all(ch in "0123456789abcdef" for ch in text.lower())


def new_id() -> str:
    return uuid.uuid4().hex


class EngineCore:
    """Store access shared by every part of the facade."""

    def __init__(
        self,
        store: EventStore | Callable[[], EventStore],
        clock: Clock = utc_now,
        *,
        via: str = "api",
    ) -> None:
        self._store: EventStore | None = None
        self._store_factory: Callable[[], EventStore] | None = None
        if callable(store):
            self._store_factory = store
        else:
            self._store = store
        self.clock = clock
        self.via = via

    # -- resources ---------------------------------------------------------------------

    @property
    def store(self) -> EventStore:
        """The event store, created on first use."""
        if self._store is None:
            assert self._store_factory is not None
            self._store = self._store_factory()
        return self._store

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
        return honoured(found, {getattr(r.event, "retracted_event_id", "") for r in taken}), len(
            found
        )

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    # -- couples -----------------------------------------------------------------------

    def _couple_ids(self) -> list[tuple[str, str]]:
        """(id, name) of every couple in the store that was not erased, oldest first."""
        erased = self._erased_couples()
        found = self.store.read_types((CoupleCreated.type_name,), decrypt=True)
        return [
            (r.event.couple_id, r.event.name)
            for r in found
            if isinstance(r.event, CoupleCreated) and r.couple_id not in erased
        ]

    def _erased_couples(self) -> set[str]:
        """The ids of every couple that asked to be forgotten."""
        found = self.store.read_types((CoupleErased.type_name,), decrypt=False)
        erased = {r.couple_id for r in found}
        for couple_id in erased:
            self.store.cipher.known_erased(couple_id)
        return erased

    def _is_erased(self, couple_id: str) -> bool:
        """Whether the couple was erased: replays and rebuilds skip such a couple."""
        found = self.store.read_couple(couple_id, types=(CoupleErased.type_name,), decrypt=False)
        return bool(found)

    def _erase_read_models(self, couple_id: str, partner_id: str | None = None) -> None:
        """Delete what read models hold of a couple (or of one partner of it).

        Called by the erasure commands once the keys are destroyed and the tombstone is
        written. Facade parts that keep read-model rows override it and call
        ``super()._erase_read_models``.
        """
        return

    def _couple_id(self, ref: CoupleRef) -> str:
        if isinstance(ref, CoupleView):
            return ref.id
        couples = self._couple_ids()
        if ref is None or not ref.strip():
            if len(couples) == 1:
                return couples[0][0]
            if not couples:
                raise NotFound("no couple yet; start with `ritual init`")
            raise InvalidInput("this database holds several couples; name one with --couple")
        wanted = ref.strip()
        for couple_id, name in couples:
            if wanted == couple_id or wanted.casefold() == name.casefold():
                return couple_id
        prefixed = [cid for cid, _ in couples if len(wanted) >= ID_MIN and cid.startswith(wanted)]
        if len(prefixed) == 1:
            return prefixed[0]
        if any(
            wanted == cid or (len(wanted) >= ID_MIN and cid.startswith(wanted))
            for cid in self._erased_couples()
        ):
            raise NotFound(ERASED_COUPLE)
        # A name is suggested only when the store holds one couple: then it can only be
        # the asker's own, and a hosted store never reveals one couple to another.
        hint = did_you_mean(wanted, [couples[0][1]]) if len(couples) == 1 else ""
        if not hint and len(wanted) < ID_MIN and _looks_like_id(wanted):
            raise InvalidInput(f"give at least {ID_MIN} characters of the id")
        raise NotFound(f"no couple by that name or id{hint}")

    def load_couple(self, ref: CoupleRef) -> CoupleState:
        couple_id = self._couple_id(ref)
        # Another process may have erased the couple or a partner since this one cached
        # their keys: learn of it before anything of theirs is decrypted.
        for r in self.store.read_couple(couple_id, types=TOMBSTONES, decrypt=False):
            if isinstance(r.event, CoupleErased):
                self.store.cipher.known_erased(couple_id)
                raise NotFound(ERASED_COUPLE)
            if isinstance(r.event, PartnerErased):
                self.store.cipher.known_erased(couple_id, r.event.partner_id)
        found, version = self.honoured_stream(couple_stream(couple_id))
        if not found:
            raise NotFound("no couple by that name or id")
        return replace(couple_domain.fold([r.event for r in found]), version=version)

    def viewer_id(self, state: CoupleState, viewer: str | None) -> str | None:
        """The partner id a read is made as; None (the default) is the shared view."""
        return None if viewer is None else state.partner(viewer).partner_id

    def today(self, state: CoupleState) -> date:
        """Today's date in the couple's zone."""
        return self.now().astimezone(state.zone).date()

    def couple_view(self, state: CoupleState) -> CoupleView:
        return CoupleView(
            id=state.couple_id,
            name=state.name,
            time_zone=state.time_zone,
            partners=tuple(PartnerView(p.handle, p.display_name) for p in state.partners),
            freezes_per_month=state.freezes_per_month,
            proxy_checkins=state.proxy_checkins,
        )

    # -- rituals -----------------------------------------------------------------------

    def ritual_states(self, couple_id: str) -> dict[str, RitualState]:
        """Every ritual of a couple, folded from lifecycle events only (no check-ins)."""
        states: dict[str, RitualState] = {}
        for r in self.store.read_couple(couple_id, types=RITUAL_LIFECYCLE):
            rid = r.stream_id.removeprefix("ritual-")
            states[rid] = ritual_domain.evolve(states.get(rid, RitualState()), r.event)
        return states

    def find_ritual_id(self, couple_id: str, ref: str) -> str:
        """A ritual by exact title (case-insensitive), id, or unique id prefix."""
        wanted = ref.strip()
        if not wanted:
            raise InvalidInput("name a ritual by its title or id")
        states = self.ritual_states(couple_id)
        now = self.now()
        by_title = [rid for rid, s in states.items() if s.title.casefold() == wanted.casefold()]
        active = [rid for rid in by_title if states[rid].status(now) != "retired"]
        if len(active) == 1 or (len(by_title) == 1 and not active):
            return (active or by_title)[0]
        if len(active) > 1:
            raise InvalidInput("several rituals have that title; use the id from `ritual list`")
        if len(by_title) > 1:
            return max(by_title, key=lambda rid: states[rid].definitions[0].effective_from)
        lowered = wanted.lower()
        if lowered in states:
            return lowered
        prefixed = [rid for rid in states if len(lowered) >= ID_MIN and rid.startswith(lowered)]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            raise InvalidInput("that id prefix matches several rituals; give more of it")
        titles = [s.title for s in states.values() if s.status(now) != "retired"]
        hint = did_you_mean(wanted, titles)
        if not hint and len(lowered) < ID_MIN and _looks_like_id(lowered):
            raise InvalidInput(f"give at least {ID_MIN} characters of the id")
        raise NotFound(f"unknown ritual '{wanted[:60]}'{hint or '; see `ritual list`'}")

    def load_ritual(self, ritual_id: str) -> RitualState:
        found, version = self.honoured_stream(ritual_stream(ritual_id))
        if not found:
            raise NotFound("unknown ritual")
        return replace(ritual_domain.fold([r.event for r in found]), version=version)

    # -- writing -----------------------------------------------------------------------

    def append(
        self,
        couple_id: str,
        stream_id: str,
        events: Sequence[Event],
        *,
        expected_version: int | None,
        actor: str | None,
        occurred_at: datetime | None = None,
    ) -> list[int]:
        """Append events as one batch, as the acting partner; returns their positions."""
        when = occurred_at or self.now()
        return self.store.append(
            couple_id,
            stream_id,
            [NewEvent(e, when) for e in events],
            expected_version=expected_version,
            metadata=Metadata(actor=actor, via=self.via, correlation_id=new_id()),
        )

    def couple_command(
        self,
        couple: CoupleRef,
        decide: Callable[[CoupleState], Decision],
    ) -> tuple[CoupleState, Sequence[Event]]:
        """Load the couple, decide, append with retries; returns the state and the events."""

        def attempt() -> tuple[CoupleState, Sequence[Event]]:
            state = self.load_couple(couple)
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
        """Run a read-decide-append attempt again when another writer got in first."""
        for _ in range(RETRIES - 1):
            try:
                return attempt()
            except ConcurrencyError:
                continue
        return attempt()

    def zone(self, state: CoupleState) -> ZoneInfo:
        return state.zone
