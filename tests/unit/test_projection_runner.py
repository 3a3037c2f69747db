"""The projection runner in memory: cost proportional to the new events, automatic
rebuilds when a projection's version changes, and the Engine's read-model commands."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engine import Engine, FixedClock, MemoryEventStore, NotFound
from engine.projections import MARKS, ProjectionRunner
from engine.projections.memory import MemoryReadModels

if TYPE_CHECKING:
    from engine.events import RecordedEvent
    from engine.projections.marks import Mark

ROOT = Path(__file__).resolve().parents[2]
MORNING = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 07:00 in Berlin


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


def daily_practice(eng: Engine, clock: FixedClock, days: int) -> None:
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
    for _ in range(days):
        clock.advance(timedelta(minutes=35))
        for who in ("sam", "alex"):
            eng.check_in(couple, "Morning check", by=who)
        clock.advance(timedelta(days=1, minutes=-35))


class SpyStore:
    def __init__(self, store: MemoryEventStore) -> None:
        self.store = store
        self.read: list[int] = []

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        found = self.store.read_all(after, limit, decrypt=decrypt)
        self.read.extend(r.position for r in found)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


class SpyModels(MemoryReadModels):
    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []  # keys, without the couple they belong to

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with super().transaction() as tx:
            load = tx.load

            def spy(name: str, keys: Collection[tuple[str, str]]) -> dict[str, Any]:
                self.loaded.extend(key for _, key in keys)
                return load(name, keys)

            tx.load = spy
            yield tx


def test_catching_up_reads_only_the_new_events_and_loads_only_the_keys_they_touch(
    eng: Engine, clock: FixedClock
) -> None:
    daily_practice(eng, clock, days=20)
    store = eng.store
    assert isinstance(store, MemoryEventStore)
    spy, models = SpyStore(store), SpyModels()
    runner = ProjectionRunner(spy, models, [MARKS])  # type: ignore[arg-type]
    assert runner.catch_up() == store.count()

    spy.read.clear()
    models.loaded.clear()
    clock.advance(timedelta(minutes=35))
    eng.check_in(only(eng), "Morning check", by="sam")
    assert runner.catch_up() == 1
    assert spy.read == [store.last_position()]
    assert len(models.loaded) == 1 and models.loaded[0].endswith("T06:30:00+00:00")


def test_a_changed_projection_version_rebuilds_its_model_by_itself(
    eng: Engine, clock: FixedClock
) -> None:
    daily_practice(eng, clock, days=3)
    models = MemoryReadModels()
    ProjectionRunner(eng.store, models, [MARKS]).catch_up()

    def sam_only(mark: Mark | None, recorded: RecordedEvent) -> Mark:
        folded = MARKS.evolve(mark, recorded)
        return replace(folded, credits=folded.credits[:1])

    changed = replace(MARKS, version=MARKS.version + 1, evolve=sam_only)
    runner = ProjectionRunner(eng.store, models, [changed])
    assert runner.catch_up() == eng.store.count()
    couple_id = eng.couple(only(eng)).id
    assert {len(m.done) for m in runner.states(MARKS.name, couple_id).values()} == {1}
    assert runner.catch_up() == 0


def test_the_engine_reports_and_rebuilds_its_read_models(eng: Engine, clock: FixedClock) -> None:
    daily_practice(eng, clock, days=2)
    total = eng.store.last_position()
    found = eng.read_models()
    assert [(v.name, v.position, v.behind) for v in found] == [
        ("ritual_marks", total, 0),
        ("logged_weeks", total, 0),
    ]
    steps: list[int] = []
    (after,) = eng.rebuild("ritual_marks", progress=steps.append)
    assert (after.position, after.behind, sum(steps)) == (total, 0, total)
    with pytest.raises(NotFound, match="no read model called 'streakz'"):
        eng.rebuild("streakz")


def test_the_read_model_code_that_folds_and_derives_is_pure() -> None:
    impure = {"sqlalchemy", "click", "os", "alembic", "sqlite3"}
    for name in ("projection", "marks", "streaks", "strength", "runner", "memory"):
        tree = ast.parse((ROOT / "engine" / "projections" / f"{name}.py").read_text())
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & impure, name
        calls = {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        assert not calls & {"now", "utcnow", "today"}, name
