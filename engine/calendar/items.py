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

The pieces: ``window`` (the local days), ``upcoming`` (a span's occurrences),
``tracking`` (each occurrence followed through the history), ``uids``; this module
replays the history through them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.calendar import schedule
from engine.calendar.feed_items import MAX_EVENTS, AllDayItem, FeedItem
from engine.calendar.tracking import Tracker
from engine.calendar.uids import capsule_uid, milestone_uid
from engine.calendar.upcoming import scheduled
from engine.calendar.window import Window
from engine.domain import ritual as ritual_domain
from engine.domain.ritual import RitualState
from engine.domain.zones import zone_book
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


PLAN_DATE_TYPES: tuple[str, ...] = tuple(
    cls.type_name for cls in (PlanStarted, PlanWeekExtended, PlanPaused, PlanResumed, PlanFinished)
)
"""The plan events that move the dates of a plan's weeks."""


def plan_days(
    couple_id: str, history: History, milestones: Callable[[], Iterable[tuple[date, int, str]]]
) -> list[AllDayItem]:
    """All-day items for a plan's weeks, stamped with the last event that moved them.

    ``milestones`` (each week's first day, number and title) is asked for only when the
    history holds a plan, so a feed without one never loads the plan code.
    """
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
        for day, week, title in milestones()
    ]


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
            for occ, _, _ in scheduled(state, zones, start, end, partner_id, own)
        )
        if len(found) > wanted:
            # just far enough for the ``wanted + 1`` nearest: one more than a feed holds
            reach = found[wanted] + _TICK
            return max(window.start, today - reach), min(window.end, today + reach)
        # reach as far again as the density seen so far says it takes, at least twice as far
        reach *= max(2, -(-(wanted + 1) * 5 // max(len(found), 1)) // 4)


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
    tracker = Tracker(window, partner_id, handles or {})
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
