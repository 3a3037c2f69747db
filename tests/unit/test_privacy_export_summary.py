"""An export carries the streaks and the plan's progress as of the moment it was made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine import Engine, FixedClock, MemoryEventStore


def test_the_export_summary_holds_streaks_and_plan_progress_and_writes_nothing() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    eng.add_ritual(couple, "Walk", cron="0 7 * * *")
    eng.start_plan(couple)
    for _ in range(3):
        clock.advance(timedelta(hours=1, minutes=30))
        eng.check_in(couple, "Walk", by="sam")
        eng.check_in(couple, "Walk", by="alex")
        clock.advance(timedelta(hours=22, minutes=30))
    clock.advance(timedelta(days=7))
    before = eng.store.count()
    summary = eng.export_data(couple)["summary"]
    assert eng.store.count() == before
    walk = next(s for s in summary["streaks"] if s["ritual"] == "Walk")
    assert (walk["done"], walk["best"]) == (3, 3)
    assert summary["plan"]["plan"] == "reconnect-8-weeks"
    assert summary["plan"]["week"] == 2
    markdown = eng.export_markdown(couple)
    assert "## Where your rituals stand" in markdown and "## Your plan" in markdown
