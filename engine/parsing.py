"""Parsing what people type on the command line: durations, dates and times."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.errors import InvalidInput

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?$")

EARLIEST_YEAR, LATEST_YEAR = 1970, 2200
"""Dates outside these years are refused: nothing a couple logs or plans lies there."""


def check_within_years(value: date) -> None:
    """Refuse a date or date-time outside the years the engine works with."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InvalidInput("that date is too far from today")


MAX_NUMBER_DIGITS = 12
"""Digits a number in a duration may have: far beyond any real one (a trillion seconds is
31,700 years), and short enough that converting it never hits Python's 4,300-digit limit."""


def parse_duration(text: str) -> timedelta:
    """``20m``, ``1h30m``, ``2h``, ``45s``, ``1d``, or a bare number of minutes."""
    value = text.strip().lower().replace(" ", "")
    if value.isascii() and value.isdigit():
        value += "m"
    match = _DURATION.match(value) if value.isascii() else None
    if match is None or not any(match.groups()):
        raise InvalidInput(f"'{text[:20]}' is not a duration; try 20m, 1h30m or 45s")
    if any(g is not None and len(g) > MAX_NUMBER_DIGITS for g in match.groups()):
        raise InvalidInput(f"'{text[:20]}' is far too long for a duration")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise InvalidInput(f"'{text[:20]}' is far too long for a duration") from None


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in the couple's zone."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(
            value.replace("Z", "+00:00") if value.endswith("Z") else value
        )
    except ValueError:
        raise InvalidInput(
            f"'{value[:40]}' is not an ISO 8601 time; "
            "try 2026-11-23T08:00 or 2026-11-23T08:00+01:00"
        ) from None
    check_within_years(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def parse_date(text: str) -> date:
    """An ISO 8601 calendar date (2026-12-24)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text[:40]}' is not a date; use YYYY-MM-DD") from None
    check_within_years(day)
    return day


def format_duration(value: timedelta | None) -> str:
    """``1h30m`` style, the inverse of :func:`parse_duration`."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0m"
