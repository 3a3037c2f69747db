"""What a couple's calendar feed holds, built from their history. Pure: no I/O, no clock.

The builder replays the events that shape the calendar (ritual definitions, pauses,
resumptions, retirements, skips, the couple's time zone, sealed capsules) in log order,
each with the time it was recorded, and follows every occurrence inside the feed window:

- an occurrence first appears with SEQUENCE 0, stamped with the recorded time of the
  event that created it; every later event that changes how it looks (title, length,
  prompt, reminder, skipped, gone, back again) raises its SEQUENCE by one and restamps
  it. Nothing reads the clock, so an unchanged history gives the same items;
- an occurrence that an edit, a pause, a retirement or a move removes is left out of
  the feed at once (calendar apps drop an event a subscribed feed no longer holds); its
  SEQUENCE keeps counting, so if it comes back it shows with a higher one. Only a
  skipped occurrence stays, as cancelled;
- every occurrence keeps the zone in force when it was due: a move (a new time zone)
  changes the occurrences after it and never the past;
- the window is anchored to local days: from the start of the day ``days_back`` days
  before today to the end of the day ``days_ahead`` days after it.

Occurrences are keyed by their UTC instant, never by local wall time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.calendar import schedule
from engine.calendar.feed_items import MAX_EVENTS, AllDayItem, FeedItem, TimedItem
from engine.calendar.schedule import Occurrence
from engine.calendar.zones import ZoneLike, zone_at
from engine.catalog.rituals import prompt_for
from engine.domain import ritual as ritual_domain
from engine.domain.anchoring import anchored_occurrences, each_local_ever, local_times, times_line
from engine.domain.ritual import RitualState, definition_at
from engine.domain.zones import ZoneBook, zone_book
from engine.events import (
    CapsuleSealed,
    CoupleCreated,
    CoupleSettingsChanged,
    Event,
    OccurrenceSkipped,
    PartnerZoneCleared,
    PartnerZoneSet,
    PlanFinished,
    PlanPaused,
    PlanResumed,
    PlanStarted,
    PlanWeekExtended,
    RitualAdded,
    RitualDefined,
    RitualEdited,
    RitualPaused,
    RitualResumed,
    RitualRetired,
)
from engine.views import UpcomingView

History = Sequence[tuple[datetime, Event]]
"""The couple's events in log order, each with the (aware) time it was recorded."""

FEED_TYPES: tuple[str, ...] = tuple(
    cls.type_name
    for cls in (
        CoupleCreated,
        CoupleSettingsChanged,
        PartnerZoneSet,
        PartnerZoneCleared,
        CapsuleSealed,
        RitualAdded,
        RitualEdited,
        RitualPaused,
        RitualResumed,
        RitualRetired,
        OccurrenceSkipped,
        PlanStarted,
        PlanWeekExtended,
        PlanPaused,
        PlanResumed,
        PlanFinished,
    )
)
"""The event types a feed is built from; no other event changes a feed."""

_TICK = timedelta(microseconds=1)

DEFAULT_DURATION = timedelta(minutes=15)
"""How long an occurrence lasts in the calendar when its ritual has no duration."""

_NAMESPACE = uuid.UUID("5f0d2c7e-8a41-4b7a-9c3e-1d6b2f8e4a90")  # fixed forever: UIDs derive from it


def occurrence_uid(ritual_id: str, at: datetime) -> str:
    """The UID of one occurrence: a UUIDv5 of the ritual id and the UTC instant."""
    return str(
        uuid.uuid5(_NAMESPACE, f"occurrence/{ritual_id}/{at.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    )


def calendar_uid(couple_id: str, partner_id: str | None = None) -> str:
    """The stable UID of a couple's calendar, or of one partner's."""
    scope = f"calendar/{couple_id}" + (f"/{partner_id}" if partner_id else "")
    return str(uuid.uuid5(_NAMESPACE, scope))


def capsule_uid(capsule_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"capsule/{capsule_id}"))


def milestone_uid(couple_id: str, day: date, week: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"plan/{couple_id}/{day.isoformat()}/{week}"))


PLAN_DATE_TYPES: tuple[str, ...] = tuple(
    cls.type_name for cls in (PlanStarted, PlanWeekExtended, PlanPaused, PlanResumed, PlanFinished)
)
"""The plan events that move the dates of a plan's weeks."""


def plan_days(
    couple_id: str, history: History, milestones: Iterable[tuple[date, int, str]]
) -> list[AllDayItem]:
    """All-day items for a plan's weeks, stamped with the last event that moved them."""
    moves = [recorded for recorded, event in history if event.type_name in PLAN_DATE_TYPES]
    if not moves:
        return []
    return [
        AllDayItem(
            uid=milestone_uid(couple_id, day, week),
            day=day,
            summary=title,
            description="A new week of your plan begins. `ritual plan status` shows what it holds.",
            stamp=moves[-1],
            sequence=len(moves) - 1,
        )
        for day, week, title in milestones
    ]


@dataclass(frozen=True)
class Window:
    """The local days a feed covers, ``first_day`` to ``last_day`` inclusive."""

    zone: ZoneInfo
    first_day: date
    last_day: date
    days_ahead: int

    @classmethod
    def around(cls, now: datetime, zone: ZoneInfo, *, days_back: int, days_ahead: int) -> Window:
        today = now.astimezone(zone).date()
        return cls(
            zone, today - timedelta(days=days_back), today + timedelta(days=days_ahead), days_ahead
        )

    @property
    def today(self) -> date:
        return self.last_day - timedelta(days=self.days_ahead)

    @property
    def start(self) -> datetime:
        return schedule.local_day_bounds(self.first_day, self.zone)[0]

    @property
    def end(self) -> datetime:
        return schedule.local_day_bounds(self.last_day, self.zone)[1]


def _scheduled(
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
        for occ, definition, owners in _scheduled(state, couple, start, end, partner_id, own):
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


# -- following occurrences through the history -----------------------------------------


@dataclass(frozen=True)
class _Look:
    """Everything about an occurrence that its calendar event shows."""

    title: str
    duration: timedelta
    reminder: timedelta | None
    prompt: str | None
    skipped: bool = False
    times: str | None = None  # each partner's local time, when their clocks differ


@dataclass(frozen=True)
class _Track:
    look: _Look
    sequence: int
    stamp: datetime
    gone: bool = False  # removed from the schedule at ``stamp``


class _Tracker:
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
        found = _scheduled(state, couple, self.start, self.end, self.partner_id, own)
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


def _nearest_span(
    history: History, window: Window, partner_id: str | None, wanted: int
) -> tuple[datetime, datetime]:
    """The part of the window, centred on today's start, holding more than ``wanted``
    occurrences as the history stands now (or the whole window if it holds fewer)."""
    rituals: dict[str, RitualState] = {}
    book = zone_book(history)
    zones, own = book.couple, book.own_zones()
    for _, event in history:
        if isinstance(event, RitualDefined | RitualPaused | RitualResumed | RitualRetired):
            state = rituals.get(event.ritual_id, RitualState())
            rituals[event.ritual_id] = ritual_domain.evolve(state, event)
    rituals = {rid: state for rid, state in rituals.items() if state.definitions}
    if not zones or not rituals:
        return window.start, window.end
    today = schedule.local_day_bounds(window.today, window.zone)[0]
    reach = timedelta(days=1)
    while True:
        start, end = max(window.start, today - reach), min(window.end, today + reach)
        if start == window.start and end == window.end:
            return start, end
        found = sorted(
            abs(occ.at - today)
            for state in rituals.values()
            for occ, _, _ in _scheduled(state, zones, start, end, partner_id, own)
        )
        if len(found) > wanted:
            # just far enough for the ``wanted + 1`` nearest: one more than a feed holds
            reach = found[wanted] + _TICK
            return max(window.start, today - reach), min(window.end, today + reach)
        # reach as far again as the density seen so far says it takes, at least twice as far
        reach *= max(2, -(-(wanted + 1) * 5 // max(len(found), 1)) // 4)


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


# -- the feed ------------------------------------------------------------------------------


def capsule_days(history: History) -> list[AllDayItem]:
    """The opening day of every sealed capsule, titled without anything of its content."""
    return [
        AllDayItem(
            uid=capsule_uid(event.capsule_id),
            day=event.opens_on,
            summary="Time capsule opens",
            description="A time capsule can be opened today. Find a quiet moment to read it.",
            stamp=recorded,
        )
        for recorded, event in history
        if isinstance(event, CapsuleSealed)
    ]


def feed_items(
    history: History,
    now: datetime,
    *,
    partner_id: str | None = None,
    days_back: int = 30,
    days_ahead: int = 90,
    all_day: Iterable[AllDayItem] = (),
    max_events: int | None = MAX_EVENTS,
    handles: Mapping[str, str] | None = None,
) -> list[FeedItem]:
    """The items of a couple's feed (or one partner's) for the window around ``now``.

    ``all_day`` adds more all-day milestones (a plan's weeks, say); like the capsule
    days, those outside the window are left out. Quota rituals have no items. With
    ``max_events``, occurrences are followed only as far from today as it takes to find
    more than that many (the renderer keeps the nearest), so a dense schedule over a
    long window costs what a bounded feed holds. ``handles`` (partner id to handle) name
    the other partners where a shared ritual's description gives each one's local time.
    """
    lived_by = zone_book(history).of(partner_id)  # a partner's feed: their own local days
    window = Window.around(
        now,
        lived_by[-1][1] if lived_by else ZoneInfo("UTC"),
        days_back=days_back,
        days_ahead=days_ahead,
    )
    tracker = _Tracker(window, partner_id, handles or {})
    if max_events is not None:
        tracker.start, tracker.end = _nearest_span(history, window, partner_id, max_events)
    for recorded, event in history:
        tracker.apply(recorded, event)
    days = sorted(
        (
            d
            for d in (*capsule_days(history), *all_day)
            if window.first_day <= d.day <= window.last_day
        ),
        key=lambda d: (d.day, d.uid),
    )
    timed = sorted(tracker.items(), key=lambda t: (t.start, t.uid))
    return [*days, *timed]
