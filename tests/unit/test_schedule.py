"""The calendar schedule: cron rules in a couple's zone, once per local slot across DST."""

from __future__ import annotations

import ast
import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar.cron import check_floor, describe_cron, validate_cron
from engine.calendar.schedule import (
    Occurrence,
    Period,
    cron_occurrences,
    late_entry_deadline,
    local_day_bounds,
    next_occurrence,
    occurrences,
    previous_occurrence,
)
from engine.calendar.zones import parse_zone, zone_at, zone_segments
from engine.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SYDNEY = ZoneInfo("Australia/Sydney")
SANTIAGO = ZoneInfo("America/Santiago")
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fire_times(expr: str, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    return [occ.at for occ in cron_occurrences(expr, tz, start, end)]


# --- Europe/Berlin, the reference zone ---------------------------------------------------


def test_a_skipped_half_past_two_in_berlin_happens_at_half_past_three_summer_time() -> None:
    got = list(cron_occurrences("30 2 * * *", BERLIN, utc(2026, 3, 28), utc(2026, 3, 31)))
    assert [occ.at for occ in got] == [
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 30, 0, 30),
    ]
    assert got[1].local == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)
    assert got[1].local.utcoffset() == timedelta(hours=2)


def test_a_repeated_half_past_two_in_berlin_happens_once_at_the_first_instant() -> None:
    got = list(cron_occurrences("30 2 * * *", BERLIN, utc(2026, 10, 24), utc(2026, 10, 27)))
    assert [occ.at for occ in got] == [
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    assert got[1].local.utcoffset() == timedelta(hours=2)
    assert (got[1].local.hour, got[1].local.minute) == (2, 30)


def test_a_daily_berlin_rule_fires_exactly_once_on_every_local_day_from_march_to_november() -> None:
    got = list(cron_occurrences("30 2 * * *", BERLIN, utc(2026, 2, 28, 23), utc(2026, 11, 30, 23)))
    days = [occ.local.date() for occ in got]
    assert days == [date(2026, 3, 1) + timedelta(days=n) for n in range(275)]
    assert days[-1] == date(2026, 11, 30)
    assert all(occ.at.tzinfo is UTC and occ.local.tzinfo is BERLIN for occ in got)
    assert all(occ.local.astimezone(UTC) == occ.at for occ in got)


def test_an_hourly_rule_across_the_spring_gap_has_no_duplicate_instants() -> None:
    got = fire_times("30 * * * *", BERLIN, utc(2026, 3, 28, 23), utc(2026, 3, 29, 3))
    assert got == [
        utc(2026, 3, 28, 23, 30),
        utc(2026, 3, 29, 0, 30),
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 29, 2, 30),
    ]


def test_a_quarter_hourly_rule_across_the_spring_gap_stays_sorted_and_unique() -> None:
    got = fire_times("*/15 * * * *", BERLIN, utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))
    assert got == [utc(2026, 3, 29, 0) + timedelta(minutes=15 * n) for n in range(12)]


def test_an_hourly_rule_across_the_fall_back_runs_the_repeated_hour_once() -> None:
    got = fire_times("30 * * * *", BERLIN, utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))
    assert got == [utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2, 30)]


# --- other zones -------------------------------------------------------------------------


def test_new_york_moves_a_skipped_time_forward_and_keeps_the_first_of_a_repeated_one() -> None:
    spring = fire_times("30 2 * * *", NEW_YORK, utc(2026, 3, 7), utc(2026, 3, 10))
    assert spring == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)]
    fall = fire_times("30 1 * * *", NEW_YORK, utc(2026, 10, 31), utc(2026, 11, 3))
    assert fall == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_lord_howe_half_hour_transitions_follow_the_same_policy() -> None:
    # 5 Apr 2026: 02:00 +11 -> 01:30 +10:30, so 01:45 happens twice; keep the first.
    fall = fire_times("45 1 * * *", LORD_HOWE, utc(2026, 4, 3), utc(2026, 4, 6))
    assert fall == [utc(2026, 4, 3, 14, 45), utc(2026, 4, 4, 14, 45), utc(2026, 4, 5, 15, 15)]
    # 4 Oct 2026: 02:00 +10:30 -> 02:30 +11, so 02:15 does not exist and becomes 02:45.
    spring = list(cron_occurrences("15 2 * * *", LORD_HOWE, utc(2026, 10, 2), utc(2026, 10, 5)))
    assert [occ.at for occ in spring] == [
        utc(2026, 10, 2, 15, 45),
        utc(2026, 10, 3, 15, 45),
        utc(2026, 10, 4, 15, 15),
    ]
    assert (spring[1].local.hour, spring[1].local.minute) == (2, 45)


def test_sydney_changes_its_clocks_in_april_and_october() -> None:
    fall = fire_times("30 2 * * *", SYDNEY, utc(2026, 4, 3), utc(2026, 4, 6))
    assert fall == [utc(2026, 4, 3, 15, 30), utc(2026, 4, 4, 15, 30), utc(2026, 4, 5, 16, 30)]
    spring = fire_times("30 2 * * *", SYDNEY, utc(2026, 10, 2), utc(2026, 10, 5))
    assert spring == [utc(2026, 10, 2, 16, 30), utc(2026, 10, 3, 16, 30), utc(2026, 10, 4, 15, 30)]


def test_santiago_changes_its_clocks_at_midnight() -> None:
    # 5 Apr 2026 00:00 -03 -> 4 Apr 23:00 -04: 23:30 on 4 Apr happens twice.
    fall = fire_times("30 23 * * *", SANTIAGO, utc(2026, 4, 4), utc(2026, 4, 7))
    assert fall == [utc(2026, 4, 4, 2, 30), utc(2026, 4, 5, 2, 30), utc(2026, 4, 6, 3, 30)]
    # 6 Sep 2026 00:00 -04 -> 01:00 -03: 00:30 does not exist and becomes 01:30.
    spring = fire_times("30 0 * * *", SANTIAGO, utc(2026, 9, 5), utc(2026, 9, 8))
    assert spring == [utc(2026, 9, 5, 4, 30), utc(2026, 9, 6, 4, 30), utc(2026, 9, 7, 3, 30)]


def test_tokyo_has_no_dst_so_a_daily_rule_is_always_twenty_four_hours_apart() -> None:
    got = fire_times("0 9 * * *", TOKYO, utc(2026, 3, 1), utc(2026, 11, 30))
    assert got == [utc(2026, 3, 1) + timedelta(days=n) for n in range(274)]


def test_utc_is_a_zone_too() -> None:
    got = fire_times("0 8 * * *", ZoneInfo("UTC"), utc(2026, 3, 28), utc(2026, 3, 31))
    assert got == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 8), utc(2026, 3, 30, 8)]


# --- rule shapes -------------------------------------------------------------------------


def test_weekdays_fire_monday_to_friday() -> None:
    got = fire_times("30 7 * * 1-5", BERLIN, utc(2026, 3, 22), utc(2026, 3, 30))
    assert got == [utc(2026, 3, d, 6, 30) for d in (23, 24, 25, 26, 27)]


def test_a_weekly_rule_fires_every_sunday_across_the_spring_change() -> None:
    got = fire_times("0 19 * * sun", BERLIN, utc(2026, 3, 1), utc(2026, 4, 1))
    assert got == [utc(2026, 3, d, 18) for d in (1, 8, 15, 22)] + [utc(2026, 3, 29, 17)]


def test_a_monthly_rule_fires_on_the_first_of_each_month() -> None:
    got = fire_times("0 19 1 * *", BERLIN, utc(2026, 1, 1), utc(2026, 7, 1))
    assert got == [utc(2026, m, 1, 18) for m in (1, 2, 3)] + [
        utc(2026, m, 1, 17) for m in (4, 5, 6)
    ]


def test_the_first_sunday_rule_fires_on_each_months_first_sunday() -> None:
    got = fire_times("0 19 * * 0#1", BERLIN, utc(2026, 1, 1), utc(2026, 7, 1))
    expected = [utc(2026, 1, 4, 18), utc(2026, 2, 1, 18), utc(2026, 3, 1, 18)]
    assert got == [*expected, utc(2026, 4, 5, 17), utc(2026, 5, 3, 17), utc(2026, 6, 7, 17)]


def test_the_last_day_rule_fires_on_each_months_last_day() -> None:
    got = fire_times("0 20 L * *", BERLIN, utc(2026, 1, 1), utc(2026, 5, 1))
    assert got == [
        utc(2026, 1, 31, 19),
        utc(2026, 2, 28, 19),
        utc(2026, 3, 31, 18),
        utc(2026, 4, 30, 18),
    ]


def test_the_last_friday_rule_accepts_both_spellings() -> None:
    for expr in ("0 19 * * 5L", "0 19 * * L5"):
        got = fire_times(expr, BERLIN, utc(2026, 1, 1), utc(2026, 4, 1))
        assert got == [utc(2026, 1, 30, 18), utc(2026, 2, 27, 18), utc(2026, 3, 27, 18)]


def test_occurrences_respect_inclusive_start_and_exclusive_end() -> None:
    got = fire_times("0 8 * * *", ZoneInfo("UTC"), utc(2026, 1, 1, 8), utc(2026, 1, 3, 8))
    assert got == [utc(2026, 1, 1, 8), utc(2026, 1, 2, 8)]
    assert fire_times("0 8 * * *", BERLIN, utc(2026, 1, 3), utc(2026, 1, 1)) == []


def test_bounds_in_other_zones_mean_the_same_instants() -> None:
    start = datetime(2026, 3, 28, 0, 0, tzinfo=TOKYO)
    assert fire_times("30 2 * * *", BERLIN, start, start + timedelta(days=2)) == fire_times(
        "30 2 * * *", BERLIN, start.astimezone(UTC), start.astimezone(UTC) + timedelta(days=2)
    )


def test_naive_bounds_are_refused() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        list(cron_occurrences("0 8 * * *", BERLIN, datetime(2026, 1, 1), utc(2026, 2, 1)))


# --- validation and description ----------------------------------------------------------


@pytest.mark.parametrize(
    ("given_expr", "normalised"),
    [
        ("0 8 * * *", "0 8 * * *"),
        ("  30   7 * *\t1-5 ", "30 7 * * 1-5"),
        ("0 19 * * 0#1", "0 19 * * 0#1"),
        ("0 20 L * *", "0 20 L * *"),
        ("0 19 * * 5L", "0 19 * * L5"),
        ("0 19 * * friL", "0 19 * * L5"),
        ("0 19 * * L5", "0 19 * * L5"),
        ("*/10 9-17 * jan,dec mon-fri", "*/10 9-17 * jan,dec mon-fri"),
        ("0 0 29 2 *", "0 0 29 2 *"),
        ("0 0 31 1,4 *", "0 0 31 1,4 *"),
        ("@daily", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@MONTHLY", "0 0 1 * *"),
        ("@hourly", "0 * * * *"),
        ("@yearly", "0 0 1 1 *"),
    ],
)
def test_good_cron_expressions_are_accepted_and_normalised(
    given_expr: str, normalised: str
) -> None:
    assert validate_cron(given_expr) == normalised
    assert validate_cron(normalised) == normalised


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("every day", "5 fields"),
        ("0 8 * * * *", "5 fields"),
        ("0 0 8 * * * 2026", "5 fields"),
        ("0 25 * * *", "cannot read"),
        ("61 8 * * *", "cannot read"),
        ("0 8 * * funday", "cannot read"),
        ("0 8 32 * *", "cannot read"),
        ("0 8 * 13 *", "cannot read"),
        ("0 */0 * * *", "cannot read"),
        ("0 8 * * 1#6", "cannot read"),
        ("H 8 * * *", "not supported"),
        ("R 8 * * *", "not supported"),
        ("@reboot", "not a schedule"),
        ("0 0 30 2 *", "never happen"),
        ("0 0 31 4,6 *", "never happen"),
        ("0 0 31 2,4 *", "never happen"),
        ("0 8\x00 * * *", "characters"),
        ("0 8 * * *\n0 9 * * *", "characters"),
        ("0 8 * * mön", "characters"),
        ("0 " * 101, "too long"),
    ],
)
def test_bad_cron_expressions_are_refused_with_one_clear_line(bad: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says) as caught:
        validate_cron(bad)
    assert "\n" not in str(caught.value)
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("0 8 * * *", "every day at 08:00"),
        ("@daily", "every day at 00:00"),
        ("30 7 * * 1-5", "weekdays at 07:30"),
        ("30 7 * * mon-fri", "weekdays at 07:30"),
        ("0 10 * * sat,sun", "weekends at 10:00"),
        ("0 19 * * 0", "every Sunday at 19:00"),
        ("0 19 * * 7", "every Sunday at 19:00"),
        ("0 20 * * 4,1", "Mondays and Thursdays at 20:00"),
        ("0 20 * * 1,3,5", "Mondays, Wednesdays and Fridays at 20:00"),
        ("0 8,20 * * *", "every day at 08:00 and 20:00"),
        ("0 19 1 * *", "on the 1st of every month at 19:00"),
        ("0 19 1,15 * *", "on the 1st and 15th of every month at 19:00"),
        ("0 19 22 * *", "on the 22nd of every month at 19:00"),
        ("0 19 * * 0#1", "on the first Sunday of every month at 19:00"),
        ("0 19 * * 5L", "on the last Friday of every month at 19:00"),
        ("0 20 L * *", "on the last day of every month at 20:00"),
        ("0 9 14 2 *", "every year on 14 February at 09:00"),
        ("0 */2 * * *", "every 2 hours"),
        ("0 * * * *", "every hour"),
        ("*/15 * * * *", "every 15 minutes"),
        ("* * * * *", "every minute"),
        ("0 8 1 * mon", "cron: 0 8 1 * mon"),
        ("0 9 15W * *", "cron: 0 9 15W * *"),
        ("0 */5 * * *", "cron: 0 */5 * * *"),
    ],
)
def test_describe_cron_speaks_plain_english(expr: str, words: str) -> None:
    assert describe_cron(expr) == words


def test_describe_cron_refuses_what_validate_cron_refuses() -> None:
    with pytest.raises(InvalidInput):
        describe_cron("0 0 30 2 *")


# --- zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5"]
)
def test_iana_zone_names_are_accepted(name: str) -> None:
    assert parse_zone(name).key == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Mars/Olympus",
        "Europe",
        "../etc/passwd",
        "/etc/localtime",
        "localtime",
        "posixrules",
        "zone1970.tab",
        "Europe/Berlin\n",
        "Europe/../Europe/Berlin",
        "x" * 300,
    ],
)
def test_unknown_or_odd_zone_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match="use an IANA name such as Europe/Berlin") as caught:
        parse_zone(name)
    assert "\n" not in str(caught.value)


# --- periods -----------------------------------------------------------------------------

EDIT = utc(2026, 3, 10, 7, 30)
MORNINGS = Period("0 8 * * *", utc(2026, 1, 1), EDIT)
EVENINGS = Period("0 20 * * *", EDIT)


def test_an_edit_hands_over_from_the_old_schedule_to_the_new_one_at_the_edit() -> None:
    got = occurrences([EVENINGS, MORNINGS], BERLIN, utc(2026, 3, 8), utc(2026, 3, 12))
    assert [occ.at for occ in got] == [
        utc(2026, 3, 8, 7),
        utc(2026, 3, 9, 7),
        utc(2026, 3, 10, 7),
        utc(2026, 3, 10, 19),
        utc(2026, 3, 11, 19),
    ]


def test_overlapping_periods_never_produce_the_same_instant_twice() -> None:
    periods = [Period("0 8 * * *", utc(2026, 1, 1)), Period("0 8 * * 1-5", utc(2026, 1, 1))]
    got = occurrences(periods, BERLIN, utc(2026, 3, 1), utc(2026, 3, 8))
    assert [occ.at for occ in got] == [utc(2026, 3, d, 7) for d in range(1, 8)]


def test_a_period_clips_its_own_occurrences() -> None:
    got = occurrences([MORNINGS], BERLIN, utc(2025, 12, 30), utc(2026, 1, 3))
    assert [occ.at for occ in got] == [utc(2026, 1, 1, 7), utc(2026, 1, 2, 7)]
    assert occurrences([MORNINGS], BERLIN, utc(2026, 4, 1), utc(2026, 5, 1)) == []


def test_previous_occurrence_includes_the_moment_itself() -> None:
    periods = [MORNINGS, EVENINGS]
    assert previous_occurrence(periods, BERLIN, utc(2026, 3, 10, 19)) == Occurrence(
        utc(2026, 3, 10, 19), datetime(2026, 3, 10, 20, tzinfo=BERLIN)
    )
    got = previous_occurrence(periods, BERLIN, utc(2026, 3, 10, 18, 59))
    assert got is not None and got.at == utc(2026, 3, 10, 7)
    assert previous_occurrence(periods, BERLIN, utc(2026, 1, 1, 6)) is None


def test_next_occurrence_is_strictly_after_the_moment() -> None:
    periods = [MORNINGS, EVENINGS]
    got = next_occurrence(periods, BERLIN, utc(2026, 3, 10, 19))
    assert got is not None and got.at == utc(2026, 3, 11, 19)
    got = next_occurrence(periods, BERLIN, utc(2025, 6, 1))
    assert got is not None and got.at == utc(2026, 1, 1, 7)
    assert next_occurrence([MORNINGS], BERLIN, EDIT) is None


def test_an_open_ended_period_keeps_going() -> None:
    got = next_occurrence([EVENINGS], BERLIN, utc(2030, 6, 1))
    assert got is not None and got.at == utc(2030, 6, 1, 18)


def test_the_search_stops_at_the_horizon() -> None:
    yearly = [Period("0 9 14 2 *", utc(2020, 1, 1))]
    assert next_occurrence(yearly, BERLIN, utc(2026, 3, 1), horizon=timedelta(days=300)) is None
    got = next_occurrence(yearly, BERLIN, utc(2026, 3, 1))
    assert got is not None and got.at == utc(2027, 2, 14, 8)
    assert previous_occurrence(yearly, BERLIN, utc(2026, 3, 1), horizon=timedelta(days=10)) is None
    got = previous_occurrence(yearly, BERLIN, utc(2026, 3, 1))
    assert got is not None and got.at == utc(2026, 2, 14, 8)


def test_a_period_cannot_end_before_it_starts_or_be_naive() -> None:
    with pytest.raises(InvalidInput):
        Period("0 8 * * *", utc(2026, 2, 1), utc(2026, 1, 1))
    with pytest.raises(InvalidInput):
        Period("0 8 * * *", datetime(2026, 2, 1))


# --- local days and the late-entry window ------------------------------------------------


def test_local_day_bounds_are_23_and_25_hours_on_dst_days() -> None:
    assert local_day_bounds(date(2026, 3, 29), BERLIN) == (
        utc(2026, 3, 28, 23),
        utc(2026, 3, 29, 22),
    )
    assert local_day_bounds(date(2026, 10, 25), BERLIN) == (
        utc(2026, 10, 24, 22),
        utc(2026, 10, 25, 23),
    )
    assert local_day_bounds(date(2026, 6, 1), BERLIN) == (utc(2026, 5, 31, 22), utc(2026, 6, 1, 22))


def test_a_local_day_that_starts_in_a_gap_starts_when_the_clocks_resume() -> None:
    assert local_day_bounds(date(2026, 9, 6), SANTIAGO) == (utc(2026, 9, 6, 4), utc(2026, 9, 7, 3))


def test_late_entries_close_at_the_end_of_the_next_local_day() -> None:
    before_spring = Occurrence(utc(2026, 3, 28, 19), datetime(2026, 3, 28, 20, tzinfo=BERLIN))
    assert late_entry_deadline(before_spring, BERLIN) == utc(2026, 3, 29, 22)
    before_fall = Occurrence(utc(2026, 10, 24, 18), datetime(2026, 10, 24, 20, tzinfo=BERLIN))
    assert late_entry_deadline(before_fall, BERLIN) == utc(2026, 10, 25, 23)
    late_evening = Occurrence(
        utc(2026, 3, 28, 22, 30), datetime(2026, 3, 28, 23, 30, tzinfo=BERLIN)
    )
    assert late_entry_deadline(late_evening, BERLIN) == utc(2026, 3, 29, 22)


def test_a_late_entry_deadline_in_a_gap_resolves_like_an_occurrence() -> None:
    friday = Occurrence(utc(2026, 9, 5, 0), datetime(2026, 9, 4, 20, tzinfo=SANTIAGO))
    assert late_entry_deadline(friday, SANTIAGO) == utc(2026, 9, 6, 4)


# --- properties and purity ---------------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/St_Johns",
    "UTC",
]


@settings(max_examples=60, deadline=None)
@given(
    minute=st.integers(0, 59),
    hour=st.integers(0, 23),
    weekdays=st.none() | st.sets(st.integers(0, 6), min_size=1, max_size=6),
    zone=st.sampled_from(ZONES),
    start=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31)),
    days=st.integers(1, 400),
)
def test_occurrences_are_increasing_unique_in_bounds_and_once_per_local_day(
    minute: int, hour: int, weekdays: set[int] | None, zone: str, start: datetime, days: int
) -> None:
    dow = "*" if weekdays is None else ",".join(str(d) for d in sorted(weekdays))
    tz = ZoneInfo(zone)
    low = start.replace(tzinfo=UTC)
    high = low + timedelta(days=days)
    got = list(cron_occurrences(f"{minute} {hour} * * {dow}", tz, low, high))
    ats = [occ.at for occ in got]
    assert all(a < b for a, b in itertools.pairwise(ats))
    assert all(low <= at < high for at in ats)
    assert all(occ.local.astimezone(UTC) == occ.at and occ.local.tzinfo is tz for occ in got)
    local_days = [occ.local.date() for occ in got]
    assert len(set(local_days)) == len(local_days)
    assert days - 2 <= len(got) <= days + 1 if weekdays is None else len(got) <= days + 1


def test_ten_daily_rituals_over_120_days_give_one_occurrence_a_day_each() -> None:
    total = sum(
        len(
            occurrences(
                [Period(f"{n} {7 + n} * * *", utc(2020, 1, 1))],
                BERLIN,
                utc(2026, 1, 1),
                utc(2026, 5, 1),
            )
        )
        for n in range(10)
    )
    assert total == 1200


def test_the_schedule_module_stays_pure() -> None:
    tree = ast.parse(
        (Path(__file__).parents[2] / "engine" / "calendar" / "schedule.py").read_text(
            encoding="utf-8"
        )
    )
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert imported.isdisjoint({"os", "sqlalchemy", "click", "time", "pathlib", "io"})
    calls = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert calls.isdisjoint({"now", "utcnow", "today"})


# -- the floor of a new schedule -----------------------------------------------------------


@pytest.mark.parametrize("expr", ["* * * * *", "*/5 * * * *", "0,30 * * * *", "0,30 8 * * *"])
def test_a_schedule_firing_more_than_once_an_hour_is_refused_naming_the_floor(expr: str) -> None:
    with pytest.raises(InvalidInput, match="at most once an hour") as raised:
        check_floor(expr)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("expr", ["0 * * * *", "@hourly", "30 7 * * 1-5", "5 */2 * * *"])
def test_a_schedule_at_most_once_an_hour_meets_the_floor(expr: str) -> None:
    assert check_floor(expr) == validate_cron(expr)


def test_a_schedule_below_the_floor_still_reads_and_runs_when_it_is_already_stored() -> None:
    assert validate_cron("*/30 * * * *") == "*/30 * * * *"
    start = utc(2026, 3, 2, 8)
    found = list(cron_occurrences("*/30 * * * *", BERLIN, start, start + timedelta(hours=1)))
    assert [o.at for o in found] == [start, start + timedelta(minutes=30)]


# -- zones over time -----------------------------------------------------------------------

MOVE = utc(2026, 10, 31, 18)
ZONES = [(utc(2026, 1, 1), BERLIN), (MOVE, NEW_YORK)]


def test_the_zone_at_a_moment_is_the_one_in_force_then_and_the_first_covers_before() -> None:
    assert zone_at(ZONES, utc(2025, 6, 1)) is BERLIN
    assert zone_at(ZONES, MOVE - timedelta(microseconds=1)) is BERLIN
    assert zone_at(ZONES, MOVE) is NEW_YORK
    assert zone_at(TOKYO, MOVE) is TOKYO


def test_zone_segments_cut_a_span_where_the_zone_changed() -> None:
    start, end = utc(2026, 10, 30), utc(2026, 11, 2)
    assert list(zone_segments(ZONES, start, end)) == [
        (start, MOVE, BERLIN),
        (MOVE, end, NEW_YORK),
    ]
    assert list(zone_segments(TOKYO, start, end)) == [(start, end, TOKYO)]


def test_occurrences_across_a_move_keep_the_old_zone_before_it_and_take_the_new_after() -> None:
    periods = [Period("0 21 * * *", utc(2026, 10, 1))]
    found = occurrences(periods, ZONES, utc(2026, 10, 30), utc(2026, 11, 3))
    assert [o.local.isoformat() for o in found] == [
        "2026-10-30T21:00:00+01:00",  # Berlin, before the move
        "2026-10-31T21:00:00-04:00",  # New York from the evening of the move
        "2026-11-01T21:00:00-05:00",
    ]


def test_a_late_entry_window_closes_by_the_zone_the_occurrence_was_due_in() -> None:
    berlin_evening = Occurrence(utc(2026, 10, 30, 19), utc(2026, 10, 30, 19).astimezone(BERLIN))
    assert late_entry_deadline(berlin_evening, ZONES) == utc(2026, 10, 31, 23)
