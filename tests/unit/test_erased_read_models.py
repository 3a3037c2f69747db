"""An erased couple leaves every read model, whether folded incrementally or rebuilt,
while other couples' figures stay as they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine import Engine, FixedClock, MemoryEventStore


def test_erasing_a_couple_removes_its_read_model_rows_now_and_after_a_rebuild() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    stay = eng.create_couple("Kim & Lee", ["kim", "lee"], "UTC")
    go = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    for couple, who in ((stay, "kim"), (go, "sam")):
        eng.add_ritual(couple, "Walk", cron="0 7 * * *")
        clock.advance(timedelta(hours=1, minutes=30))
        eng.check_in(couple, "Walk", by=who)
    eng.catch_up()
    marks = {r.name: r for r in eng.read_models()}
    assert marks
    staying = eng.streaks(stay)

    eng.erase_couple(go)
    runner = eng._services.streaks.runner  # the read models this engine folds
    for name in runner.projections:
        assert runner.states(name, go.id) == {}
        assert runner.states(name, stay.id) != {}
    assert eng.streaks(stay) == staying

    for name in runner.projections:
        eng.rebuild(name)
        assert runner.states(name, go.id) == {}
    assert eng.streaks(stay) == staying
