"""One meaning of --as-of: what had happened by then, on every part of the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FixedClock, MemoryEventStore

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(3, 2, 9))


def test_as_of_after_an_import_shows_the_same_plan_and_suggestions(
    eng: Engine, clock: FixedClock
) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning", cron="0 8 * * *")
    eng.start_plan(couple)
    clock.now = berlin(3, 3, 10)
    eng.plan_task_done(couple, "w1-letters", by="sam")
    clock.now = berlin(4, 20, 12)  # six weeks of nothing logged together: drift shows
    before = eng.status(couple, as_of=berlin(4, 10, 12))
    document = eng.export_data(couple, full=True)

    later = FixedClock(berlin(6, 1, 9))  # imported months after: every record time is new
    moved = Engine(MemoryEventStore(later), later)
    moved.import_data(document)
    after = moved.status(couple.id, as_of=berlin(4, 10, 12))

    assert before.plan is not None and after.plan is not None
    assert (after.plan.week, after.plan.tasks_done) == (before.plan.week, before.plan.tasks_done)
    assert before.plan.tasks_done == 1
    assert [s.key for s in after.suggestions] == [s.key for s in before.suggestions]
    assert "no_shared_ritual" in [s.key for s in before.suggestions]


def test_a_late_check_in_counts_from_when_it_happened_on_every_part_of_the_screen(
    eng: Engine, clock: FixedClock
) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning", cron="0 8 * * *", participants=["sam"])
    clock.now = berlin(3, 3, 20)  # logged in the evening, for the morning
    eng.check_in(couple, "Morning", by="sam", at=berlin(3, 3, 8) + timedelta(minutes=5))
    noon = eng.status(couple, as_of=berlin(3, 3, 12))
    (morning,) = noon.today
    assert morning.status == "done"
    assert noon.streaks[0].couple.current == 1
