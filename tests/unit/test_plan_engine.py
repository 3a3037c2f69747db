"""The plan through the Engine facade, on the in-memory store with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

import engine
from engine import Engine, FixedClock, MemoryEventStore, NotAllowed
from engine.domain.plan import ritual_id_for
from engine.events import NewEvent, PlanFinished, PlanWeekStarted
from engine.services.plans import plan_stream

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.plans import PlanView

# Monday 2 March 2026, 09:00 in Berlin.
MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def store(clock: FixedClock) -> MemoryEventStore:
    return MemoryEventStore(clock)


@pytest.fixture
def eng(store: MemoryEventStore, clock: FixedClock) -> Engine:
    return Engine(store, clock)


@pytest.fixture
def couple(eng: Engine) -> CoupleView:
    return eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")


def status(eng: Engine, couple: CoupleView) -> PlanView:
    view = eng.plan_status(couple)
    assert view is not None
    return view


def ticked(eng: Engine, couple: CoupleView) -> PlanView:
    """What the next tick records for the couple's plan (it must record something)."""
    (view,) = eng.tick(couple)
    return view


def types(store: MemoryEventStore) -> list[str]:
    return [r.type_name for r in store.raw_rows()]


def test_starting_a_plan_adds_week_ones_ritual_as_an_ordinary_ritual(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    view = eng.start_plan(couple)
    assert (view.week, view.pace, view.rituals_added) == (1, "on_pace", ("Weekly check",))
    assert types(store)[-3:] == ["plan.started", "plan.week_started", "ritual.added"]
    ritual = eng.ritual(couple, "Weekly check")
    assert (ritual.template, ritual.participants, ritual.together) == (
        "weekly-check-15",
        ("sam", "alex"),
        True,
    )
    edited = eng.edit_ritual(couple, "Weekly check", cron="0 19 * * 6")
    assert edited.cron == "0 19 * * 6"


def test_a_plan_starting_later_adds_nothing_until_its_first_day(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    view = eng.start_plan(couple, on=date(2026, 3, 9))
    assert (view.week, view.rituals_added) == (0, ())
    clock.advance(timedelta(days=7))
    assert ticked(eng, couple).rituals_added == ("Weekly check",)


def test_looking_at_a_plan_whose_week_began_shows_the_week_and_writes_nothing(
    eng: Engine, couple: CoupleView, clock: FixedClock, store: MemoryEventStore
) -> None:
    eng.start_plan(couple)
    clock.advance(timedelta(days=15))  # Tuesday 17 March: week 3
    count = store.count()
    view = status(eng, couple)
    assert (view.week, view.rituals_added, store.count()) == (3, (), count)
    assert [r.title for r in view.rituals] == ["Weekly check"]  # the others come with a tick
    assert eng.status(couple).plan == view and store.count() == count


def test_weeks_that_began_unseen_are_added_by_the_next_tick(
    eng: Engine, couple: CoupleView, clock: FixedClock, store: MemoryEventStore
) -> None:
    eng.start_plan(couple)
    clock.advance(timedelta(days=15))  # Tuesday 17 March: week 3
    view = ticked(eng, couple)
    assert view.week == 3
    assert view.rituals_added == ("Listening check", "Gratitude check-in", "Five open minutes")
    assert [(r.title, r.week) for r in view.rituals] == [
        ("Weekly check", 1),
        ("Listening check", 2),
        ("Gratitude check-in", 2),
        ("Five open minutes", 3),
    ]
    count = store.count()
    assert (eng.tick(), store.count()) == ([], count)
    assert status(eng, couple).rituals == view.rituals


def test_a_plan_command_also_adds_the_rituals_of_a_week_that_began(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.start_plan(couple)
    clock.advance(timedelta(days=7))
    view = eng.plan_task_done(couple, "w1-letters", by="sam")
    assert view.rituals_added == ("Listening check", "Gratitude check-in")
    assert [t.key for t in view.earlier_open] == ["w1-read-aloud", "w1-weekly-check"]


def test_a_ritual_the_couple_already_has_is_not_added_again(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    eng.add_ritual(couple, template="weekly-check-15")
    before = store.count()
    view = eng.start_plan(couple)
    assert (view.rituals_added, view.rituals) == ((), ())
    assert types(store)[before:] == ["plan.started", "plan.week_started"]


def test_a_ritual_lost_between_two_writes_is_added_by_the_next_tick(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    view = eng.start_plan(couple, on=date(2026, 3, 9))
    missing = ritual_id_for(view.id, "weekly-check-15")
    store.append(
        couple.id,
        plan_stream(view.id),
        [
            NewEvent(
                PlanWeekStarted(
                    plan_id=view.id, week=1, on=date(2026, 3, 9), rituals=(missing,), at=MONDAY
                ),
                MONDAY,
            )
        ],
        expected_version=1,
    )
    assert ticked(eng, couple).rituals_added == ("Weekly check",)
    assert eng.ritual(couple, missing).title == "Weekly check"


def test_tasks_done_extensions_and_pauses_show_in_the_status(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.start_plan(couple)
    eng.plan_task_done(couple, "w1-letters", by="sam")
    view = eng.plan_task_done(couple, "w1-read-aloud")
    assert [(t.key, t.done, t.by) for t in view.tasks] == [
        ("w1-letters", True, "sam"),
        ("w1-read-aloud", True, None),
        ("w1-weekly-check", False, None),
    ]
    assert eng.extend_plan_week(couple).week_ends_on == date(2026, 3, 15)
    clock.advance(timedelta(days=2))
    assert eng.pause_plan(couple).pace == "paused"
    clock.advance(timedelta(days=3))
    resumed = eng.resume_plan(couple)
    # Fourteen days from 2 March plus three paused days: week 1 ends on 18 March.
    assert (resumed.pace, resumed.week_ends_on) == ("on_pace", date(2026, 3, 18))


def test_the_actor_of_a_task_is_the_partner_who_did_it(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    eng.start_plan(couple)
    eng.plan_task_done(couple, "w1-letters", by="alex")
    entry = eng.history(couple, limit=1)[0]
    assert (entry.actor, entry.summary) == ("alex", "alex: plan task w1-letters done")


def test_finishing_keeps_the_chosen_rituals_and_retires_the_rest(
    eng: Engine, couple: CoupleView, clock: FixedClock
) -> None:
    eng.start_plan(couple)
    clock.advance(timedelta(days=56))
    eng.plan_status(couple)
    view = eng.finish_plan(couple, keep=["weekly check", "Shared joy"])
    assert view.pace == "finished"
    statuses = {r.title: r.status for r in view.rituals}
    assert statuses["Weekly check"] == statuses["Shared joy"] == "active"
    assert [t for t, s in statuses.items() if s == "retired"] == [
        "Listening check",
        "Gratitude check-in",
        "Five open minutes",
        "Appreciation journal",
        "Curiosity evening",
        "Gentle touch",
        "Monthly maintenance meeting",
    ]
    with pytest.raises(NotAllowed, match="no plan running"):
        eng.extend_plan_week(couple)
    assert eng.start_plan(couple).id != view.id


def test_finishing_with_keep_all_retires_nothing(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    eng.start_plan(couple)
    eng.finish_plan(couple, keep_all=True)
    assert "ritual.retired" not in types(store)


def test_a_let_go_ritual_left_active_by_a_crash_is_retired_by_the_next_tick(
    eng: Engine, couple: CoupleView, store: MemoryEventStore
) -> None:
    view = eng.start_plan(couple)
    rid = ritual_id_for(view.id, "weekly-check-15")
    finished = PlanFinished(plan_id=view.id, kept=(), let_go=(rid,), at=MONDAY)
    store.append(couple.id, plan_stream(view.id), [NewEvent(finished, MONDAY)], expected_version=2)
    assert eng.ritual(couple, rid).status == "active"
    assert status(eng, couple).pace == "finished"
    assert eng.ritual(couple, rid).status == "active"  # a look writes nothing
    assert ticked(eng, couple).pace == "finished"
    assert eng.ritual(couple, rid).status == "retired"


def test_milestones_never_write(eng: Engine, couple: CoupleView, store: MemoryEventStore) -> None:
    eng.start_plan(couple, on=date(2026, 3, 4))
    before = store.count()
    milestones = eng.plan_milestones(couple)
    assert store.count() == before
    assert [(m.week, m.day) for m in milestones][:2] == [
        (1, date(2026, 3, 4)),
        (2, date(2026, 3, 11)),
    ]


def test_without_any_plan_the_status_is_none(eng: Engine, couple: CoupleView) -> None:
    assert eng.plan_status(couple) is None
    assert eng.plan_milestones(couple) == []


def test_the_plan_names_are_public() -> None:
    for name in ("PlanView", "PlanMilestone", "PlanStarted", "PlanFinished", "DriftSignal"):
        assert name in engine.__all__
        assert hasattr(engine, name)
