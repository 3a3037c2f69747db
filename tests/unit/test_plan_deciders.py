"""The plan's pure deciders: what each command records, and the errors it gives."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.catalog.plans import plan_template
from engine.domain.plan import (
    PlanState,
    decide_extend,
    decide_finish,
    decide_pause,
    decide_resume,
    decide_start,
    decide_task_done,
    decide_week_starts,
    fold,
    ritual_id_for,
)
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.events import (
    Event,
    PlanFinished,
    PlanPaused,
    PlanStarted,
    PlanTaskDone,
    PlanWeekExtended,
    PlanWeekStarted,
)

PLAN = plan_template("reconnect-8-weeks")
NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)
START = date(2026, 3, 2)
STARTS = {1: date(2026, 3, 2), 2: date(2026, 3, 9), 3: date(2026, 3, 16)}


def plan(*events: Event) -> PlanState:
    return fold([PlanStarted(plan_id="p1", template=PLAN.key, starts_on=START, at=NOW), *events])


def task_done(state: PlanState | None, task: str, week: int = 2) -> PlanTaskDone:
    return decide_task_done(state, PLAN, task, week=week, week_starts=STARTS, by="p-sam", now=NOW)


def test_starting_records_the_template_and_the_first_day() -> None:
    event = decide_start(None, PLAN, "p1", starts_on=START, today=START, now=NOW)
    assert event == PlanStarted(plan_id="p1", template=PLAN.key, starts_on=START, at=NOW)


def test_a_second_plan_cannot_start_while_one_is_running() -> None:
    with pytest.raises(NotAllowed, match="already running"):
        decide_start(plan(), PLAN, "p2", starts_on=START, today=START, now=NOW)


def test_a_new_plan_may_start_once_the_last_one_is_finished() -> None:
    finished = plan(PlanFinished(plan_id="p1", kept=(), let_go=(), at=NOW))
    assert decide_start(finished, PLAN, "p2", starts_on=START, today=START, now=NOW).plan_id == "p2"


@pytest.mark.parametrize("offset", [-57, 57])
def test_a_plan_starts_within_eight_weeks_of_today(offset: int) -> None:
    today = date(2026, 5, 1)
    day = date.fromordinal(today.toordinal() + offset)
    with pytest.raises(InvalidInput, match="eight weeks"):
        decide_start(None, PLAN, "p1", starts_on=day, today=today, now=NOW)
    edge = date.fromordinal(today.toordinal() + (56 if offset > 0 else -56))
    assert decide_start(None, PLAN, "p1", starts_on=edge, today=today, now=NOW).starts_on == edge


def test_a_task_of_the_current_week_is_marked_done_by_its_key_in_any_case() -> None:
    event = task_done(plan(), " W2-Listening-Pattern ")
    assert event == PlanTaskDone(plan_id="p1", task="w2-listening-pattern", by="p-sam", at=NOW)


def test_a_task_of_an_earlier_week_can_still_be_marked_done() -> None:
    assert task_done(plan(), "w1-letters").task == "w1-letters"


def test_an_unknown_task_is_not_found() -> None:
    with pytest.raises(NotFound, match="no task 'w9-dance'"):
        task_done(plan(), "w9-dance")


def test_a_task_of_a_later_week_waits_for_its_week() -> None:
    with pytest.raises(NotAllowed, match="belongs to week 3, which begins on 2026-03-16"):
        task_done(plan(), "w3-ground-rules")


def test_a_task_is_marked_done_only_once() -> None:
    state = plan(PlanTaskDone(plan_id="p1", task="w1-letters", by=None, at=NOW))
    with pytest.raises(NotAllowed, match="already marked done"):
        task_done(state, "w1-letters")


def test_without_a_plan_there_is_nothing_to_mark() -> None:
    with pytest.raises(NotAllowed, match="no plan running"):
        task_done(None, "w1-letters")


def test_a_finished_plan_takes_no_more_tasks() -> None:
    finished = plan(PlanFinished(plan_id="p1", kept=(), let_go=(), at=NOW))
    with pytest.raises(NotAllowed, match="no plan running"):
        task_done(finished, "w1-letters")


def test_a_paused_plan_takes_no_tasks_until_it_resumes() -> None:
    with pytest.raises(NotAllowed, match="paused"):
        task_done(plan(PlanPaused(plan_id="p1", at=NOW)), "w1-letters")


def test_extending_records_the_current_week() -> None:
    assert decide_extend(plan(), week=2, now=NOW) == PlanWeekExtended(plan_id="p1", week=2, at=NOW)


def test_a_week_can_be_extended_more_than_once() -> None:
    state = plan(PlanWeekExtended(plan_id="p1", week=2, at=NOW))
    assert decide_extend(state, week=2, now=NOW).week == 2


def test_nothing_is_extended_or_paused_before_the_plan_begins() -> None:
    with pytest.raises(NotAllowed, match="begins on 2026-03-02"):
        decide_extend(plan(), week=0, now=NOW)
    with pytest.raises(NotAllowed, match="begins on 2026-03-02"):
        decide_pause(plan(), week=0, now=NOW)


def test_a_paused_plan_cannot_be_extended_or_paused_again() -> None:
    paused = plan(PlanPaused(plan_id="p1", at=NOW))
    with pytest.raises(NotAllowed, match="paused"):
        decide_extend(paused, week=2, now=NOW)
    with pytest.raises(NotAllowed, match="already paused"):
        decide_pause(paused, week=2, now=NOW)


def test_only_a_paused_plan_resumes() -> None:
    with pytest.raises(NotAllowed, match="not paused"):
        decide_resume(plan(), now=NOW)
    assert decide_resume(plan(PlanPaused(plan_id="p1", at=NOW)), now=NOW).plan_id == "p1"


def started(week: int, *rituals: str) -> PlanWeekStarted:
    return PlanWeekStarted(plan_id="p1", week=week, on=STARTS[week], rituals=rituals, at=NOW)


def test_finishing_keeps_the_chosen_rituals_and_lets_the_rest_go() -> None:
    state = plan(started(1, "r1"), started(2, "r2", "r3"))
    event = decide_finish(state, keep=["r3"], active={"r1", "r2", "r3", "other"}, now=NOW)
    assert (event.kept, event.let_go) == (("r3",), ("r1", "r2"))


def test_rituals_the_couple_already_retired_are_neither_kept_nor_let_go() -> None:
    state = plan(started(1, "r1"), started(2, "r2"))
    event = decide_finish(state, keep=[], active={"r2"}, now=NOW)
    assert (event.kept, event.let_go) == ((), ("r2",))


def test_finishing_refuses_to_keep_a_ritual_the_plan_did_not_add() -> None:
    state = plan(started(1, "r1"))
    with pytest.raises(InvalidInput, match="did not add"):
        decide_finish(state, keep=["other"], active={"r1", "other"}, now=NOW)


def test_a_paused_plan_can_still_be_finished() -> None:
    state = plan(PlanPaused(plan_id="p1", at=NOW))
    assert decide_finish(state, keep=[], active=set(), now=NOW).plan_id == "p1"


def test_weeks_that_began_are_recorded_once_each_with_their_rituals() -> None:
    state = plan(started(1, ritual_id_for("p1", "weekly-check-15")))
    events = decide_week_starts(
        state, PLAN, week=3, week_starts=STARTS, kept_titles=(), kept_families=(), now=NOW
    )
    assert [(e.week, e.on) for e in events] == [(2, date(2026, 3, 9)), (3, date(2026, 3, 16))]
    assert events[0].rituals == (
        ritual_id_for("p1", "listening-check"),
        ritual_id_for("p1", "gratitude-check-in"),
    )


def test_a_ritual_the_couple_already_keeps_is_not_added_twice() -> None:
    events = decide_week_starts(
        plan(),
        PLAN,
        week=2,
        week_starts=STARTS,
        kept_titles={"listening check"},
        kept_families={"weekly-check"},  # the starter relationship check, or the plan's own
        now=NOW,
    )
    assert [e.rituals for e in events] == [(), (ritual_id_for("p1", "gratitude-check-in"),)]


def test_a_finished_plan_begins_no_more_weeks() -> None:
    finished = plan(PlanFinished(plan_id="p1", kept=(), let_go=(), at=NOW))
    assert not decide_week_starts(
        finished, PLAN, week=3, week_starts=STARTS, kept_titles=(), kept_families=(), now=NOW
    )


def test_ritual_ids_are_the_same_on_every_retry_and_differ_between_plans() -> None:
    assert ritual_id_for("p1", "shared-joy") == ritual_id_for("p1", "shared-joy")
    assert ritual_id_for("p1", "shared-joy") != ritual_id_for("p2", "shared-joy")
