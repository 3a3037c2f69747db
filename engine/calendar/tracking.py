"""Following each occurrence of a feed through the history: how it looks (title, length,
prompt, reminder, skipped, each partner's local time), its SEQUENCE and stamp, and
whether it is gone. Pure: no I/O, no clock (see ``engine.calendar.items`` for the rules).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.calendar.feed_items import TimedItem
from engine.calendar.uids import occurrence_uid
from engine.calendar.upcoming import scheduled
from engine.calendar.zones import ZoneLike, zone_at
from engine.catalog.prompts import prompt_for
from engine.domain import ritual as ritual_domain
from engine.domain.anchoring import local_times, times_line
from engine.domain.ritual import RitualState
from engine.domain.zones import ZoneBook
from engine.events import (
    CoupleCreated,
    CoupleSettingsChanged,
    Event,
    OccurrenceSkipped,
    PartnerZoneCleared,
    PartnerZoneSet,
    RitualDefined,
    RitualPaused,
    RitualResumed,
    RitualRetired,
)
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.calendar.schedule import Occurrence
    from engine.calendar.window import Window

DEFAULT_DURATION = timedelta(minutes=15)
"""How long an occurrence lasts in the calendar when its ritual has no duration."""


@frozen
class _Look:
    """Everything about an occurrence that its calendar event shows."""

    title: str
    duration: timedelta
    reminder: timedelta | None
    prompt: str | None
    skipped: bool = False
    times: str | None = None  # each partner's local time, when their clocks differ


@frozen
class _Track:
    """One feed item as last shown: what it looked like, its revision and since when."""

    look: _Look
    sequence: int
    stamp: datetime
    gone: bool = False  # removed from the schedule at ``stamp``


class Tracker:
    """Replays a history and keeps, per ritual and instant, how each occurrence looks."""

    def __init__(self, window: Window, partner_id: str | None, handles: Mapping[str, str]) -> None:
        self.window = window
        self.partner_id = partner_id
        self.handles = handles
        self.zones = ZoneBook()  # the couple's zones over time, and the partners' own
        self.rituals: dict[str, RitualState] = {}
        self.tracks: dict[str, dict[datetime, _Track]] = {}
        self.start, self.end = window.start, window.end

    def apply(self, recorded: datetime, event: Event) -> None:
        match event:
            case (
                CoupleCreated() | CoupleSettingsChanged() | PartnerZoneSet() | PartnerZoneCleared()
            ):
                moved = self.zones.evolve(recorded, event)
                if moved != self.zones:
                    self.zones = moved
                    for rid in self.rituals:
                        self._refresh(rid, recorded)
            case OccurrenceSkipped():
                self._evolve(event.ritual_id, event)
                track = self.tracks.get(event.ritual_id, {}).get(event.occurrence)
                if track is not None and not track.gone and not track.look.skipped:
                    self.tracks[event.ritual_id][event.occurrence] = _Track(
                        replace(track.look, skipped=True), track.sequence + 1, recorded
                    )
            case RitualDefined() | RitualPaused() | RitualResumed() | RitualRetired():
                self._evolve(event.ritual_id, event)
                self._refresh(event.ritual_id, recorded)

    def _evolve(self, ritual_id: str, event: Event) -> None:
        state = self.rituals.get(ritual_id, RitualState())
        self.rituals[ritual_id] = ritual_domain.evolve(state, event)

    def _refresh(self, ritual_id: str, recorded: datetime) -> None:
        looks = self._looks(ritual_id)
        tracks = self.tracks.setdefault(ritual_id, {})
        for at, look in looks.items():
            track = tracks.get(at)
            if track is None:
                tracks[at] = _Track(look, 0, recorded)
            elif track.gone or track.look != look:
                tracks[at] = _Track(look, track.sequence + 1, recorded)
        for at, track in list(tracks.items()):
            if at not in looks and not track.gone:
                tracks[at] = _Track(track.look, track.sequence + 1, recorded, gone=True)

    def _looks(self, ritual_id: str) -> dict[datetime, _Look]:
        state = self.rituals[ritual_id]
        couple = self.zones.couple
        if not couple or not state.definitions:
            return {}
        own = self.zones.own_zones()
        found = scheduled(state, couple, self.start, self.end, self.partner_id, own)
        return {
            occ.at: _Look(
                title=d.title,
                duration=d.duration or DEFAULT_DURATION,
                reminder=d.reminder,
                prompt=prompt_for(d.prompts, ritual_id, occ.at),
                skipped=occ.at in state.skips,
                times=self._times(occ, d, owners, own),
            )
            for occ, d, owners in found
        }

    def _times(
        self,
        occ: Occurrence,
        definition: RitualDefined,
        owners: tuple[str, ...],
        own: Mapping[str, ZoneLike],
    ) -> str | None:
        """The line naming each partner's local time, when their clocks differ."""
        if owners:  # each one's own local time: the couple's calendar says whose
            if self.partner_id is not None:
                return None
            mine = [
                (p, occ.at.astimezone(zone_at(own.get(p, self.zones.couple), occ.at)))
                for p in owners
            ]
            return times_line(mine, None, self.handles)
        if not own:
            return None
        times = local_times(occ.at, definition.participants, own, self.zones.couple)
        return times_line(times, self.partner_id, self.handles)

    def items(self) -> Iterator[TimedItem]:
        for rid, tracks in self.tracks.items():
            for at, track in tracks.items():
                if track.gone:
                    continue  # calendar apps drop an event the feed no longer holds
                look = track.look
                yield TimedItem(
                    uid=occurrence_uid(rid, at),
                    start=at,
                    end=at + look.duration,
                    summary=look.title,
                    description=_description(look),
                    cancelled=look.skipped,
                    sequence=track.sequence,
                    stamp=track.stamp,
                    alarm=look.reminder,
                    ritual_id=rid,
                )


def _description(look: _Look) -> str:
    length = f"About {_length(look.duration)}."
    text = f"{look.prompt}\n\n{length}" if look.prompt else length
    return f"{text}\n\n{look.times}" if look.times else text


def _length(duration: timedelta) -> str:
    hours, minutes = divmod(round(duration.total_seconds() / 60), 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((hours, "hour"), (minutes, "minute"))
        if n
    ]
    return " ".join(parts) or "a moment"
