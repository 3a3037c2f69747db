"""The runner on every backing (memory, SQLite, and PostgreSQL when configured):
catching up in any number of steps gives exactly what a rebuild from the whole log
gives, a failed batch changes nothing, and a runner that loses a race folds nothing
twice."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.api import open_sql_store, read_models_for
from engine.events import (
    CheckedIn,
    Event,
    EventStore,
    MemoryEventStore,
    NewEvent,
    OccurrenceSkipped,
    RecordedEvent,
    RitualResumed,
)
from engine.projections import MARKS, PROJECTIONS, ProjectionRunner, ReadModels
from engine.sql.event_store import SqlEventStore

if TYPE_CHECKING:
    from engine.projections.marks import Mark

T0 = datetime(2026, 3, 1, 7, tzinfo=UTC)
OCCURRENCES = [T0 + timedelta(days=d) for d in range(4)]
MOMENTS = [T0 + timedelta(hours=h) for h in range(0, 120, 7)]
PARTNERS = ["p1", "p2", "p3"]

Backing = Callable[[], tuple[EventStore, ReadModels]]


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlEventStore]:
    """One migrated SQLite database for the module; each example uses fresh couples."""
    url = f"sqlite:///{tmp_path_factory.mktemp('projections') / 'rituals.db'}"
    store = open_sql_store(url)
    assert isinstance(store, SqlEventStore)
    yield store
    store.close()


@pytest.fixture(scope="module")
def postgres_store() -> Iterator[SqlEventStore]:
    """A private schema in the PostgreSQL database named by RITUAL_TEST_POSTGRES_URL."""
    url = os.environ.get("RITUAL_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("RITUAL_REQUIRE_POSTGRES"):
            pytest.fail("RITUAL_REQUIRE_POSTGRES is set but RITUAL_TEST_POSTGRES_URL is not")
        pytest.skip("set RITUAL_TEST_POSTGRES_URL to run the PostgreSQL backing")
    schema = f"projections_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    store = open_sql_store(f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}")
    assert isinstance(store, SqlEventStore)
    yield store
    store.close()
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backing(request: pytest.FixtureRequest) -> Backing:
    if request.param == "memory":

        def memory() -> tuple[EventStore, ReadModels]:
            store = MemoryEventStore()
            return store, read_models_for(store)

        return memory
    shared: SqlEventStore = request.getfixturevalue(f"{request.param}_store")
    return lambda: (shared, read_models_for(shared))


def ritual_events(ritual_id: str) -> st.SearchStrategy[Event]:
    check_in = st.builds(
        CheckedIn,
        ritual_id=st.just(ritual_id),
        partner_id=st.sampled_from(PARTNERS),
        occurrence=st.one_of(st.none(), st.sampled_from(OCCURRENCES)),
        done_at=st.sampled_from(MOMENTS),
        for_partners=st.lists(st.sampled_from(PARTNERS), max_size=2).map(tuple),
    )
    skip = st.builds(
        OccurrenceSkipped,
        ritual_id=st.just(ritual_id),
        occurrence=st.sampled_from(OCCURRENCES),
        partner_id=st.one_of(st.none(), st.sampled_from(PARTNERS)),
    )
    noise = st.builds(RitualResumed, ritual_id=st.just(ritual_id), at=st.sampled_from(MOMENTS))
    return st.one_of(check_in, check_in, skip, noise)


# (couple index, ritual index, event, when it happened)
History = list[tuple[int, int, Event, datetime]]

histories: st.SearchStrategy[History] = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 2)).flatmap(
        lambda where: st.tuples(
            st.just(where[0]),
            st.just(where[1]),
            ritual_events(f"r{where[1]}"),
            st.sampled_from(MOMENTS),
        )
    ),
    max_size=40,
)


class Log:
    """Appends a generated history under fresh couple and ritual ids."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.couples = [uuid.uuid4().hex for _ in range(2)]
        self.rituals = [uuid.uuid4().hex for _ in range(3)]

    def append(self, entries: History) -> None:
        for couple, ritual, event, when in entries:
            rid = self.rituals[ritual]
            event = replace(event, ritual_id=rid)
            self.store.append(
                self.couples[couple],
                f"ritual-{rid}",
                [NewEvent(event, when)],
                expected_version=None,
            )

    def snapshot(self, runner: ProjectionRunner) -> dict[str, dict[str, Any]]:
        """Every couple's states of every model."""
        return {
            f"{p.name}/{c}": runner.states(p.name, c) for p in PROJECTIONS for c in self.couples
        }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    history=histories,
    cuts=st.lists(st.integers(0, 40), max_size=5),
    batch=st.integers(1, 6),
)
def test_catching_up_in_any_steps_gives_exactly_what_a_rebuild_gives(
    backing: Backing, history: History, cuts: list[int], batch: int
) -> None:
    store, models = backing()
    runner = ProjectionRunner(store, models, PROJECTIONS, batch=batch)
    log = Log(store)
    start = 0
    for cut in [*sorted(c for c in cuts if c <= len(history)), len(history)]:
        log.append(history[start:cut])
        start = cut
        runner.catch_up()
    incremental = log.snapshot(runner)

    runner.rebuild(MARKS.name)
    assert log.snapshot(runner) == incremental
    fresh = ProjectionRunner(store, read_models_for(MemoryEventStore()), PROJECTIONS)
    fresh.catch_up()
    assert log.snapshot(fresh) == incremental


def test_a_batch_that_fails_halfway_leaves_the_model_and_its_checkpoint_untouched(
    backing: Backing,
) -> None:
    store, models = backing()
    log = Log(store)
    first = CheckedIn(ritual_id="r", partner_id="p1", occurrence=OCCURRENCES[0], done_at=MOMENTS[1])
    log.append([(0, 0, first, MOMENTS[1])])
    runner = ProjectionRunner(store, models, PROJECTIONS)
    runner.catch_up()
    before = (models.checkpoint(MARKS.name), log.snapshot(runner))

    def dump_or_fail(mark: Mark) -> dict[str, Any]:
        if mark.skipped_at is not None:
            raise RuntimeError("the disk is full")
        return MARKS.dump(mark)

    failing = ProjectionRunner(store, models, [replace(MARKS, dump=dump_or_fail)])
    second = replace(first, partner_id="p2")
    skip = OccurrenceSkipped(ritual_id="r", occurrence=OCCURRENCES[1])
    log.append([(0, 0, second, MOMENTS[2]), (0, 0, skip, MOMENTS[2])])
    with pytest.raises(RuntimeError):
        failing.catch_up()
    assert (models.checkpoint(MARKS.name), log.snapshot(runner)) == before

    assert runner.catch_up() == 2 * len(PROJECTIONS)  # every model folds the two events
    marks = runner.states(MARKS.name, log.couples[0])
    assert sorted(p for m in marks.values() for p, _ in m.done) == ["p1", "p2"]


class RacingStore:
    """A store whose first read lets another runner catch up before the reader writes."""

    def __init__(self, store: EventStore, rival: Callable[[], object]) -> None:
        self.store = store
        self.rival: Callable[[], object] | None = rival

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        found = self.store.read_all(after, limit, decrypt=decrypt)
        if self.rival is not None:
            rival, self.rival = self.rival, None
            rival()
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_a_runner_that_loses_a_race_folds_nothing_twice(backing: Backing) -> None:
    store, models = backing()
    log = Log(store)
    rival = ProjectionRunner(store, models, PROJECTIONS)
    rival.catch_up()
    events: Sequence[tuple[int, int, Event, datetime]] = [
        (0, 0, CheckedIn(ritual_id="r", partner_id=p, occurrence=None, done_at=t), t)
        for p, t in itertools.product(PARTNERS, MOMENTS[:3])
    ]
    log.append(list(events))
    racing = RacingStore(store, rival.catch_up)
    loser = ProjectionRunner(racing, models, PROJECTIONS, batch=4)
    assert loser.catch_up() == 0
    marks = log.snapshot(rival)[f"{MARKS.name}/{log.couples[0]}"]
    assert len(marks) == len(events)
