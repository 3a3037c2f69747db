"""The appreciation journal counts `ritual appreciate`; a plan reuses what a couple keeps;
a plan's end is said plainly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock

if TYPE_CHECKING:
    from engine.views.couples import CoupleView

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(3, 2, 9))  # a Monday


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


def test_appreciations_count_for_the_appreciation_journal_ritual(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.add_ritual(couple, template="appreciation-journal")
    for hour in (10, 11, 12):
        clock.now = berlin(3, 2, hour)
        eng.appreciate(couple, by="sam", to="alex", text="thank you", private=True)
    clock.now = berlin(3, 3, 9)
    eng.check_in(couple, "Appreciation journal", by="alex")
    view = eng.ritual_streak(couple, "Appreciation journal")
    assert view.this_week is not None
    assert dict(view.this_week.by_partner) == {"sam": 3, "alex": 1}
    assert view.partners[0].figures.check_ins == 3
    (journal,) = [s for s in eng.status(couple).streaks if s.title == "Appreciation journal"]
    assert journal.this_week is not None and journal.this_week.done == 1


def test_an_undone_appreciation_no_longer_counts_for_the_journal(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.add_ritual(couple, template="appreciation-journal")
    eng.appreciate(couple, by="sam", to="alex", text="thank you")
    eng.undo(couple, by="sam")
    view = eng.ritual_streak(couple, "Appreciation journal")
    assert view.this_week is not None and dict(view.this_week.by_partner)["sam"] == 0


def test_a_plan_reuses_the_relationship_check_the_couple_keeps_instead_of_a_weekly_check(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.add_ritual(couple, template="relationship-check")
    view = eng.start_plan(couple)
    titles = [r.title for r in eng.rituals(couple)]
    assert titles.count("Relationship check") == 1 and "Weekly check" not in titles
    assert view.rituals_reused == (("Relationship check", "Weekly check"),)
    assert view.rituals_added == ()


def test_after_the_last_week_the_plan_has_ended_without_a_last_day_left(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.start_plan(couple)
    clock.now = berlin(3, 2, 9) + timedelta(weeks=8, days=6)
    view = eng.plan_status(couple)
    assert view is not None and view.over and view.days_left is None
    clock.now = berlin(3, 2, 9) + timedelta(weeks=7, days=6)
    last = eng.plan_status(couple)
    assert last is not None and not last.over and last.days_left == 0
