"""Parsing what people type on the command line: durations, dates and times (the
words for them going out are in ``engine.views.wording``)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.domain.text import check_within_years
from engine.errors import InvalidInput

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?$")

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


_RELATIVE = re.compile(r"^(?:(yesterday|today|tomorrow)\s+)?(\d{1,2}):(\d{2})$")


def parse_moment(text: str, zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in the couple's zone.

    With ``now`` (the caller's clock), relative times are understood too, in the
    couple's zone: ``now``, ``today 7:30``, ``yesterday 21:30``, ``tomorrow 07:00``, and
    a bare ``21:30``, which means the latest 21:30 up to now (tonight's, or last night's
    when it is not 21:30 yet).
    """
    value = text.strip()
    if now is not None:
        relative = _relative(value.lower(), zone, now)
        if relative is not None:
            return relative
    try:
        moment = datetime.fromisoformat(
            value.replace("Z", "+00:00") if value.endswith("Z") else value
        )
    except ValueError:
        hint = "2026-11-23T08:00, yesterday 21:30 or today 7:30" if now else "2026-11-23T08:00"
        raise InvalidInput(f"'{value[:40]}' is not a time I can read; try {hint}") from None
    check_within_years(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def _relative(value: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    if value == "now":
        return now
    match = _RELATIVE.match(value)
    if match is None:
        return None
    word, hour, minute = match.group(1), int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise InvalidInput(f"'{value[:40]}' is not a time of day; use 00:00 to 23:59")
    today = now.astimezone(zone).date()
    offset = {"yesterday": -1, "today": 0, "tomorrow": 1, None: 0}[word]
    wall = datetime.combine(today + timedelta(days=offset), time(hour, minute), tzinfo=zone)
    if word is None and wall > now:
        wall -= timedelta(days=1)  # a bare time is the latest one up to now
        wall = datetime.combine(wall.date(), time(hour, minute), tzinfo=zone)
    return wall


def parse_date(text: str) -> date:
    """An ISO 8601 calendar date (2026-12-24)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text[:40]}' is not a date; use YYYY-MM-DD") from None
    check_within_years(day)
    return day
