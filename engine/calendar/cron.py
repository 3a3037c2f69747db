"""Cron expressions: reading one (five fields, names, aliases, Quartz's "5L"), the floor
of once an hour, and saying one in words; ``cron_walls`` and ``schedule`` find its fire
times. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypeAlias

from engine.calendar.cron_fields import can_happen, expand, expand_plain
from engine.errors import InvalidInput

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
    plain = expand_plain(norm)
    if plain is None:
        _check_with_croniter(norm, expr)
    elif not can_happen(plain):
        raise InvalidInput(_NEVER.format(norm=norm))
    return norm


_NEVER = (
    "the schedule '{norm}' can never happen: no calendar date matches its day and month; "
    "please check those fields"
)


def _check_with_croniter(norm: str, expr: str) -> None:
    """Read a schedule that is not plain (``cron_fields``) the way croniter does."""
    from croniter import CroniterError, croniter

    try:
        croniter.expand(norm)
    except (CroniterError, ValueError, TypeError, KeyError, IndexError):
        raise InvalidInput(f"cannot read '{expr.strip()}' as a cron schedule; {_EXAMPLE}") from None
    try:
        croniter(norm, datetime(2000, 1, 1), datetime, max_years_between_matches=60).get_next(
            datetime
        )
    except CroniterError:
        raise InvalidInput(_NEVER.format(norm=norm)) from None


MIN_INTERVAL = timedelta(hours=1)
"""The floor of a new schedule: a ritual happens at most once an hour."""


def check_floor(expr: str) -> str:
    """Return `expr` normalised if it fires at most once an hour, or raise InvalidInput.

    A schedule meets the floor when it names one minute of the hour: two minutes (or a
    step, or every minute) put two fire times less than an hour apart. New and edited
    schedules are checked; schedules already in the history still load and run.
    """
    norm = validate_cron(expr)
    minutes = expand(norm)[0][0]
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
    raw, nth_raw = expand(norm)
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
