"""Cron schedules in a couple's time zone: the only module that imports croniter.

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
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeAlias, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

from engine.calendar.cron_walls import wall_times
from engine.errors import InvalidInput


@dataclass(frozen=True, order=True)
class Occurrence:
    """One fire time of a schedule."""

    at: datetime  # aware, UTC: the identity of an occurrence (never key by local time)
    local: datetime  # the same instant as an aware datetime in the couple's zone


@dataclass(frozen=True)
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


# --- zones -------------------------------------------------------------------------------

_ZONE_NAME = re.compile(r"(?=.{1,64}$)[A-Za-z][\w+\-]*(/[A-Za-z0-9][\w+\-]*)*", re.ASCII)
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})


def parse_zone(name: str) -> ZoneInfo:
    """Return the IANA time zone called `name`, or raise InvalidInput."""
    problem = InvalidInput(
        f"unknown time zone '{_shown(name)}'; use an IANA name such as Europe/Berlin"
    )
    if not isinstance(name, str) or not _ZONE_NAME.fullmatch(name) or name.lower() in _NOT_ZONES:
        raise problem
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise problem from None


Zones: TypeAlias = Sequence[tuple[datetime, ZoneInfo]]
"""A couple's zones over time, oldest first: (from when, zone). The first zone also
covers everything before its instant. A move changes the zone from then on only."""

ZoneLike: TypeAlias = Union[ZoneInfo, Zones]  # noqa: UP007 (a runtime alias of a Sequence)
"""One zone for all time, or a couple's zones over time."""


def zone_at(zones: ZoneLike, moment: datetime) -> ZoneInfo:
    """The zone in force at ``moment``."""
    if isinstance(zones, ZoneInfo):
        return zones
    found = zones[0][1]
    for since, zone in zones:
        if since <= moment:
            found = zone
    return found


def followed_zones(couple: Zones, own: Sequence[tuple[datetime, ZoneInfo | None]]) -> Zones:
    """A partner's zones over time: their own zone while they have one (``own`` holds
    when it was set, or cleared with None), the couple's the rest of the time."""
    if not own:
        return couple
    moments = sorted({since for since, _ in couple} | {since for since, _ in own})
    found: list[tuple[datetime, ZoneInfo]] = []
    for moment in moments:
        mine: ZoneInfo | None = None
        for since, zone in own:
            if since <= moment:
                mine = zone
        zone = mine or zone_at(couple, moment)
        if not found or found[-1][1].key != zone.key:
            found.append((moment, zone))
    return found


def zone_segments(
    zones: ZoneLike, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime, ZoneInfo]]:
    """[start, end) cut where the zone changed: (low, high, zone) pieces, in order."""
    if isinstance(zones, ZoneInfo):
        if start < end:
            yield start, end, zones
        return
    for i, (since, zone) in enumerate(zones):
        low = start if i == 0 else max(start, since)
        high = end if i + 1 == len(zones) else min(end, zones[i + 1][0])
        if low < high:
            yield low, high, zone


# --- cron expressions --------------------------------------------------------------------

_ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_DAY_NUMBERS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_PLAIN = re.compile(r"[\x20-\x7e\t]*")
_HASHED = re.compile(r"[hr](\(|/|$)", re.IGNORECASE)
_QUARTZ_LAST = re.compile(r"([0-7]|sun|mon|tue|wed|thu|fri|sat)l", re.IGNORECASE)
_EXAMPLE = "try something like '0 8 * * *' (every day at 08:00)"


def validate_cron(expr: str) -> str:
    """Return `expr` normalised to five single-spaced fields, or raise InvalidInput."""
    return _normalise(expr) if isinstance(expr, str) else _normalise("")


@lru_cache(maxsize=512)
def _normalise(expr: str) -> str:
    if len(expr) > 200:
        raise InvalidInput("that schedule is too long; a cron expression fits in 200 characters")
    if not _PLAIN.fullmatch(expr):
        raise InvalidInput(
            "that schedule has characters cron does not use; "
            "stick to digits, names like mon or jan, spaces and * , - / # L"
        )
    fields = expr.split()
    if not fields:
        raise InvalidInput(f"the schedule is empty; {_EXAMPLE}")
    if len(fields) == 1 and fields[0].startswith("@"):
        alias = _ALIASES.get(fields[0].lower())
        if alias is None:
            raise InvalidInput(f"'{expr.strip()}' is not a schedule cron knows; {_EXAMPLE}")
        fields = alias.split()
    if len(fields) != 5:
        raise InvalidInput(
            "a schedule needs exactly 5 fields (minute hour day month weekday), "
            f"not {len(fields)}; {_EXAMPLE}"
        )
    if any(_HASHED.match(field) for field in fields):
        raise InvalidInput("hashed or random fields (H, R) are not supported; name the times")
    fields[4] = ",".join(_last_weekday(item) for item in fields[4].split(","))
    norm = " ".join(fields)
    try:
        croniter.expand(norm)
    except (CroniterError, ValueError, TypeError, KeyError, IndexError):
        raise InvalidInput(f"cannot read '{expr.strip()}' as a cron schedule; {_EXAMPLE}") from None
    try:
        croniter(norm, datetime(2000, 1, 1), datetime, max_years_between_matches=60).get_next(
            datetime
        )
    except CroniterError:
        raise InvalidInput(
            f"the schedule '{norm}' can never happen: no calendar date matches its day "
            "and month; please check those fields"
        ) from None
    return norm


MIN_INTERVAL = timedelta(hours=1)
"""The floor of a new schedule: a ritual happens at most once an hour."""


def check_floor(expr: str) -> str:
    """Return `expr` normalised if it fires at most once an hour, or raise InvalidInput.

    A schedule meets the floor when it names one minute of the hour: two minutes (or a
    step, or every minute) put two fire times less than an hour apart. New and edited
    schedules are checked; schedules already in the history still load and run.
    """
    norm = validate_cron(expr)
    minutes = croniter.expand(norm)[0][0]
    if len(minutes) != 1 or minutes == ["*"]:
        raise InvalidInput(
            f"'{norm}' would happen more than once an hour; a ritual happens at most "
            "once an hour, so name one minute, as in '0 * * * *' (every hour)"
        )
    return norm


def _last_weekday(item: str) -> str:
    """Spell Quartz's "5L" (last Friday of the month) the way croniter reads it: "L5"."""
    match = _QUARTZ_LAST.fullmatch(item)
    if match is None:
        return item
    day = match.group(1).lower()
    return f"L{_DAY_NUMBERS.get(day, day)}"


# --- describing --------------------------------------------------------------------------

_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTH_NAMES = (  # noqa: SIM905 (a list literal would take 14 lines)
    "- January February March April May June July August September October November December"
).split()
_NTH = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "l": "last"}

_Field: TypeAlias = list[int | str]


def describe_cron(expr: str) -> str:
    """Say in English when `expr` fires, e.g. "weekdays at 07:30"; "cron: ..." if unusual."""
    norm = validate_cron(expr)
    return _describe(norm) or f"cron: {norm}"


def _describe(norm: str) -> str | None:
    raw, nth_raw = croniter.expand(norm)
    fields: list[_Field] = [list(field) for field in raw]
    minutes, hours, days, months, dows = fields
    nth = {str(day): sorted(str(n) for n in ns) for day, ns in nth_raw.items()}
    if "w" in norm.split()[2].lower() or (days != ["*"] and dows != ["*"]):
        return None
    every = _every(minutes, hours)
    if every is not None:
        return every if days == months == dows == ["*"] else None
    times = _times(minutes, hours)
    when = _when(days, months, dows, nth)
    return None if times is None or when is None else f"{when} at {times}"


def _every(minutes: _Field, hours: _Field) -> str | None:
    if hours == ["*"]:
        if minutes == ["*"]:
            return "every minute"
        step = _step_of(minutes, 60)
        if step is not None:
            return f"every {step} minutes"
        if len(minutes) == 1:
            return "every hour" if minutes == [0] else f"every hour at {minutes[0]} minutes past"
        return None
    step = _step_of(hours, 24)
    if step is None or len(minutes) != 1 or minutes == ["*"]:
        return None
    return f"every {step} hours" + ("" if minutes == [0] else f" at {minutes[0]} minutes past")


def _step_of(values: _Field, span: int) -> int | None:
    """The step n if `values` is exactly 0, n, 2n ... for an n > 1 dividing `span`."""
    if len(values) < 2 or values[0] != 0 or not isinstance(values[1], int):
        return None
    step = values[1]
    return step if span % step == 0 and values == list(range(0, span, step)) else None


def _times(minutes: _Field, hours: _Field) -> str | None:
    if "*" in minutes or "*" in hours or len(minutes) * len(hours) > 4:
        return None
    return _join([f"{h:02}:{m:02}" for h in hours for m in minutes])


def _when(days: _Field, months: _Field, dows: _Field, nth: dict[str, list[str]]) -> str | None:
    if months != ["*"]:
        if len(months) == 1 and len(days) == 1 and isinstance(days[0], int) and dows == ["*"]:
            return f"every year on {days[0]} {_MONTH_NAMES[int(months[0])]}"
        return None
    if nth:
        if len(nth) != 1 or len(dows) != 1:
            return None
        ((day, ns),) = nth.items()
        if len(ns) != 1 or ns[0] not in _NTH:
            return None
        return f"on the {_NTH[ns[0]]} {_DAY_NAMES[int(day)]} of every month"
    if days == dows == ["*"]:
        return "every day"
    if days == ["l"]:
        return "on the last day of every month"
    if days != ["*"]:
        if not all(isinstance(d, int) for d in days):
            return None
        return f"on the {_join([_ordinal(int(d)) for d in days])} of every month"
    weekdays = sorted({int(d) for d in dows}, key=lambda d: (d - 1) % 7)
    if weekdays == [1, 2, 3, 4, 5]:
        return "weekdays"
    if weekdays == [6, 0]:
        return "weekends"
    if len(weekdays) == 1:
        return f"every {_DAY_NAMES[weekdays[0]]}"
    return _join([f"{_DAY_NAMES[d]}s" for d in weekdays])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# --- occurrences -------------------------------------------------------------------------

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


def _shown(text: object) -> str:
    """`text` made safe for a one-line message."""
    shown = "".join(c if c.isprintable() else "?" for c in str(text))
    return shown if len(shown) <= 40 else f"{shown[:39]}…"
