"""Reading a feed back with two independent parsers that must agree; and test helpers.

``ical`` (the strict parser Home Assistant uses) and ``icalendar`` both parse every
feed the tests make; each event is reduced to the same plain record by each parser,
and the two lists must be equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from ical.calendar_stream import IcsCalendarStream

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin


def at_local(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    """The UTC instant of a wall time in ``zone``."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def days(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Parsed:
    uid: str
    start: datetime | date
    end: datetime | date
    status: str
    sequence: int
    summary: str
    description: str
    stamp: datetime
    modified: datetime
    transparent: bool
    alarms: tuple[timedelta, ...]


@dataclass(frozen=True)
class ParsedFeed:
    uid: str
    name: str
    refresh: timedelta
    events: list[Parsed]

    def by_uid(self) -> dict[str, Parsed]:
        return {e.uid: e for e in self.events}

    def confirmed(self) -> list[Parsed]:
        return [e for e in self.events if e.status == "CONFIRMED"]

    def cancelled(self) -> list[Parsed]:
        return [e for e in self.events if e.status == "CANCELLED"]


def parse_feed(ics: bytes) -> ParsedFeed:
    """Parse ``ics`` with both parsers, check they agree and saw no errors, and return it."""
    stream = IcsCalendarStream.from_ics(ics.decode("utf-8"))
    assert len(stream.calendars) == 1
    strict = stream.calendars[0]
    lenient = icalendar.Calendar.from_ical(ics)
    assert [(c.name, c.errors) for c in lenient.walk() if c.errors] == []
    assert strict.method is None and "METHOD" not in lenient

    from_strict = [_from_strict(e) for e in strict.events]
    from_lenient = [_from_lenient(e) for e in lenient.walk("VEVENT")]
    assert from_strict == from_lenient
    assert len({e.uid for e in from_strict}) == len(from_strict)

    extras = {x.name: x.value for x in strict.extras}
    assert strict.version == "2.0" and strict.prodid
    name = _unescape(extras["x-wr-calname"])
    assert strict.name == [name] and _unescape(str(lenient["NAME"])) == name
    assert lenient["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert extras["x-published-ttl"] == str(lenient["X-PUBLISHED-TTL"].to_ical().decode())
    assert strict.refresh_interval == lenient.decoded("REFRESH-INTERVAL")
    assert strict.uid == str(lenient["UID"])
    return ParsedFeed(
        uid=strict.uid,
        name=strict.name[0],
        refresh=strict.refresh_interval,
        events=from_strict,
    )


_ESCAPED = re.compile(r"\\([\\;,nN])")


def _unescape(raw: str) -> str:
    """An escaped TEXT value read back (``icalendar`` leaves NAME and X- properties raw)."""
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], raw)


def _from_strict(e: Any) -> Parsed:
    return Parsed(
        uid=e.uid,
        start=e.dtstart,
        end=e.dtend,
        status=e.status.value,
        sequence=e.sequence,
        summary=e.summary,
        description=e.description,
        stamp=e.dtstamp,
        modified=e.last_modified,
        transparent=str(e.transparency) == "TRANSPARENT",
        alarms=tuple(a.trigger for a in e.alarm),
    )


def _from_lenient(e: Any) -> Parsed:
    return Parsed(
        uid=str(e["UID"]),
        start=e.decoded("DTSTART"),
        end=e.decoded("DTEND"),
        status=str(e["STATUS"]),
        sequence=int(e.decoded("SEQUENCE")),
        summary=str(e["SUMMARY"]),
        description=str(e["DESCRIPTION"]),
        stamp=e.decoded("DTSTAMP"),
        modified=e.decoded("LAST-MODIFIED"),
        transparent=str(e["TRANSP"]) == "TRANSPARENT",
        alarms=tuple(a.decoded("TRIGGER") for a in e.walk("VALARM")),
    )
