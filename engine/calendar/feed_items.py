"""What a calendar feed holds: the calendar's own properties and its items (timed
occurrences and all-day marks), as plain values. ``engine.calendar.items`` builds them,
``engine.calendar.ics`` renders them; kept apart so that building items never loads the
iCalendar library. Pure: no I/O, no clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.frozen import frozen

MAX_EVENTS = 1000
"""The most events one feed holds (Google Calendar is reported to stop near 1,000)."""


@frozen
class FeedCalendar:
    """The calendar's own properties."""

    uid: str
    name: str


@frozen
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
    ritual_id: str = ""
    url: str | None = None  # this occurrence on the partner's page (see engine.calendar.page_links)


@frozen
class AllDayItem:
    """A day worth marking (a capsule's opening date, a plan's week): an all-day event."""

    uid: str
    day: date
    summary: str
    description: str
    stamp: datetime  # aware UTC
    sequence: int = 0


FeedItem = TimedItem | AllDayItem
