"""iCalendar rendering: feed items in, the bytes of one VCALENDAR out.

Pure: no I/O, no clock. Everything that varies is in the items (built by
``engine.calendar``), so the same items always give the same bytes. Times are written
in UTC (``...Z``): every calendar app reads a UTC instant alike, while time zone
definitions are read differently around DST changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, vDDDTypes, vDuration, vInt, vText, vUri
from icalendar import Event as VEvent

PRODID = "-//ritual-engine//Reconnection rituals//EN"
REFRESH = timedelta(hours=1)
"""How often calendar apps are asked to fetch the feed again."""


class _Text(vText):
    """A TEXT value escaped exactly as RFC 5545 says, so it reads back as it was typed.

    icalendar's ``vText`` first turns a typed backslash followed by ``N`` into a line
    break (its shorthand for one), so a title like ``C:\\New`` would show as two lines.
    """

    __slots__ = ()

    def to_ical(self) -> bytes:
        escaped = (
            self.replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\n")
            .replace("\r", "\n")
            .replace("\n", "\\n")
        )
        return escaped.encode("utf-8")


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
    ritual_id: str = ""
    url: str | None = None  # this occurrence on the partner's page (see engine.page_links)


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
    cal.add("name", _Text(calendar.name))
    cal.add("x-wr-calname", _Text(calendar.name))
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    shared = _Shared()
    for item in items:
        cal.add_component(
            shared.timed(item) if isinstance(item, TimedItem) else shared.all_day(item)
        )
    ics: bytes = cal.to_ical()
    return ics


class _Shared:
    """Builds events from property values made once and shared by every event showing them.

    Occurrences of one ritual repeat their title, description, stamp and alarm, so each
    distinct value becomes one icalendar property object (never changed after it is made).
    """

    def __init__(self) -> None:
        self._made: dict[tuple[Callable[[Any], Any], object], Any] = {}

    def _once(self, kind: Callable[[Any], Any], value: object) -> Any:
        key = (kind, value)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = kind(value)
        return made

    def timed(self, item: TimedItem) -> VEvent:
        event = self._common(item.uid, item.stamp, item.sequence, item.summary, item.description)
        event["dtstart"] = vDDDTypes(item.start)
        event["dtend"] = vDDDTypes(item.end)
        event["status"] = self._once(vText, "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.url is not None:
            event["url"] = vUri(item.url)
        if item.alarm is not None and not item.cancelled:
            event.add_component(self._once(self._alarm, (item.summary, item.alarm)))
        return event

    def all_day(self, item: AllDayItem) -> VEvent:
        event = self._common(item.uid, item.stamp, item.sequence, item.summary, item.description)
        event["dtstart"] = vDDDTypes(item.day)
        event["dtend"] = vDDDTypes(item.day + timedelta(days=1))
        event["status"] = self._once(vText, "CONFIRMED")
        return event

    @staticmethod
    def _alarm(value: tuple[str, timedelta]) -> Alarm:
        summary, lead = value
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _Text(summary))
        alarm.add("trigger", -lead)
        return alarm

    def _common(
        self, uid: str, stamp: datetime, sequence: int, summary: str, description: str
    ) -> VEvent:
        event = VEvent()
        event["uid"] = vText(uid)
        event["dtstamp"] = event["last-modified"] = self._once(vDDDTypes, stamp.astimezone(UTC))
        event["sequence"] = self._once(vInt, sequence)
        event["summary"] = self._once(_Text, summary)
        event["description"] = self._once(_Text, description)
        event["transp"] = self._once(vText, "TRANSPARENT")
        return event
