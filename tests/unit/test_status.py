"""`Engine.status` with hand-computed expectations: today's rituals, the heatmap's days
(fully done, half done, skipped, paused, pending, future, quota check-ins), streaks, the
plan and suggestions. In memory, with a fixed clock in Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.status import StatusView

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Berlin wall time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(3, 2, 6))  # Monday 2 March 2026, 06:00


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


def log(
    eng: Engine, clock: FixedClock, couple: CoupleView, title: str, at: datetime, *who: str
) -> None:
    clock.now = at + timedelta(minutes=5)
    for handle in who:
        eng.check_in(couple, title, by=handle, occurrence=at)


@pytest.fixture
def two_weeks(eng: Engine, clock: FixedClock, couple: CoupleView) -> StatusView:
    """Morning (08:00) and Evening (21:00) together, a journal twice a week each; as of
    Thursday 12 March, 12:00."""
    eng.add_ritual(couple, "Morning", cron="0 8 * * *")
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    eng.add_ritual(couple, "Journal", per_week=2, together=False)
    both = ("sam", "alex")
    log(eng, clock, couple, "Morning", berlin(3, 2, 8), *both)  # Mon 2: all done
    log(eng, clock, couple, "Evening", berlin(3, 2, 21), *both)
    log(eng, clock, couple, "Morning", berlin(3, 3, 8), *both)  # Tue 3: one of two
    clock.now = berlin(3, 4, 9)  # Wed 4: the morning let go, the evening done
    eng.skip(couple, "Morning", occurrence=berlin(3, 4, 8))
    log(eng, clock, couple, "Evening", berlin(3, 4, 21), *both)
    log(eng, clock, couple, "Morning", berlin(3, 5, 8), "sam")  # Thu 5: half of one of two
    # Fri 6: nothing at all.
    log(eng, clock, couple, "Morning", berlin(3, 7, 8), *both)  # Sat 7: one of two, and
    clock.now = berlin(3, 7, 12)  # a journal entry
    eng.check_in(couple, "Journal", by="sam")
    clock.now = berlin(3, 7, 22)  # Sun 8: the morning paused, the evening done
    eng.pause_ritual(couple, "Morning", until=date(2026, 3, 9))
    log(eng, clock, couple, "Evening", berlin(3, 8, 21), *both)
    log(eng, clock, couple, "Morning", berlin(3, 9, 8), *both)  # Mon 9: one of two
    # Tue 10: nothing at all.
    log(eng, clock, couple, "Morning", berlin(3, 11, 8), *both)  # Wed 11: the evening pending
    log(eng, clock, couple, "Morning", berlin(3, 12, 8), "sam")  # Thu 12 (today): pending,
    clock.now = berlin(3, 12, 11)  # and a journal entry
    eng.check_in(couple, "Journal", by="alex")
    clock.now = berlin(3, 12, 12)
    return eng.status(couple)


def test_the_heatmap_shares_count_done_occurrences_and_leave_skips_pauses_and_pending_out(
    two_weeks: StatusView,
) -> None:
    heatmap = two_weeks.heatmap
    assert heatmap.start == date(2025, 12, 22)  # the Monday eleven weeks before this one
    assert len(heatmap.weeks) == 12 and all(len(week) == 7 for week in heatmap.weeks)
    assert all(day is None for week in heatmap.weeks[:-2] for day in week)  # before they began
    last_week, this_week = heatmap.weeks[-2:]
    # (done + check-ins) / (due + check-ins), per day from Monday:
    assert last_week == pytest.approx(
        (
            1.0,  # both rituals done
            0.5,  # the evening missed
            1.0,  # the morning skipped: not due
            0.25,  # half of the morning logged, the evening missed: 0.5 / 2
            0.0,  # nothing logged: a quiet day
            2 / 3,  # the morning and a journal entry, the evening missed: (1 + 1) / (2 + 1)
            1.0,  # the morning paused: it does not exist
        )
    )
    # Wed: the evening pending; Thu: a journal entry and the morning sam alone logged so far
    # (pending, yet partly done: (0.5 + 1) / (1 + 1)), the evening pending.
    assert this_week[:4] == pytest.approx((0.5, 0.0, 1.0, 0.75))
    assert this_week[4:] == (None, None, None)


def test_today_lists_the_occurrences_by_time_and_a_quota_ritual_with_its_week(
    two_weeks: StatusView,
) -> None:
    assert two_weeks.day == date(2026, 3, 12)
    morning, evening, journal = two_weeks.today
    assert (morning.title, morning.local, morning.status) == (
        "Morning",
        datetime(2026, 3, 12, 8, tzinfo=BERLIN),
        "pending",
    )
    assert (morning.by, morning.participants) == (("sam",), ("sam", "alex"))
    assert (evening.title, evening.at, evening.status, evening.by) == (
        "Evening",
        berlin(3, 12, 21),
        "pending",
        (),
    )
    assert (journal.title, journal.at, journal.status, journal.by) == (
        "Journal",
        None,
        "pending",
        ("alex",),
    )
    assert journal.this_week is not None
    assert (journal.this_week.done, journal.this_week.target) == (0, 2)
    assert journal.this_week.by_partner == (("sam", 0), ("alex", 1))


def test_today_says_done_and_skipped(eng: Engine, clock: FixedClock, couple: CoupleView) -> None:
    eng.add_ritual(couple, "Morning", cron="0 8 * * *")
    eng.add_ritual(couple, "Walk", cron="0 18 * * *", participants=["alex"])
    eng.add_ritual(couple, "Journal", per_week=1, together=False)
    log(eng, clock, couple, "Morning", berlin(3, 2, 8), "sam", "alex")
    clock.now = berlin(3, 2, 19)
    eng.skip(couple, "Walk", occurrence=berlin(3, 2, 18))
    eng.check_in(couple, "Journal", by="sam")
    eng.check_in(couple, "Journal", by="alex")
    items = {t.title: t for t in eng.status(couple).today}
    assert (items["Morning"].status, items["Morning"].by) == ("done", ("sam", "alex"))
    assert (items["Walk"].status, items["Walk"].participants) == ("skipped", ("alex",))
    assert (items["Journal"].status, items["Journal"].by) == ("done", ("sam", "alex"))


def test_the_streaks_are_those_of_the_active_rituals_that_keep_one(
    eng: Engine, couple: CoupleView, two_weeks: StatusView
) -> None:
    eng.add_ritual(couple, template="curiosity-evening")  # occasional: no streak to show
    eng.add_ritual(couple, "Walk", cron="0 18 * * *")
    eng.pause_ritual(couple, "Walk")
    status = eng.status(couple)
    assert [s.title for s in status.streaks] == ["Morning", "Evening", "Journal"]
    assert status.streaks == tuple(v for v in eng.streaks(couple) if v.status == "active")[:3]
    morning = status.streaks[0].couple
    # done, done, skip, frozen, miss, done, paused, done, miss, done, pending
    assert (morning.current, morning.best, morning.last_freeze) == (1, 2, date(2026, 3, 5))


def test_looking_back_with_as_of_sees_what_was_recorded_by_then_and_writes_nothing(
    eng: Engine, clock: FixedClock, couple: CoupleView, two_weeks: StatusView
) -> None:
    clock.now = berlin(3, 20, 9)
    eng.start_plan(couple)
    written = eng.store.count()
    then = eng.status(couple, as_of=berlin(3, 12, 12))
    assert eng.store.count() == written
    assert then == two_weeks
    assert then.plan is None


def test_a_running_plan_shows_its_week_and_pace(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.start_plan(couple, on=date(2026, 3, 2))
    eng.plan_task_done(couple, "w1-letters", by="sam")
    clock.now = berlin(3, 10, 9)  # week 2 has begun; its rituals arrive with the next tick
    written = eng.store.count()
    status = eng.status(couple)
    assert status.plan is not None and eng.store.count() == written  # a look never writes
    assert (status.plan.week, status.plan.weeks_total, status.plan.pace) == (2, 8, "behind")
    (ticked,) = eng.tick()
    assert ticked.rituals_added
    assert {t.title for t in eng.status(couple).streaks} >= set(ticked.rituals_added)


def test_a_finished_plan_stays_on_the_status_for_a_week(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.start_plan(couple, on=date(2026, 3, 2))
    clock.now = berlin(3, 4, 9)
    eng.finish_plan(couple, keep_all=True)
    clock.now = berlin(3, 11, 23)
    view = eng.status(couple).plan
    assert view is not None and view.pace == "finished"
    clock.now = berlin(3, 12, 0, 1)
    assert eng.status(couple).plan is None


def test_drift_suggestions_come_from_the_drift_signals(
    eng: Engine, clock: FixedClock, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Morning", cron="0 8 * * *")
    clock.now = berlin(3, 20, 9)  # no shared ritual logged for 18 days
    status = eng.status(couple)
    assert [s.key for s in status.suggestions] == ["no_shared_ritual"]
    assert status.suggestions == tuple(eng.drift_signals(couple))


def test_a_couple_without_rituals_has_an_empty_status(eng: Engine, couple: CoupleView) -> None:
    status = eng.status(couple)
    assert status.empty
    assert (status.today, status.streaks, status.plan, status.suggestions) == ((), (), None, ())
    assert status.heatmap.weeks[-1] == (0.0, None, None, None, None, None, None)


def test_a_ritual_added_later_today_leaves_the_status_no_longer_empty(
    eng: Engine, couple: CoupleView
) -> None:
    eng.add_ritual(couple, "Evening", cron="0 21 * * *")
    assert not eng.status(couple).empty
