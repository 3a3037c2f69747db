"""Streak words and figures that never contradict each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock
from engine.cli.streaks import streak_headline, streak_text

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(1, 1))


def couple_of(eng: Engine, freezes: int = 1) -> CoupleView:
    return eng.create_couple(
        "Sam & Alex", ["sam", "alex"], "Europe/Berlin", freezes_per_month=freezes
    )


def test_a_monthly_ritual_missed_three_months_running_is_broken(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Meeting", cron="0 19 1 * *", participants=["sam"])
    for month in (1, 2):
        clock.now = berlin(month, 1, 19, 30)
        eng.check_in(couple, "Meeting", by="sam")
    line = eng.ritual_streak(couple, "Meeting", as_of=berlin(5, 15)).couple
    # March frozen (one freeze a month), April a second miss in a row: broken, May too.
    assert (line.current, line.best, line.freezes_used, line.missed) == (0, 2, 1, 2)
    assert line.held_by_freeze is None


def test_a_freeze_never_bridges_two_misses_in_a_row_even_with_freezes_to_spare(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=3)
    eng.add_ritual(couple, "Morning", cron="0 8 * * *", participants=["sam"])
    for day in (1, 2, 3, 6):
        clock.now = berlin(1, day, 8, 5)
        eng.check_in(couple, "Morning", by="sam")
    line = eng.ritual_streak(couple, "Morning", as_of=berlin(1, 7, 12)).couple
    assert (line.current, line.best, line.freezes_used, line.missed) == (1, 3, 1, 1)


def test_no_freeze_is_mentioned_beside_a_streak_that_broke_after_it(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Morning", cron="0 8 * * *", participants=["sam"])
    for day in (1, 2, 4, 10):  # the 3rd frozen; 5 to 9 missed; back on the 10th
        clock.now = berlin(1, day, 8, 5)
        eng.check_in(couple, "Morning", by="sam")
    view = eng.ritual_streak(couple, "Morning", as_of=berlin(1, 10, 12))
    assert view.couple.last_freeze is not None and view.couple.held_by_freeze is None
    text = "\n".join(streak_text(view, eng.couple(couple)))
    assert "back at it, 1 in a row" in text
    assert "freeze" not in text


def test_a_freeze_inside_the_running_streak_is_mentioned(eng: Engine, clock: FixedClock) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Morning", cron="0 8 * * *", participants=["sam"])
    for day in (1, 2, 4):
        clock.now = berlin(1, day, 8, 5)
        eng.check_in(couple, "Morning", by="sam")
    view = eng.ritual_streak(couple, "Morning", as_of=berlin(1, 5, 12))
    text = "\n".join(streak_text(view, eng.couple(couple)))
    assert "3 in a row" in text and "A freeze covered Sat 03 Jan, so your streak held." in text


def test_a_quota_ritual_never_met_says_so_instead_of_ready_for_its_first_time(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    eng.add_ritual(couple, "Journal", per_week=5, participants=["sam"])
    for week in range(4):
        for day in (0, 2):
            clock.now = berlin(1, 5, 20) + timedelta(days=7 * week + day)
            eng.check_in(couple, "Journal", by="sam")
    view = eng.ritual_streak(couple, "Journal", as_of=berlin(4, 1))
    headline = streak_headline(view)
    assert "first time" not in headline
    assert headline.startswith("no full week")
    assert "8 check-ins so far" in headline


def test_a_day_one_partner_logged_shows_as_partly_done_in_the_heatmap(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    clock.now = berlin(1, 7, 21, 10)
    eng.check_in(couple, "Evening", by="sam")
    clock.now = berlin(1, 7, 22)
    cells = [c for week in eng.status(couple).heatmap.weeks for c in week]
    assert 0 < max(c for c in cells if c is not None) < 1
