"""Couples: creating them, their partners and settings, and finding them by id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from engine.calendar.zones import parse_zone
from engine.domain import couple as couple_domain
from engine.domain.text import clean_handle, clean_line
from engine.errors import InvalidInput, NotAllowed
from engine.events import (
    Batch,
    CoupleCreated,
    CoupleSettingsChanged,
    Event,
    Metadata,
    NewEvent,
    PartnerAdded,
    PartnerRenamed,
    PartnerZoneCleared,
    PartnerZoneSet,
)
from engine.events.names import couple_name, ritual_title
from engine.services.loading import couple_view
from engine.services.refs import (
    MEMBERSHIP,
    CoupleRef,
    Decision,
    couple_stream,
    new_id,
    ritual_stream,
)
from engine.services.rituals import new_ritual

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.session import Session
    from engine.views.couples import CoupleView

MAX_PARTNERS = 8
MAX_FREEZES = 10


def _check_freezes(freezes_per_month: int) -> int:
    if not 0 <= freezes_per_month <= MAX_FREEZES:
        raise InvalidInput(f"streak freezes per month must be between 0 and {MAX_FREEZES}")
    return freezes_per_month


class Couples:
    """Couples and partners."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def create(
        self,
        name: str,
        partners: Sequence[str],
        tz: str,
        *,
        display_names: Mapping[str, str] | None = None,
        freezes_per_month: int = 1,
        proxy_checkins: bool = False,
        templates: Sequence[str] = (),
        partner_zones: Mapping[str, str] | None = None,
        couple_id: str | None = None,
    ) -> CoupleView:
        title = clean_line(name, "couple name")
        zone = parse_zone(tz).key
        own_zones = {clean_handle(k): parse_zone(v).key for k, v in (partner_zones or {}).items()}
        handles = [clean_handle(h) for h in partners]
        if not handles:
            raise InvalidInput("name at least one partner")
        if len(handles) > MAX_PARTNERS:
            raise InvalidInput(f"a couple has at most {MAX_PARTNERS} partners")
        if len(set(handles)) != len(handles):
            raise InvalidInput("each partner needs a different handle")
        names = {clean_handle(k): v for k, v in (display_names or {}).items()}
        if set(names) - set(handles):
            raise InvalidInput("display names were given for someone who is not a partner")
        if set(own_zones) - set(handles):
            raise InvalidInput("a time zone was given for someone who is not a partner")
        if any(existing.casefold() == title.casefold() for _, existing in self._s.couple_names()):
            raise NotAllowed("a couple with that name already exists in this database")
        couple_id = couple_id or new_id()
        events = [
            CoupleCreated(
                couple_id=couple_id,
                name=title,
                time_zone=zone,
                freezes_per_month=_check_freezes(freezes_per_month),
                proxy_checkins=proxy_checkins,
            ),
            *(
                PartnerAdded(
                    partner_id=new_id(),
                    handle=h,
                    display_name=clean_line(names.get(h, h.capitalize()), "display name"),
                )
                for h in handles
            ),
        ]
        ids = {e.handle: e.partner_id for e in events if isinstance(e, PartnerAdded)}
        events += [
            PartnerZoneSet(partner_id=ids[h], time_zone=z)
            for h, z in own_zones.items()
            if z != zone  # the couple's own zone: they simply follow it
        ]
        now = self._s.now()
        state = couple_domain.fold(events)
        rituals = [new_ritual(state, now, template=key) for key in templates]
        titles = [r.title.casefold() for r in rituals]
        if len(set(titles)) != len(titles):
            raise InvalidInput("two of those rituals have the same title; name each once")
        metadata = Metadata(actor=None, via=self._s.via, correlation_id=new_id())
        self._s.append_batches(  # one transaction: a start cut short leaves nothing
            couple_id,
            [
                Batch(
                    couple_stream(couple_id),
                    [NewEvent(e, now) for e in events],
                    0,
                    metadata,
                    claims=[couple_name(couple_id, title)],  # racing creators: one wins
                ),
                *(
                    Batch(
                        ritual_stream(r.ritual_id),
                        [NewEvent(r, now)],
                        0,
                        metadata,
                        claims=[ritual_title(couple_id, r.ritual_id, r.title)],
                    )
                    for r in rituals
                ),
            ],
        )
        return self.get(couple_id)

    def all(self) -> list[CoupleView]:
        """Every couple, oldest first, from one read of every couple's defining events."""
        erased = self._s.erased_couples()
        events: dict[str, list[Event]] = defaultdict(list)
        for r in self._s.store.read_types(MEMBERSHIP):
            if r.couple_id not in erased and r.stream_id == couple_stream(r.couple_id):
                events[r.couple_id].append(r.event)
        return [couple_view(couple_domain.fold(found)) for found in events.values()]

    def get(self, ref: CoupleRef) -> CoupleView:
        return couple_view(self._s.load_members(ref))

    def add_partner(self, couple: CoupleRef, handle: str, display_name: str | None) -> CoupleView:
        def decide(state: CoupleState) -> Decision:
            h = clean_handle(handle)
            if any(p.handle == h for p in state.partners):
                raise NotAllowed(f"there is already a partner called '{h}'")
            if len(state.partners) >= MAX_PARTNERS:
                raise NotAllowed(f"a couple has at most {MAX_PARTNERS} partners")
            event = PartnerAdded(
                partner_id=new_id(),
                handle=h,
                display_name=clean_line(display_name or h.capitalize(), "display name"),
            )
            return [event], None

        state, _ = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        return self.get(state.couple_id)

    def rename_partner(self, couple: CoupleRef, handle: str, display_name: str) -> CoupleView:
        name = clean_line(display_name, "display name")

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(handle)
            event = PartnerRenamed(partner_id=partner.partner_id, display_name=name)
            return [event], partner.partner_id

        state, _ = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        return self.get(state.couple_id)

    def set_partner_zone(self, couple: CoupleRef, handle: str, tz: str | None) -> CoupleView:
        """Give a partner their own zone from now on (None: follow the couple's again)."""
        zone = parse_zone(tz).key if tz is not None else None

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(handle)
            if partner.time_zone == zone:
                shown = zone or "the couple's zone"
                raise NotAllowed(f"{partner.handle} already lives by {shown}")
            event: Event = (
                PartnerZoneCleared(partner_id=partner.partner_id)
                if zone is None
                else PartnerZoneSet(partner_id=partner.partner_id, time_zone=zone)
            )
            return [event], partner.partner_id

        state, _ = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        return self.get(state.couple_id)

    def change_settings(
        self,
        couple: CoupleRef,
        *,
        tz: str | None,
        freezes_per_month: int | None,
        proxy_checkins: bool | None,
    ) -> CoupleView:
        def decide(state: CoupleState) -> Decision:
            event = CoupleSettingsChanged(
                time_zone=parse_zone(tz).key if tz is not None else state.time_zone,
                freezes_per_month=_check_freezes(
                    state.freezes_per_month if freezes_per_month is None else freezes_per_month
                ),
                proxy_checkins=state.proxy_checkins if proxy_checkins is None else proxy_checkins,
            )
            return [event], None

        state, _ = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        return self.get(state.couple_id)
