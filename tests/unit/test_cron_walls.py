"""The day-walking fire times give exactly croniter's, for every field form a ritual uses
and for the forms left to croniter, from any starting moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice

import pytest
from croniter import CroniterBadDateError, croniter
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.calendar import cron_walls
from engine.calendar.cron import validate_cron
from engine.calendar.cron_walls import wall_times
from engine.errors import InvalidInput

MINUTES = ["0", "30", "*/15", "5,35", "59", "*", "10-12"]
HOURS = ["7", "0", "23", "*", "9-17", "*/6", "0,12", "21"]
DAYS = ["*", "1", "15", "1,15", "29", "30", "31", "*/10", "L", "15W", "2-5"]
MONTHS = ["*", "2", "1-6", "*/3", "11,12", "jan", "feb-mar"]
WEEKDAYS = ["*", "0", "1-5", "6,0", "7", "sun", "mon-fri", "5L", "0#1", "2#3", "sat"]

STARTS = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2060, 12, 31))


def croniter_walls(norm: str, after: datetime, count: int) -> list[datetime]:
    walls = croniter(norm, after, datetime)
    found = []
    for _ in range(count):
        try:
            found.append(walls.get_next(datetime))
        except CroniterBadDateError:
            break
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(MINUTES),
    st.sampled_from(HOURS),
    st.sampled_from(DAYS),
    st.sampled_from(MONTHS),
    st.sampled_from(WEEKDAYS),
    STARTS,
)
def test_the_fire_times_are_croniters(
    minute: str, hour: str, day: str, month: str, weekday: str, start: datetime
) -> None:
    try:
        norm = validate_cron(f"{minute} {hour} {day} {month} {weekday}")
    except InvalidInput:
        assume(False)
        return
    assert list(islice(wall_times(norm, start), 40)) == croniter_walls(norm, start, 40)


@pytest.mark.parametrize(
    ("expr", "walked"),
    [
        ("30 7 * * *", True),
        ("0 19 * * 0", True),
        ("0 8 1,15 * 1", True),
        ("*/15 9-17 * * 1-5", True),
        ("0 8 L * *", False),
        ("0 18 * * 0#1", False),
        ("0 8 * * 5L", False),
        ("0 8 15W * *", False),
    ],
)
def test_plain_fields_are_walked_and_the_rest_left_to_croniter(expr: str, walked: bool) -> None:
    assert (cron_walls._plan(validate_cron(expr)) is not None) is walked


def test_a_start_on_a_fire_time_gives_the_next_one() -> None:
    at = datetime(2026, 3, 2, 7, 30)
    assert next(wall_times("30 7 * * *", at)) == at + timedelta(days=1)
    assert next(wall_times("30 7 * * *", at - timedelta(microseconds=1))) == at


def test_a_leap_day_schedule_waits_for_the_next_leap_year() -> None:
    walls = wall_times(validate_cron("0 9 29 2 *"), datetime(2026, 3, 1))
    assert list(islice(walls, 2)) == [datetime(2028, 2, 29, 9), datetime(2032, 2, 29, 9)]


def test_a_rare_date_is_followed_as_far_as_croniter_follows_it() -> None:
    norm = validate_cron("0 7 29 2 *")
    start = datetime(2000, 1, 1)
    assert list(islice(wall_times(norm, start), 40)) == croniter_walls(norm, start, 40)
