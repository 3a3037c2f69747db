"""Strength: a 0-to-1 exponential moving average of practice, one step per occurrence.

    s <- s + a * (x - s),  s starts at 0
    x = 1 for a done occurrence, 0 for a miss (a quota week that fell short: its share)
    a = 1 - 2 ** (-1 / h),  h = max(2, 13 / sqrt(d))  occurrences
    d = the mean number of days between the ritual's occurrences

So a daily ritual has a half-life of 13 occurrences (13 days), a weekly one of about
4.9 occurrences (34 days) and a monthly one of about 2.4 (72 days): rarer rituals move
more per occurrence but more slowly per day. Skips and paused time are left out.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from engine.calendar import schedule

DAILY_HALF_LIFE = 13.0
"""Half-life, in occurrences, of a ritual that happens once a day."""

MIN_HALF_LIFE = 2.0
"""No ritual moves more than this allows on one occurrence, however rare it is."""

_REFERENCE = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
_UTC = ZoneInfo("UTC")


def half_life(interval_days: float) -> float:
    """The half-life in occurrences of a ritual whose occurrences are this many days apart."""
    return max(MIN_HALF_LIFE, DAILY_HALF_LIFE / math.sqrt(interval_days))


def smoothing(interval_days: float) -> float:
    """The weight ``a`` one occurrence gets in the moving average."""
    return 1 - 2 ** (-1 / half_life(interval_days))


@lru_cache(maxsize=256)
def cron_interval_days(cron: str) -> float:
    """The mean days between occurrences of ``cron``: over four weeks, or a year if rarer."""
    count = 0
    for days in (28, 364):
        end = _REFERENCE + timedelta(days=days)
        count = sum(1 for _ in schedule.cron_occurrences(cron, _UTC, _REFERENCE, end))
        if count >= 4:
            return days / count
    return 364 / max(count, 1)


def step(strength: float, weight: float, practice: float) -> float:
    """One step of the moving average towards ``practice`` (1 done, 0 missed)."""
    return strength + weight * (practice - strength)
