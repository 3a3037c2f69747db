"""Streaks with hand-computed expectations: skips, misses, freezes, DST, edits, pauses, the
late-entry window and together rituals. In memory, with a fixed clock in Berlin."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.streaks import StreakLine, StreakView

BERLIN = ZoneInfo("Europe/Berlin")
DAILY = 1 - 2 ** (-1 / 13)  # half-life 13 occurrences
WEEKLY = 1 - 2 ** (-1 / (13 / math.sqrt(7)))  # half-life 13 / sqrt(7) = 4.91 occurrences


def berlin(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Berlin wall time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def moving_average(practice: list[float], weight: float) -> float:
    strength = 0.0
    for x in practice:
        strength += weight * (x - strength)
    return strength


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(3, 1))


def couple_of(eng: Engine, freezes: int = 1, proxy: bool = False) -> CoupleView:
    return eng.create_couple(
        "Sam & Alex",
        ["sam", "alex"],
        "Europe/Berlin",
        freezes_per_month=freezes,
        proxy_checkins=proxy,
    )


def both_check_in(eng: Engine, clock: FixedClock, couple: CoupleView, occurrence: datetime) -> None:
    clock.now = occurrence + timedelta(minutes=5)
    eng.check_in(couple, "Ritual", by="sam", occurrence=occurrence)
    eng.check_in(couple, "Ritual", by="alex", occurrence=occurrence)


def partner(view: StreakView, handle: str) -> StreakLine:
    return next(p.figures for p in view.partners if p.partner == handle)


def test_a_daily_ritual_with_a_skip_a_frozen_miss_and_a_miss_has_hand_counted_figures(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=1)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    for day in (1, 2, 3, 5, 7, 9, 10):
        both_check_in(eng, clock, couple, berlin(3, day, 8))
    clock.now = berlin(3, 4, 9)
    eng.skip(couple, "Ritual", occurrence=berlin(3, 4, 8))

    # 1 2 3 done (3), 4 skipped (3), 5 done (4), 6 missed: the March freeze holds it (4),
    # 7 done (5), 8 missed with no freeze left (0), 9 10 done (2).
    view = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 10, 12))
    line = view.couple
    assert (line.current, line.best) == (2, 5)
    assert (line.done, line.skipped, line.missed, line.pending) == (7, 1, 1, 0)
    assert (line.freezes_used, line.last_freeze) == (1, date(2026, 3, 6))
    assert line.completion_rate == pytest.approx(7 / 9)  # the skip is not due
    assert line.last_done == berlin(3, 10, 8, 5)
    practice = [1, 1, 1, 1, 0, 1, 0, 1, 1]  # the skip left out; a frozen miss still counts 0
    assert line.strength == pytest.approx(moving_average(practice, DAILY))
    assert line.strength == pytest.approx(0.29252, abs=1e-5)
    assert partner(view, "sam") == line
    assert view.unit == "occurrence"


def test_while_the_late_entry_window_is_open_a_missing_day_does_not_break_the_streak_yet(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    for day in (1, 2, 4):
        both_check_in(eng, clock, couple, berlin(3, day, 8))
    # 3 March is pending until the end of 4 March, so the check-in on the 4th reads 3.
    pending = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 4, 12)).couple
    assert (pending.current, pending.pending, pending.missed) == (3, 1, 0)
    after = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 5, 0)).couple
    assert (after.current, after.best, after.pending, after.missed) == (1, 2, 0, 1)


def test_the_late_entry_window_closes_exactly_at_the_end_of_the_next_local_day(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *", participants=["sam"])
    clock.now = berlin(3, 1, 8, 5)
    eng.check_in(couple, "Ritual", by="sam", occurrence=berlin(3, 1, 8))

    edge = berlin(3, 4)  # the 2 March occurrence may be logged until 3 March ends
    just_before = eng.ritual_streak(couple, "Ritual", as_of=edge - timedelta(microseconds=1))
    assert (just_before.couple.current, just_before.couple.pending) == (1, 2)
    at_edge = eng.ritual_streak(couple, "Ritual", as_of=edge)
    assert (at_edge.couple.current, at_edge.couple.missed, at_edge.couple.pending) == (0, 1, 1)
    assert [p.partner for p in at_edge.partners] == ["sam"]


def test_a_weekly_ritual_keeps_its_streak_across_the_change_to_summer_time(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Ritual", cron="0 10 * * 0")  # Sundays 10:00 in Berlin
    sundays = [
        datetime(2026, 3, 1, 9, tzinfo=UTC),
        datetime(2026, 3, 8, 9, tzinfo=UTC),
        datetime(2026, 3, 15, 9, tzinfo=UTC),
        datetime(2026, 3, 29, 8, tzinfo=UTC),  # the clocks went forward that night
        datetime(2026, 4, 5, 8, tzinfo=UTC),
        datetime(2026, 4, 12, 8, tzinfo=UTC),
    ]
    for sunday in sundays:
        both_check_in(eng, clock, couple, sunday)
    clock.now = datetime(2026, 3, 22, 10, tzinfo=UTC)
    eng.skip(couple, "Ritual", occurrence=datetime(2026, 3, 22, 9, tzinfo=UTC))

    line = eng.ritual_streak(couple, "Ritual", as_of=berlin(4, 12, 20)).couple
    assert (line.current, line.best, line.done, line.skipped, line.missed) == (6, 6, 6, 1, 0)
    assert line.strength == pytest.approx(1 - (1 - WEEKLY) ** 6)
    assert line.strength == pytest.approx(0.57105, abs=1e-5)


def test_a_ritual_edited_from_daily_to_weekdays_counts_no_weekend_as_missed(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    clock.now = berlin(3, 2)  # a Monday
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    for day in (2, 3, 4, 5):
        both_check_in(eng, clock, couple, berlin(3, day, 8))
    clock.now = berlin(3, 5, 12)
    eng.edit_ritual(couple, "Ritual", cron="0 8 * * 1-5")
    for day in (6, 9, 10):  # Friday, then Monday and Tuesday
        both_check_in(eng, clock, couple, berlin(3, day, 8))

    sunday = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 8, 20)).couple
    assert (sunday.current, sunday.missed, sunday.pending) == (5, 0, 0)
    tuesday = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 10, 20)).couple
    assert (tuesday.current, tuesday.done, tuesday.missed) == (7, 7, 0)
    weekdays = 1 - 2 ** (-1 / (13 / math.sqrt(28 / 20)))  # 20 occurrences in four weeks
    assert tuesday.strength == pytest.approx(1 - (1 - DAILY) ** 4 * (1 - weekdays) ** 3)


def test_a_pause_across_two_weeks_has_no_occurrences_to_miss(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    clock.now = berlin(3, 2)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    for day in (2, 3, 4, 5):
        both_check_in(eng, clock, couple, berlin(3, day, 8))
    clock.now = berlin(3, 5, 12)
    eng.pause_ritual(couple, "Ritual", until=date(2026, 3, 19))
    for day in (19, 20):
        both_check_in(eng, clock, couple, berlin(3, day, 8))

    during = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 12, 12))
    assert (during.status, during.couple.current, during.couple.pending) == ("paused", 4, 0)
    after = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 20, 20))
    assert (after.status, after.couple.current, after.couple.missed) == ("active", 6, 0)
    assert after.couple.strength == pytest.approx(moving_average([1] * 6, DAILY))


def test_a_together_ritual_counts_for_the_couple_only_when_both_checked_in(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    both_check_in(eng, clock, couple, berlin(3, 1, 8))
    clock.now = berlin(3, 2, 8, 5)
    eng.check_in(couple, "Ritual", by="sam", occurrence=berlin(3, 2, 8))  # alex never does
    both_check_in(eng, clock, couple, berlin(3, 3, 8))

    waiting = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 2, 20))
    assert (waiting.couple.current, waiting.couple.pending) == (1, 1)
    assert partner(waiting, "sam").current == 2

    view = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 4, 12))
    assert (view.couple.current, view.couple.best, view.couple.done) == (1, 1, 2)
    assert view.couple.missed == 1
    sam, alex = partner(view, "sam"), partner(view, "alex")
    assert (sam.current, sam.done, sam.missed) == (3, 3, 0)
    assert (alex.current, alex.best, alex.done, alex.missed) == (1, 1, 2, 1)


def test_a_check_in_for_both_partners_counts_for_the_couple(eng: Engine, clock: FixedClock) -> None:
    couple = couple_of(eng, proxy=True)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    clock.now = berlin(3, 1, 8, 5)
    done = eng.check_in(couple, "Ritual", by="sam", occurrence=berlin(3, 1, 8), for_both=True)
    assert done.streak == 1
    view = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 1, 9))
    assert view.couple.current == partner(view, "alex").current == 1


def test_a_freeze_is_kept_for_when_there_is_a_streak_to_protect(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=1)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    for day in (2, 3, 5, 31):
        both_check_in(eng, clock, couple, berlin(3, day, 8))
    clock.now = berlin(4, 1, 8, 5)
    for who in ("sam", "alex"):
        eng.check_in(couple, "Ritual", by=who, occurrence=berlin(4, 1, 8))

    # 1 March: missed with nothing to protect, so the freeze waits; 4 March: frozen.
    # 6 to 30 March: missed. 31 March and 1 April: done.
    line = eng.ritual_streak(couple, "Ritual", as_of=berlin(4, 1, 12)).couple
    assert (line.current, line.best, line.freezes_used) == (2, 3, 1)
    assert line.last_freeze == date(2026, 3, 4)
    assert line.missed == 1 + 25


def test_a_quota_ritual_counts_weeks_that_met_the_quota_for_each_partner(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    clock.now = berlin(3, 2)  # a Monday
    eng.add_ritual(couple, "Ritual", per_week=3, together=False)
    logged = {  # days of March at 09:00
        "sam": [2, 4, 6, 10, 11, 12, 17],
        "alex": [3, 5, 9, 13, 15],
    }
    for who, days in logged.items():
        for day in days:
            clock.now = berlin(3, day, 9)
            eng.check_in(couple, "Ritual", by=who)

    view = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 18, 12))
    assert view.unit == "week"
    sam, alex = partner(view, "sam"), partner(view, "alex")
    assert (sam.current, sam.best, sam.done, sam.missed, sam.pending) == (2, 2, 2, 0, 1)
    assert (alex.current, alex.done, alex.missed, alex.pending) == (1, 1, 1, 1)
    assert (view.couple.current, view.couple.done, view.couple.missed) == (1, 1, 1)
    week = view.this_week
    assert week is not None
    assert (week.week_start, week.target, week.done) == (date(2026, 3, 16), 3, 0)
    assert week.by_partner == (("sam", 1), ("alex", 0))
    # alex's first week fell one short: two thirds of practice, then a full week
    assert alex.strength == pytest.approx(moving_average([2 / 3, 1], WEEKLY))


def test_a_quota_week_the_ritual_only_partly_covered_counts_only_when_met(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng, freezes=0)
    clock.now = berlin(3, 5)  # a Thursday
    eng.add_ritual(couple, "Ritual", per_week=2, participants=["sam"])
    clock.now = berlin(3, 6, 9)
    eng.check_in(couple, "Ritual", by="sam")

    line = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 11, 12)).couple
    assert (line.current, line.done, line.missed, line.pending) == (0, 0, 0, 1)


def test_a_check_in_reports_the_partners_streak(eng: Engine, clock: FixedClock) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Ritual", cron="0 8 * * *")
    streaks = []
    for day in (1, 2, 3):
        clock.now = berlin(3, day, 8, 5)
        streaks.append(eng.check_in(couple, "Ritual", by="sam").streak)
    assert streaks == [1, 2, 3]


def test_streaks_list_active_and_paused_rituals_but_not_retired_ones(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng)
    for title in ("Kept", "Resting", "Ended"):
        eng.add_ritual(couple, title, cron="0 8 * * *")
    clock.now = berlin(3, 2)
    eng.pause_ritual(couple, "Resting")
    eng.retire_ritual(couple, "Ended")
    assert [(v.title, v.status) for v in eng.streaks(couple)] == [
        ("Kept", "active"),
        ("Resting", "paused"),
    ]
    assert [v.title for v in eng.streaks(couple, as_of=berlin(3, 1, 12))] == [
        "Kept",
        "Resting",
        "Ended",
    ]


def test_an_occasional_ritual_counts_check_ins_without_a_streak(
    eng: Engine, clock: FixedClock
) -> None:
    couple = couple_of(eng)
    eng.add_ritual(couple, "Ritual", template="curiosity-evening")
    for day, who in ((2, "sam"), (9, "sam"), (9, "alex")):
        clock.now = berlin(3, day, 20)
        eng.check_in(couple, "Ritual", by=who)
    view = eng.ritual_streak(couple, "Ritual", as_of=berlin(3, 10))
    assert view.unit == "occasional"
    assert (view.couple.current, view.couple.done, view.couple.missed) == (0, 1, 0)
    assert (partner(view, "sam").done, partner(view, "alex").done) == (2, 1)
    assert partner(view, "sam").last_done == berlin(3, 9, 20)
