"""The wall-clock fire times of a cron expression, ascending, as croniter's ``get_next``
gives them, found a day at a time from the expression's expanded fields.

croniter works out each next time field by field, about a fifth of a millisecond a time;
a status or a feed asks for hundreds (a heatmap's twelve weeks of each ritual, a feed's
year). For the expressions rituals use (minutes, hours, days of the month, months and
weekdays as plain numbers or ranges), walking the days and keeping those whose date
matches gives the same times at a fraction of the cost. Anything else (the last day of a
month, the nth weekday, the nearest weekday) is left to croniter. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from engine.calendar.cron_fields import DAYS, HOURS, MINUTES, MONTHS, WEEKDAYS, expand_plain, values

MAX_DAYS = 366 * 60
"""How many days without a matching date are searched before giving up, as croniter gives
up after its own years without one (a valid schedule always matches far sooner)."""

_DayTest = Callable[[date], bool]


def wall_times(norm: str, after: datetime) -> Iterator[datetime]:
    """Naive wall times of the normalised expression ``norm`` strictly after ``after``,
    ascending, until the largest date Python knows; the iterator ends early where no date
    matches for :data:`MAX_DAYS`."""
    plan = _plan(norm)
    if plan is None:
        yield from _by_croniter(norm, after)
        return
    times, day_matches = plan
    day = after.date()
    last = date.max - timedelta(days=1)
    waited = 0
    while waited < MAX_DAYS and day < last:
        if day_matches(day):
            waited = 0
            for at in times:
                wall = datetime.combine(day, at)
                if wall > after:
                    yield wall
        else:
            waited += 1
        day += timedelta(days=1)


def _by_croniter(norm: str, after: datetime) -> Iterator[datetime]:
    from croniter import CroniterBadDateError, croniter  # only for the forms not walked

    walls = croniter(norm, after, datetime)
    while True:
        try:
            yield walls.get_next(datetime)
        except CroniterBadDateError:
            return


@lru_cache(maxsize=256)
def _plan(norm: str) -> tuple[tuple[time, ...], _DayTest] | None:
    """The times of day and the date test of ``norm``, or None when it uses a field form
    this module leaves to croniter."""
    fields = expand_plain(norm)
    if fields is None:
        return None
    hours, minutes = values(fields[HOURS], HOURS), values(fields[MINUTES], MINUTES)
    times = tuple(sorted(time(h, m) for h in hours for m in minutes))
    in_months = frozenset(values(fields[MONTHS], MONTHS))
    days, weekdays = fields[DAYS], fields[WEEKDAYS]
    on_days = None if days == ["*"] else frozenset(values(days, DAYS))
    on_weekdays = None if weekdays == ["*"] else frozenset(values(weekdays, WEEKDAYS))

    def day_matches(day: date) -> bool:
        if day.month not in in_months:
            return False
        if on_days is None and on_weekdays is None:
            return True
        by_day = on_days is not None and day.day in on_days
        by_weekday = on_weekdays is not None and (day.weekday() + 1) % 7 in on_weekdays
        return by_day or by_weekday  # cron's rule: either restricted field may match

    return times, day_matches
