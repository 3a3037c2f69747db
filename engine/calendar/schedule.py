"""Cron schedules in a couple's time zone: their fire times, found with croniter (as
``cron`` reads and words the expressions, and ``zones`` the zones over time).

A ritual happens once per local day slot. Fire times are computed as naive wall-clock
times, then each is resolved to one instant:

- a repeated wall time (fall back) happens once, at its first instant (``fold=0``);
- a skipped wall time (spring forward) is read with the offset in force before the
  gap, as RFC 5545 does: 02:30 in a one-hour gap happens at 03:30;
- wall times that resolve to the same instant give one occurrence. Occurrences are
  identified by their UTC instant, never by their local time.

Pure: no I/O beyond loading zone data, and no clock; callers pass every instant.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo

from engine.calendar.cron import validate_cron
from engine.calendar.cron_walls import wall_times
from engine.calendar.zones import ZoneLike, zone_at, zone_segments
from engine.errors import InvalidInput
from engine.frozen import frozen


@dataclass(frozen=True, order=True)
class Occurrence:
    """One fire time of a schedule."""

    at: datetime  # aware, UTC: the identity of an occurrence (never key by local time)
    local: datetime  # the same instant as an aware datetime in the couple's zone


@frozen
class Period:
    """A cron schedule in force from `start` (inclusive, aware UTC) until `end`.

    `end` is exclusive; None means open-ended.
    """

    cron: str
    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        _utc(self.start, "a schedule's start")
        if self.end is not None and _utc(self.end, "a schedule's end") < self.start:
            raise InvalidInput("a schedule cannot end before it starts")


# No UTC offset is a day or more, so a wall time and its instant are never further apart
# than this; it bounds the wall-clock window to search and how long to hold results.
_SLACK = timedelta(hours=26)
_TICK = timedelta(microseconds=1)
_HORIZON = timedelta(days=400)


def cron_occurrences(
    expr: str, tz: ZoneInfo, start: datetime, end: datetime
) -> Iterator[Occurrence]:
    """All fire times of `expr` in `tz` with start <= at < end, ascending, one per instant."""
    norm = validate_cron(expr)
    return _fire_times(norm, tz, _utc(start, "the start"), _utc(end, "the end"))


def _fire_times(norm: str, tz: ZoneInfo, start: datetime, end: datetime) -> Iterator[Occurrence]:
    if start >= end:
        return
    low = start.replace(tzinfo=None) - _SLACK
    high = end.replace(tzinfo=None) + _SLACK
    walls = wall_times(norm, low)
    held: list[datetime] = []  # a heap: gaps can resolve later wall times to earlier instants
    last: datetime | None = None
    while True:
        wall = next(walls, high)
        # Every later wall time resolves to an instant after this one, so earlier ones are final.
        settled = wall.replace(tzinfo=UTC) - _SLACK
        while held and held[0] <= settled:
            at = heapq.heappop(held)
            if at != last:
                last = at
                yield Occurrence(at, at.astimezone(tz))
        if wall >= high:
            return
        at = _resolve(wall, tz)
        if start <= at < end:
            heapq.heappush(held, at)


def occurrences(
    periods: Sequence[Period], tz: ZoneLike, start: datetime, end: datetime
) -> list[Occurrence]:
    """The union of each period's occurrences within its own bounds and [start, end).

    With zones over time, each occurrence is found in the zone in force at its instant,
    so a move changes the occurrences after it and never those before.
    """
    return list(_merged(periods, tz, _utc(start, "the start"), _utc(end, "the end")))


def _merged(
    periods: Sequence[Period], tz: ZoneLike, start: datetime, end: datetime
) -> Iterator[Occurrence]:
    streams = []
    for seg_low, seg_high, zone in zone_segments(tz, start, end):
        for period in periods:
            low = max(seg_low, period.start)
            high = seg_high if period.end is None else min(seg_high, period.end)
            if low < high:
                streams.append(_fire_times(validate_cron(period.cron), zone, low, high))
    last: datetime | None = None
    for occurrence in heapq.merge(*streams):
        if occurrence.at != last:
            last = occurrence.at
            yield occurrence


Source: TypeAlias = Callable[[datetime, datetime], list[Occurrence]]
"""Occurrences with low <= at < high, ascending: a schedule seen as a function."""


def previous_occurrence(
    periods: Sequence[Period], tz: ZoneLike, before: datetime, horizon: timedelta = _HORIZON
) -> Occurrence | None:
    """The latest occurrence with before - horizon <= at <= before, if any."""
    return previous_in(lambda low, high: occurrences(periods, tz, low, high), before, horizon)


def previous_in(
    source: Source, before: datetime, horizon: timedelta = _HORIZON
) -> Occurrence | None:
    """The latest occurrence of ``source`` with before - horizon <= at <= before, if any."""
    high = _utc(before, "the moment") + _TICK
    limit = high - _TICK - horizon
    span = timedelta(days=2)
    while high > limit:
        low = max(limit, high - span)
        found = source(low, high)
        if found:
            return found[-1]
        high, span = low, span * 4
    return None


def next_occurrence(
    periods: Sequence[Period], tz: ZoneLike, after: datetime, horizon: timedelta = _HORIZON
) -> Occurrence | None:
    """The earliest occurrence with after < at <= after + horizon, if any."""
    low = _utc(after, "the moment") + _TICK
    return next(_merged(periods, tz, low, low + horizon), None)


def next_in(source: Source, after: datetime, horizon: timedelta = _HORIZON) -> Occurrence | None:
    """The earliest occurrence of ``source`` with after < at <= after + horizon, if any."""
    low = _utc(after, "the moment") + _TICK
    limit = low + horizon
    span = timedelta(days=2)
    while low < limit:
        high = min(limit, low + span)
        found = source(low, high)
        if found:
            return found[0]
        low, span = high, span * 4
    return None


def late_entry_deadline(occ: Occurrence, tz: ZoneLike) -> datetime:
    """When late entries for `occ` close: the end of the local day after its own (UTC),
    in the zone in force when it was due."""
    zone = zone_at(tz, occ.at)
    day = occ.at.astimezone(zone).date()
    return _resolve(datetime.combine(day + timedelta(days=2), time()), zone)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC [start, end) of local calendar `day`; 23 or 25 hours long on DST days."""
    midnight = datetime.combine(day, time())
    return _resolve(midnight, tz), _resolve(midnight + timedelta(days=1), tz)


def _resolve(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant of naive local `wall` under the module's gap and fold policy, in UTC."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def _utc(moment: datetime, what: str) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise InvalidInput(f"{what} needs a time zone (an aware datetime)")
    return moment.astimezone(UTC)
