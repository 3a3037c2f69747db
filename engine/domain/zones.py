"""Whose zone is whose, over time: the couple's zone history and each partner's own.

A partner without a zone of their own follows the couple's. Setting or clearing a
partner's zone changes it from then on only, the same rule as a couple's move: every
occurrence keeps the zone in force when it was due. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.calendar.zones import Zones, followed_zones, zone_at
from engine.events import (
    CoupleCreated,
    CoupleSettingsChanged,
    Event,
    PartnerZoneCleared,
    PartnerZoneSet,
)
from engine.frozen import frozen

ZONE_EVENTS: tuple[str, ...] = tuple(
    cls.type_name
    for cls in (CoupleCreated, CoupleSettingsChanged, PartnerZoneSet, PartnerZoneCleared)
)
"""The couple-stream events that move a zone."""


@frozen
class ZoneBook:
    """The couple's zones over time, and each partner's own (None: following the couple)."""

    couple: Zones = ()
    own: Mapping[str, tuple[tuple[datetime, ZoneInfo | None], ...]] = field(default_factory=dict)

    def of(self, partner_id: str | None) -> Zones:
        """The zones a partner lives by over time (the couple's for None or a stranger)."""
        if partner_id is None:
            return self.couple
        return followed_zones(self.couple, self.own.get(partner_id, ()))

    def for_partners(self, partner_ids: Iterable[str]) -> dict[str, Zones]:
        return {p: self.of(p) for p in partner_ids}

    def own_zones(self) -> dict[str, Zones]:
        """The zones of each partner who ever had a zone of their own (the others follow
        the couple's, so callers fall back to it)."""
        return {p: self.of(p) for p, marks in self.own.items() if any(z for _, z in marks)}

    def zone_now(self, partner_id: str | None, now: datetime) -> ZoneInfo:
        return zone_at(self.of(partner_id), now)

    @property
    def apart(self) -> bool:
        """Whether any partner ever had a zone of their own."""
        return any(any(z is not None for _, z in marks) for marks in self.own.values())

    def evolve(self, recorded: datetime, event: Event) -> ZoneBook:
        """Apply one event recorded at ``recorded``; events that move no zone are ignored."""
        match event:
            case CoupleCreated() | CoupleSettingsChanged():
                if self.couple and self.couple[-1][1].key == event.time_zone:
                    return self
                return ZoneBook((*self.couple, (recorded, ZoneInfo(event.time_zone))), self.own)
            case PartnerZoneSet() | PartnerZoneCleared():
                zone = ZoneInfo(event.time_zone) if isinstance(event, PartnerZoneSet) else None
                mine = self.own.get(event.partner_id, ())
                before = mine[-1][1] if mine else None
                if (before.key if before else None) == (zone.key if zone else None):
                    return self
                own = {**self.own, event.partner_id: (*mine, (recorded, zone))}
                return ZoneBook(self.couple, own)
            case _:
                return self


def zone_book(history: Iterable[tuple[datetime, Event]]) -> ZoneBook:
    """Fold (recorded at, event) pairs of a couple's stream, in log order."""
    book = ZoneBook()
    for recorded, event in history:
        book = book.evolve(recorded, event)
    return book
