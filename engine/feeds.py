"""iCalendar rendering: feed items in, the bytes of one VCALENDAR out.

Pure: no I/O, no clock. Everything that varies is in the items (built by
``engine.calendar``), so the same items always give the same bytes. Times are written
in UTC (``...Z``): every calendar app reads a UTC instant alike, while time zone
definitions are read differently around DST changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, vDuration
from icalendar import Event as VEvent

PRODID = "-//ritual-engine//Reconnection rituals//EN"
REFRESH = timedelta(hours=1)
"""How often calendar apps are asked to fetch the feed again."""


@dataclass(frozen=True)
class FeedCalendar:
    """The calendar's own properties."""

    uid: str
    name: str


@dataclass(frozen=True)
class TimedItem:
    """One occurrence of a ritual, as a calendar event."""

    uid: str
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    summary: str
    description: str
    cancelled: bool
    sequence: int
    stamp: datetime  # aware UTC: when the last change to this occurrence was recorded
    alarm: timedelta | None  # how long before the start to remind; None: no reminder


@dataclass(frozen=True)
class AllDayItem:
    """A day worth marking (a capsule's opening date, a plan's week): an all-day event."""

    uid: str
    day: date
    summary: str
    description: str
    stamp: datetime  # aware UTC
    sequence: int = 0


FeedItem = TimedItem | AllDayItem


def render(calendar: FeedCalendar, items: Sequence[FeedItem]) -> bytes:
    """The feed as iCalendar bytes (RFC 5545 with the RFC 7986 calendar properties)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("uid", calendar.uid)
    cal.add("name", calendar.name)
    cal.add("x-wr-calname", calendar.name)
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for item in items:
        cal.add_component(_timed(item) if isinstance(item, TimedItem) else _all_day(item))
    ics: bytes = cal.to_ical()
    return ics


def _timed(item: TimedItem) -> VEvent:
    event = _common(item.uid, item.stamp, item.sequence, item.summary, item.description)
    event.add("dtstart", item.start)
    event.add("dtend", item.end)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.alarm is not None and not item.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", -item.alarm)
        event.add_component(alarm)
    return event


def _all_day(item: AllDayItem) -> VEvent:
    event = _common(item.uid, item.stamp, item.sequence, item.summary, item.description)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))
    event.add("status", "CONFIRMED")
    return event


def _common(uid: str, stamp: datetime, sequence: int, summary: str, description: str) -> VEvent:
    event = VEvent()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event
