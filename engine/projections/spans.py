"""When each of a ritual's definitions was in force, its pauses, and the local weeks and
check-in times the streak rules count in. Pure: no I/O, no clock.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.calendar import schedule
from engine.calendar.zones import Zones, zone_at
from engine.events import RitualDefined

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.projections.marks import Mark

TICK = timedelta(microseconds=1)
WEEK = timedelta(days=7)

Span = tuple[RitualDefined, datetime, datetime | None]


def spans(ritual: RitualState) -> list[Span]:
    """Each definition with the span it was in force: [effective from, next one or retirement)."""
    found: list[Span] = []
    defs = ritual.definitions
    for i, definition in enumerate(defs):
        end = defs[i + 1].effective_from if i + 1 < len(defs) else None
        if ritual.retired_at is not None:
            end = ritual.retired_at if end is None else min(end, ritual.retired_at)
        if end is None or definition.effective_from < end:
            found.append((definition, definition.effective_from, end))
    return found


def in_force(ritual: RitualState, moment: datetime) -> RitualDefined | None:
    """The ritual's definition in force at ``moment`` (None before it was added)."""
    found = None
    for definition in ritual.definitions:
        if definition.effective_from <= moment:
            found = definition
    return found


def paused(ritual: RitualState, low: datetime, high: datetime) -> bool:
    return any(p.since < high and (p.until is None or p.until > low) for p in ritual.pauses)


def monday_of(moment: datetime | date, zone: ZoneInfo) -> date:
    """The Monday of the local ISO week ``moment`` falls in."""
    day = moment.astimezone(zone).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def weeks(
    start: datetime, end: datetime | None, zones: Zones, now: datetime
) -> Iterator[tuple[date, datetime, datetime, ZoneInfo]]:
    """The local weeks from the one holding ``start`` to the one holding ``now`` (or ``end``)."""
    monday = monday_of(start, zone_at(zones, start))
    while True:
        zone = zone_at(zones, datetime.combine(monday, time(12), tzinfo=UTC))
        week_start = schedule.local_day_bounds(monday, zone)[0]
        if week_start > now or (end is not None and week_start >= end):
            return
        yield monday, week_start, schedule.local_day_bounds(monday + WEEK, zone)[0], zone
        monday += WEEK


def check_in_times(marks: Iterable[Mark], now: datetime) -> dict[str, list[datetime]]:
    """Each partner's quota and occasional check-ins up to ``now``, in time order."""
    times: dict[str, list[datetime]] = defaultdict(list)
    for mark in marks:
        for partner, at in mark.done_by(now).items():
            times[partner].append(at)
    return {p: sorted(found) for p, found in times.items()}


def between(times: list[datetime], low: datetime, high: datetime) -> list[datetime]:
    return times[bisect.bisect_left(times, low) : bisect.bisect_left(times, high)]
