"""Plan progress derived from the plan's events and `now`, with hand-computed dates.

The plan starts on Monday 2 March 2026 in Europe/Berlin; weeks are seven days long, so
without extensions or pauses week k begins on 2 March + 7 * (k - 1) days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from engine.catalog.plans import plan_template
from engine.domain.plan import PlanState, fold
from engine.domain.plan_progress import plan_calendar, plan_milestones, plan_progress
from engine.events import (
    Event,
    PlanFinished,
    PlanPaused,
    PlanResumed,
    PlanStarted,
    PlanTaskDone,
    PlanWeekExtended,
    PlanWeekStarted,
)

if TYPE_CHECKING:
    from engine.views.plans import PlanView

ZONE = ZoneInfo("Europe/Berlin")
PLAN = plan_template("reconnect-8-weeks")
START = date(2026, 3, 2)
SAM = "p-sam"


def at(day: date, hour: int = 10) -> datetime:
    """An instant at ``hour`` local time on ``day``."""
    return datetime.combine(day, time(hour), ZONE).astimezone(UTC)


def plan(*events: Event) -> PlanState:
    started = PlanStarted(plan_id="p1", template=PLAN.key, starts_on=START, at=at(START))
    return fold([started, *events])


def done(*keys: str) -> list[Event]:
    return [PlanTaskDone(plan_id="p1", task=k, by=None, at=at(START)) for k in keys]


def progress(state: PlanState, day: date, hour: int = 10) -> PlanView:
    return plan_progress(state, PLAN, ZONE, at(day, hour), {SAM: "sam"})


@pytest.mark.parametrize(
    ("day", "week", "days_left"),
    [
        (date(2026, 3, 2), 1, 6),
        (date(2026, 3, 8), 1, 0),
        (date(2026, 3, 9), 2, 6),
        (date(2026, 4, 20), 8, 6),
        (date(2026, 4, 26), 8, 0),
    ],
)
def test_weeks_advance_every_seven_days_from_the_start_date(
    day: date, week: int, days_left: int
) -> None:
    view = progress(plan(), day)
    assert (view.week, view.days_left, view.over) == (week, days_left, False)


def test_the_week_turns_at_local_midnight_not_utc_midnight() -> None:
    # 00:30 on Monday 9 March in Berlin is still Sunday 23:30 in UTC.
    assert progress(plan(), date(2026, 3, 9), hour=0).week == 2
    assert progress(plan(), date(2026, 3, 8), hour=23).week == 1


def test_the_plan_is_over_the_day_after_week_eight_ends_and_stays_in_week_eight() -> None:
    view = progress(plan(), date(2026, 4, 27))
    assert (view.week, view.over) == (8, True)


def test_a_plan_starting_later_has_no_current_week_yet() -> None:
    view = progress(plan(), date(2026, 2, 27))
    assert (view.week, view.tasks, view.theme, view.pace) == (0, (), None, "on_pace")


def test_an_extension_gives_the_current_week_seven_more_days() -> None:
    state = plan(PlanWeekExtended(plan_id="p1", week=2, at=at(date(2026, 3, 10))))
    view = progress(state, date(2026, 3, 16))
    assert (view.week, view.week_starts_on, view.week_ends_on) == (
        2,
        date(2026, 3, 9),
        date(2026, 3, 22),
    )
    assert progress(state, date(2026, 3, 23)).week == 3
    assert view.weeks[1].extensions == 1


def test_days_while_paused_do_not_count() -> None:
    # Paused Thursday 5 March, resumed Tuesday 10 March: five days do not count, so week 2
    # begins on 9 + 5 = 14 March instead of 9 March.
    state = plan(
        PlanPaused(plan_id="p1", at=at(date(2026, 3, 5))),
        PlanResumed(plan_id="p1", at=at(date(2026, 3, 10))),
    )
    assert progress(state, date(2026, 3, 13)).week == 1
    view = progress(state, date(2026, 3, 14))
    assert (view.week, view.week_starts_on, view.week_ends_on) == (
        2,
        date(2026, 3, 14),
        date(2026, 3, 20),
    )


def test_a_pause_and_resume_on_the_same_day_moves_nothing() -> None:
    state = plan(
        PlanPaused(plan_id="p1", at=at(date(2026, 3, 5), 9)),
        PlanResumed(plan_id="p1", at=at(date(2026, 3, 5), 18)),
    )
    assert progress(state, date(2026, 3, 9)).week_starts_on == date(2026, 3, 9)


def test_a_paused_plan_begins_no_new_week_and_later_weeks_have_no_date() -> None:
    state = plan(PlanPaused(plan_id="p1", at=at(date(2026, 3, 5))))
    view = progress(state, date(2026, 3, 30))
    assert (view.week, view.pace, view.days_left, view.paused_since) == (
        1,
        "paused",
        None,
        date(2026, 3, 5),
    )
    assert [w.starts_on for w in view.weeks[:2]] == [START, None]


def test_pace_is_on_pace_while_only_the_current_weeks_tasks_are_open() -> None:
    assert progress(plan(), date(2026, 3, 8)).pace == "on_pace"


def test_pace_is_behind_when_a_task_of_an_ended_week_is_open() -> None:
    state = plan(*done("w1-letters", "w1-read-aloud"))
    view = progress(state, date(2026, 3, 9))
    assert view.pace == "behind"
    assert [t.key for t in view.earlier_open] == ["w1-weekly-check"]


def test_catching_up_on_an_earlier_week_brings_the_plan_back_on_pace() -> None:
    state = plan(*done("w1-letters", "w1-read-aloud", "w1-weekly-check"))
    assert progress(state, date(2026, 3, 9)).pace == "on_pace"


def test_pace_is_paused_or_finished_whatever_tasks_are_open() -> None:
    paused = plan(PlanPaused(plan_id="p1", at=at(date(2026, 3, 20))))
    finished = plan(PlanFinished(plan_id="p1", kept=(), let_go=(), at=at(date(2026, 3, 20))))
    assert progress(paused, date(2026, 3, 21)).pace == "paused"
    view = progress(finished, date(2026, 3, 21))
    assert (view.pace, view.finished_on) == ("finished", date(2026, 3, 20))


def test_after_the_last_week_every_open_task_counts_as_earlier() -> None:
    tasks_of_week_8 = [t.key for t in PLAN.weeks[7].tasks]
    all_but_week_8 = [t.key for w in PLAN.weeks[:7] for t in w.tasks]
    state = plan(*done(*all_but_week_8))
    assert progress(state, date(2026, 4, 26)).pace == "on_pace"
    view = progress(state, date(2026, 4, 27))
    assert view.pace == "behind"
    assert [t.key for t in view.earlier_open] == tasks_of_week_8


def test_tasks_done_and_percent_count_the_whole_plan() -> None:
    # 3 + 3 + 3 + 2 + 2 + 2 + 3 + 3 = 21 tasks; 4 done is 19.05%, shown as 19.
    state = plan(*done("w1-letters", "w1-read-aloud", "w1-weekly-check", "w2-listening-pattern"))
    view = progress(state, date(2026, 3, 10))
    assert (view.tasks_done, view.tasks_total, view.percent) == (4, 21, 19)
    assert [(w.tasks_done, w.tasks_total) for w in view.weeks[:3]] == [(3, 3), (1, 3), (0, 3)]


def test_percent_rounds_half_up() -> None:
    state = plan(*done("w1-letters", "w1-read-aloud"))  # 2 / 21 = 9.52%
    assert progress(state, date(2026, 3, 10)).percent == 10


def test_the_current_weeks_tasks_say_who_did_them() -> None:
    state = plan(PlanTaskDone(plan_id="p1", task="w2-daily-listening", by=SAM, at=at(START)))
    tasks = {t.key: (t.done, t.by) for t in progress(state, date(2026, 3, 10)).tasks}
    assert tasks == {
        "w2-listening-pattern": (False, None),
        "w2-daily-listening": (True, "sam"),
        "w2-nightly-appreciation": (False, None),
    }


def test_milestones_give_each_week_its_first_day_and_a_title_without_private_text() -> None:
    milestones = plan_milestones(plan(), PLAN, ZONE, at(START))
    assert [(m.week, m.day) for m in milestones[:3]] == [
        (1, date(2026, 3, 2)),
        (2, date(2026, 3, 9)),
        (3, date(2026, 3, 16)),
    ]
    assert milestones[2].title == "Reconnect in eight weeks: week 3 begins: Making hard talks safer"
    assert len(milestones) == 8


def test_milestones_of_a_paused_plan_keep_only_the_weeks_that_began() -> None:
    state = plan(PlanPaused(plan_id="p1", at=at(date(2026, 3, 10))))
    assert [m.week for m in plan_milestones(state, PLAN, ZONE, at(date(2026, 3, 12)))] == [1, 2]


def test_milestones_of_a_finished_plan_keep_only_the_weeks_that_began() -> None:
    state = plan(PlanFinished(plan_id="p1", kept=(), let_go=(), at=at(date(2026, 3, 17))))
    assert [m.week for m in plan_milestones(state, PLAN, ZONE, at(date(2026, 5, 1)))] == [1, 2, 3]


def test_the_calendar_never_goes_back_behind_a_recorded_week() -> None:
    state = plan(
        PlanWeekStarted(plan_id="p1", week=2, on=date(2026, 3, 9), rituals=(), at=at(START))
    )
    assert plan_calendar(state, PLAN, ZONE, at(date(2026, 3, 3))).week == 2
