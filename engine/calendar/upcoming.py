"""A couple's rituals' occurrences in a span: which partner takes part in each and whose
own local occurrence it is, and the upcoming list built from them. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.zones import ZoneLike, zone_at
from engine.catalog.prompts import prompt_for
from engine.domain.anchoring import (
    anchored_occurrences,
    definition_at,
    each_local_ever,
    local_times,
)
from engine.views.rituals import UpcomingView

if TYPE_CHECKING:
    from engine.calendar.schedule import Occurrence
    from engine.domain.ritual import RitualState
    from engine.domain.zones import ZoneBook
    from engine.events import RitualDefined


def scheduled(
    state: RitualState,
    zone: ZoneLike,
    start: datetime,
    end: datetime,
    partner_id: str | None,
    partner_zones: Mapping[str, ZoneLike] | None = None,
) -> Iterator[tuple[Occurrence, RitualDefined, tuple[str, ...]]]:
    """The ritual's occurrences in [start, end) that ``partner_id`` takes part in, each with
    the partners whose own local occurrence it is (none for a shared instant)."""
    if not each_local_ever(state):
        for occ in schedule.occurrences(state.periods(), zone, start, end):
            definition = definition_at(state, occ.at)
            if partner_id is None or partner_id in definition.participants:
                yield occ, definition, ()
        return
    merged: dict[datetime, tuple[Occurrence, RitualDefined, tuple[str, ...]]] = {}
    zones_of = partner_zones or {}
    for occ, owner in anchored_occurrences(
        state, zone, zones_of, start, end, partner_id=partner_id
    ):
        definition = definition_at(state, occ.at)
        if owner is None:
            if partner_id is None or partner_id in definition.participants:
                merged[occ.at] = (occ, definition, ())
            continue
        before = merged.get(occ.at)
        owners = (*(before[2] if before else ()), owner)  # two partners in one zone: once
        merged[occ.at] = (before[0] if before else occ, definition, owners)
    yield from sorted(merged.values(), key=lambda found: found[0].at)


def upcoming(
    states: Mapping[str, RitualState],
    zone: ZoneLike,
    start: datetime,
    end: datetime,
    partner_id: str | None = None,
    *,
    zones: ZoneBook | None = None,
    handles: Mapping[str, str] | None = None,
) -> list[UpcomingView]:
    """Every occurrence in [start, end) across rituals, soonest first; skipped ones left out.

    With ``zones`` (the couple's and the partners' own), a ritual kept at each one's local
    time has an occurrence per participant (only ``partner_id``'s, when given), and a
    shared one lists each participant's local time when their clocks differ.
    """
    names = handles or {}
    own = zones.own_zones() if zones is not None else {}
    couple = zones.couple if zones is not None and zones.couple else zone
    found = []
    for rid, state in states.items():
        for occ, definition, owners in scheduled(state, couple, start, end, partner_id, own):
            if occ.at in state.skips:
                continue
            mine = own.get(partner_id) if partner_id is not None else None
            shown = occ.local if mine is None else occ.at.astimezone(zone_at(mine, occ.at))
            times = () if owners else local_times(occ.at, definition.participants, own, couple)
            found.append(
                UpcomingView(
                    ritual_id=rid,
                    title=definition.title,
                    at=occ.at,
                    local=shown,
                    duration=definition.duration,
                    prompt=prompt_for(definition.prompts, rid, occ.at),
                    partner=", ".join(names.get(p, p) for p in owners) or None,
                    times=tuple((names.get(p, p), t) for p, t in times),
                )
            )
    return sorted(found, key=lambda v: (v.at, v.title, v.ritual_id))
