"""Which occurrence a check-in without an exact time lands on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(25, 18, 30))


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning check", cron="0 7 * * *", participants=["sam"])
    return couple


def test_a_ritual_added_in_the_evening_lands_its_first_check_in_on_this_mornings_slot(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    done = eng.check_in(couple, "Morning check", by="sam")
    assert done.occurrence == berlin(25, 7)
    assert done.streak == 1
    clock.now = berlin(26, 7, 10)
    tomorrow = eng.check_in(couple, "Morning check", by="sam")
    assert tomorrow.occurrence == berlin(26, 7)
    assert tomorrow.streak == 2


def test_a_morning_slot_before_the_ritual_existed_is_not_missed_when_nobody_logged_it(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    clock.now = berlin(28, 12)
    line = eng.ritual_streak(couple, "Morning check").couple
    assert (line.missed, line.pending) == (1, 2)  # 26 missed, 27 and 28 pending; 25 not due


def test_a_second_check_in_the_same_day_lands_on_the_next_pending_occurrence(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    clock.now = berlin(26, 7, 5)
    eng.check_in(couple, "Morning check", by="sam")
    clock.now = berlin(26, 21)
    early = eng.check_in(couple, "Morning check", by="sam")
    assert early.occurrence == berlin(27, 7)
