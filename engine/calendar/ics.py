"""iCalendar rendering: feed items in, the bytes of one VCALENDAR out.

Pure: no I/O, no clock. Everything that varies is in the items (built by
``engine.calendar.items``), so the same items always give the same bytes. Times are written
in UTC (``...Z``): every calendar app reads a UTC instant alike, while time zone
definitions are read differently around DST changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Parameters, vDDDTypes, vDuration, vInt, vText, vUri
from icalendar import Event as VEvent

from engine.calendar.feed_items import MAX_EVENTS, AllDayItem, FeedCalendar, FeedItem, TimedItem

PRODID = "-//ritual-engine//Reconnection rituals//EN"
MAX_BYTES = 1_000_000
"""The most bytes one feed takes, before any compression."""
_FOLD_AT = 75
"""Octets from which icalendar folds a content line (RFC 5545 section 3.1)."""
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


class _Instant(vDDDTypes):
    """A UTC instant, written ``YYYYMMDDTHHMMSSZ`` as icalendar's own date-time value is.

    ``vDDDTypes`` works out a TZID for any time zone a value may carry, which is most of
    the cost of a feed's start and end times; the feed's times are always UTC, so there
    is none to find.
    """

    params = Parameters()  # an instant has none: one empty set, shared and never changed

    def __init__(self, instant: datetime) -> None:
        if instant.utcoffset() != timedelta(0):
            raise ValueError("feed times are written in UTC")
        self.dt = self.instant = instant

    def to_ical(self) -> bytes:
        t = self.instant
        return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}Z".encode()


_PLAIN = (_Text, _Instant)
"""Values whose content line is ``NAME:value`` when they carry no parameters, as
icalendar's ``Contentline.from_parts`` writes it."""


def render(
    calendar: FeedCalendar,
    items: Sequence[FeedItem],
    *,
    around: datetime,
    max_events: int = MAX_EVENTS,
    max_bytes: int = MAX_BYTES,
) -> bytes:
    """The feed as iCalendar bytes (RFC 5545 with the RFC 7986 calendar properties).

    A feed holds at most ``max_events`` events in at most ``max_bytes`` bytes: beyond
    that, the events nearest to ``around`` (the feed's today) are kept, on both sides,
    and the calendar's description says that those further back or ahead are left out.
    ``around`` has no default: a centre taken from the items themselves (the middle of
    their span) moves whenever the window's far edge does, and a couple's move shifts
    that edge by a local day, so a capped feed would drop past events a move never
    touched.
    """
    if len(items) <= max_events:
        ics = _render(calendar, items)
        if len(ics) <= max_bytes:
            return ics
    centre = around
    ranked = sorted(range(len(items)), key=lambda i: (abs(_start(items[i]) - centre), i))
    keep = min(len(items), max_events)
    while True:
        kept = sorted(ranked[:keep])
        ics = _render(calendar, [items[i] for i in kept], _left_out(keep))
        if len(ics) <= max_bytes or keep == 0:
            return ics
        keep = min(keep - 1, int(keep * max_bytes / len(ics) * 0.98))


def _start(item: FeedItem) -> datetime:
    if isinstance(item, TimedItem):
        return item.start
    return datetime.combine(item.day, time(), UTC)


def _left_out(kept: int) -> str:
    return (
        f"To stay light enough for every calendar app, this calendar holds the {kept:,} "
        "occurrences nearest to today and leaves out those further back or further ahead. "
        "`ritual upcoming` lists everything to come."
    )


def _render(calendar: FeedCalendar, items: Sequence[FeedItem], note: str | None = None) -> bytes:
    return _to_ical(_calendar(calendar, items, note))


def _calendar(calendar: FeedCalendar, items: Sequence[FeedItem], note: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("uid", calendar.uid)
    cal.add("name", _Text(calendar.name))
    cal.add("x-wr-calname", _Text(calendar.name))
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    if note is not None:
        cal.add("description", _Text(note))
        cal.add("x-wr-caldesc", _Text(note))
    shared = _Shared()
    for item in items:
        cal.add_component(
            shared.timed(item) if isinstance(item, TimedItem) else shared.all_day(item)
        )
    return cal


def _to_ical(cal: Calendar) -> bytes:
    """``cal.to_ical()``, byte for byte, with each content line made once.

    Occurrences share their property objects (see ``_Shared``), so a line such as a
    ritual's SUMMARY is made and folded once, however many events show it. A line under
    75 ASCII octets is never folded, so it needs no folding pass, and the feed's own text
    and time values without parameters are written ``NAME:value`` directly, which is all
    icalendar's content line does for them.
    """
    made: dict[tuple[str, object], bytes] = {}
    lines: list[bytes] = []
    for name, value in cal.property_items():
        key = (name, value if type(value) is bytes else id(value))  # BEGIN and END are bytes
        line = made.get(key)
        if line is None:
            line = made[key] = _line(cal, name, value)
        lines.append(line)
    lines.append(b"")
    return b"\r\n".join(lines)


def _line(cal: Calendar, name: str, value: object) -> bytes:
    if isinstance(value, _PLAIN) and not value.params:
        text = f"{name}:{value.to_ical().decode('utf-8')}"  # as Contentline.from_parts writes it
        if len(text) < _FOLD_AT and text.isascii():
            return text.encode("ascii")
    content = cal.content_line(name, value)
    fits = len(content) < _FOLD_AT and content.isascii()
    line: bytes = content.encode("ascii") if fits else content.to_ical()
    return line


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
        event["dtstart"] = _Instant(item.start)
        event["dtend"] = _Instant(item.end)
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
        event["dtstamp"] = event["last-modified"] = self._once(_Instant, stamp.astimezone(UTC))
        event["sequence"] = self._once(vInt, sequence)
        event["summary"] = self._once(_Text, summary)
        event["description"] = self._once(_Text, description)
        event["transp"] = self._once(vText, "TRANSPARENT")
        return event
