"""Loading a couple's or a ritual's state from the store: strict references, only the
event types a decision needs, the stream's version read first, and erased couples refused
before anything of theirs is decrypted.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from engine.domain import couple as couple_domain
from engine.domain import ritual as ritual_domain
from engine.domain.ritual import RitualState
from engine.domain.suggest import did_you_mean
from engine.domain.zones import ZONE_EVENTS, ZoneBook, zone_book
from engine.errors import InvalidInput, NotFound
from engine.events import CoupleCreated, CoupleErased, PartnerErased
from engine.services.refs import (
    ERASED_COUPLE,
    LOGGED,
    MEMBERSHIP,
    NO_COUPLE,
    RITUAL_LIFECYCLE,
    TOMBSTONES,
    CoupleRef,
    RitualRef,
    couple_stream,
    ritual_stream,
)
from engine.services.store_access import StoreAccess
from engine.views.couples import CoupleView, PartnerView
from engine.views.rituals import RitualView

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState


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


class Loading(StoreAccess):
    """The session's reads of couples and rituals."""

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


def _with_version(state: CoupleState, version: int) -> CoupleState:
    return replace(state, version=version)
