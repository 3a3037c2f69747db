"""Planned absences: letting occurrences to come go, one or a stretch of days at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from engine import Engine, FixedClock, InvalidInput, NotAllowed
from tests.feed_check import at_local, parse_feed

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

NOW = datetime(2026, 11, 23, 6, 40, tzinfo=UTC)  # Monday 07:40 in Berlin


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    c = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(c, "Morning check", cron="30 7 * * *", duration=timedelta(minutes=2))
    eng.add_ritual(c, "Evening", cron="0 21 * * *")
    eng.add_ritual(c, "Appreciation journal", per_week=3, together=False)
    return c


def test_skipping_tomorrows_occurrence_by_a_time_that_day_names_its_nearest_occurrence(
    eng: Engine, couple: CoupleView
) -> None:
    skipped = eng.skip(couple, "Morning check", by="alex", at=at_local(date(2026, 11, 24), 7))
    assert skipped.occurrence == at_local(date(2026, 11, 24), 7, 30)


def test_an_occurrence_weeks_ahead_can_be_skipped_and_shows_cancelled_in_the_feed(
    eng: Engine, couple: CoupleView
) -> None:
    far = at_local(date(2027, 1, 20), 21)
    eng.skip(couple, "Evening", occurrence=far, by="sam", reason="visiting my sister")
    (cancelled,) = parse_feed(eng.calendar_feed(couple)).cancelled()
    assert (cancelled.start, cancelled.summary) == (far, "Evening")
    assert "sister" not in eng.calendar_feed(couple).decode()
    assert far not in [u.at for u in eng.upcoming(couple, days=90)]


def test_skipping_a_future_occurrence_twice_is_refused(eng: Engine, couple: CoupleView) -> None:
    eng.skip(couple, "Evening", at=at_local(date(2026, 12, 1), 20))
    with pytest.raises(NotAllowed, match="already skipped"):
        eng.skip(couple, "Evening", at=at_local(date(2026, 12, 1), 22))


def test_skipping_beyond_the_feed_window_or_on_a_day_without_an_occurrence_is_refused(
    eng: Engine, couple: CoupleView
) -> None:
    with pytest.raises(InvalidInput, match="up to 90 days ahead"):
        eng.skip(couple, "Evening", at=at_local(date(2027, 3, 1), 21))
    eng.edit_ritual(couple, "Evening", cron="0 21 * * 6")  # Saturdays only
    with pytest.raises(NotAllowed, match="no occurrence on Tue 01 Dec"):
        eng.skip(couple, "Evening", at=at_local(date(2026, 12, 1), 21))


def test_an_early_check_in_for_a_planned_skip_is_refused_and_counts_once_it_happened(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    evening = at_local(date(2026, 11, 23), 21)
    eng.skip(couple, "Evening", occurrence=evening)
    with pytest.raises(NotAllowed, match="planned as let go; once it has happened"):
        eng.check_in(couple, "Evening", by="sam", occurrence=evening)
    clock.now = evening + timedelta(hours=1)
    done = eng.check_in(couple, "Evening", by="sam")
    assert done.occurrence == evening


def test_an_absence_lets_every_occurrence_of_those_local_days_go_for_one_ritual(
    eng: Engine, couple: CoupleView
) -> None:
    views = eng.plan_absence(
        couple, "Evening", since=date(2026, 12, 4), until=date(2026, 12, 6), by="sam", reason="away"
    )
    assert [v.occurrence for v in views] == [at_local(date(2026, 12, d), 21) for d in (4, 5, 6)]
    cancelled = parse_feed(eng.calendar_feed(couple)).cancelled()
    assert [e.start for e in cancelled] == [v.occurrence for v in views]


def test_an_absence_for_all_rituals_passes_over_those_without_fixed_times_or_paused(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Sunday walk", cron="0 10 * * 0")
    eng.pause_ritual(couple, "Sunday walk", until=date(2027, 1, 1))
    views = eng.plan_absence(couple, since=date(2026, 12, 5), until=date(2026, 12, 6))
    assert [(v.title, v.local.day, v.local.hour) for v in views] == [
        ("Morning check", 5, 7),
        ("Evening", 5, 21),
        ("Morning check", 6, 7),
        ("Evening", 6, 21),
    ]


def test_an_absence_starting_today_keeps_what_is_done_and_lets_the_rest_go(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.check_in(couple, "Morning check", by="sam")
    eng.check_in(couple, "Morning check", by="alex")
    views = eng.plan_absence(couple, since=date(2026, 11, 23), until=date(2026, 11, 23))
    assert [v.title for v in views] == ["Evening"]
    with pytest.raises(NotAllowed, match="no ritual has anything left to let go on Mon 23 Nov"):
        eng.plan_absence(couple, since=date(2026, 11, 23), until=date(2026, 11, 23))


def test_an_absence_is_neutral_in_streaks(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    for day in (23, 24):
        clock.now = at_local(date(2026, 11, day), 21, 30)
        eng.check_in(couple, "Evening", by="sam")
        eng.check_in(couple, "Evening", by="alex")
    eng.plan_absence(couple, "Evening", since=date(2026, 11, 25), until=date(2026, 11, 29))
    clock.now = at_local(date(2026, 11, 30), 21, 30)
    eng.check_in(couple, "Evening", by="sam")
    eng.check_in(couple, "Evening", by="alex")
    line = eng.ritual_streak(couple, "Evening").couple
    assert (line.current, line.skipped, line.missed) == (3, 5, 0)


def test_an_absence_that_ends_before_it_begins_or_reaches_too_far_is_refused(
    eng: Engine, couple: CoupleView
) -> None:
    with pytest.raises(InvalidInput, match="ends on or after the day it begins"):
        eng.plan_absence(couple, "Evening", since=date(2026, 12, 6), until=date(2026, 12, 4))
    with pytest.raises(InvalidInput, match="up to 90 days ahead"):
        eng.plan_absence(couple, "Evening", since=date(2026, 12, 6), until=date(2027, 3, 4))
    with pytest.raises(NotAllowed, match="no fixed times"):
        eng.plan_absence(
            couple, "Appreciation journal", since=date(2026, 12, 6), until=date(2026, 12, 7)
        )
    assert parse_feed(eng.calendar_feed(couple)).cancelled() == []
