"""Finding 5 of issue 11: a retry after a lost reply must not store a second entry.

The store commits, then the connection drops before the reply arrives (``LostReply``), so
the caller sees "please try again" and sends the command again with the same idempotency
key: exactly one appreciation, check-in, repair or capsule is stored, and the retry
returns what the first run would have returned. Without a key the same retry stores two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from engine import Engine
from engine.errors import ConnectionLost, IdempotencyConflict, StoreUnavailable
from engine.services.idempotent import InvocationKeys
from tests.moments import cli_clock

if TYPE_CHECKING:
    from engine.events import EventStore
    from engine.sql.event_store import SqlEventStore


class LostReply:
    """A store whose next ``losses`` appends commit, then lose their reply."""

    def __init__(self, inner: SqlEventStore) -> None:
        self.inner = inner
        self.cipher = inner.cipher
        self.losses = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _lose(self, result: Any) -> Any:
        if self.losses > 0:
            self.losses -= 1
            raise ConnectionLost("cannot reach the database; please try again in a moment")
        return result

    def append(self, *args: Any, **kwargs: Any) -> list[int]:
        return self._lose(self.inner.append(*args, **kwargs))  # type: ignore[no-any-return]

    def append_batches(self, *args: Any, **kwargs: Any) -> list[list[int]]:
        return self._lose(self.inner.append_batches(*args, **kwargs))  # type: ignore[no-any-return]


@pytest.fixture
def flaky(store: SqlEventStore) -> Iterator[tuple[Engine, LostReply]]:
    lossy = LostReply(store)
    engine = Engine(lossy, cli_clock())  # type: ignore[arg-type]
    couple = engine.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    engine.add_ritual(couple, "Evening walk", cron="0 20 * * *")
    yield engine, lossy


def stored(store: EventStore, type_name: str) -> int:
    return len(store.read_types((type_name,), decrypt=False))


COMMANDS: dict[str, tuple[str, Callable[[Engine, str, str | None], Any]]] = {
    "appreciation": (
        "appreciation.given",
        lambda e, c, k: e.appreciate(
            c, by="sam", to="alex", text="Thank you for the tea.", idempotency_key=k
        ),
    ),
    "check-in": (
        "ritual.checked_in",
        lambda e, c, k: e.check_in(c, "Evening walk", by="sam", closeness=4, idempotency_key=k),
    ),
    "repair": (
        "repair.attempted",
        lambda e, c, k: e.repair(c, by="alex", kind="apology", note="sorry", idempotency_key=k),
    ),
    "capsule": (
        "capsule.sealed",
        lambda e, c, k: e.seal_capsule(c, by="sam", message="Where we are.", idempotency_key=k),
    ),
}


@pytest.mark.parametrize("what", sorted(COMMANDS))
def test_a_retry_with_the_key_after_a_lost_reply_stores_exactly_one(
    flaky: tuple[Engine, LostReply], what: str
) -> None:
    engine, lossy = flaky
    type_name, command = COMMANDS[what]
    couple = engine.couples()[0].id
    before = lossy.inner.count()

    lossy.losses = 1
    with pytest.raises(StoreUnavailable):
        command(engine, couple, "retry-me")
    committed = lossy.inner.count()
    assert committed > before  # the first run did commit
    first = command(engine, couple, "retry-me")
    again = command(engine, couple, "retry-me")

    assert stored(lossy.inner, type_name) == 1
    assert lossy.inner.count() == committed
    assert again == first
    recorded = lossy.inner.read_types((type_name,), decrypt=False)[0].event
    if isinstance(first, str):  # an id: the one the stored entry carries
        assert first in {getattr(recorded, f, None) for f in ("appreciation_id", "repair_id")}
    elif hasattr(first, "id"):
        assert first.id == recorded.capsule_id  # type: ignore[attr-defined]
    else:
        assert first.done_at == recorded.done_at  # type: ignore[attr-defined]


def test_without_a_key_the_same_retry_stores_two(flaky: tuple[Engine, LostReply]) -> None:
    engine, lossy = flaky
    couple = engine.couples()[0].id
    lossy.losses = 1
    with pytest.raises(StoreUnavailable):
        engine.appreciate(couple, by="sam", to="alex", text="Thanks.")
    engine.appreciate(couple, by="sam", to="alex", text="Thanks.")
    assert stored(lossy.inner, "appreciation.given") == 2


def test_a_lost_reply_in_the_middle_of_a_planned_absence_is_finished_by_the_retry(
    flaky: tuple[Engine, LostReply],
) -> None:
    engine, lossy = flaky
    couple = engine.couples()[0].id
    engine.add_ritual(couple, "Morning hello", cron="0 7 * * *")

    def absence() -> Any:
        return engine.plan_absence(
            couple, since=date(2026, 11, 27), until=date(2026, 11, 29), idempotency_key="away"
        )

    lossy.losses = 1  # the first ritual's skips commit, the reply is lost
    with pytest.raises(StoreUnavailable):
        absence()
    first = absence()
    assert absence() == first
    assert len(first) == 6
    assert stored(lossy.inner, "ritual.skipped") == 6


def test_the_key_with_other_arguments_is_a_conflict_and_stores_nothing(
    flaky: tuple[Engine, LostReply],
) -> None:
    engine, lossy = flaky
    couple = engine.couples()[0].id
    engine.appreciate(couple, by="sam", to="alex", text="Thanks.", idempotency_key="k")
    before = lossy.inner.count()
    with pytest.raises(IdempotencyConflict, match="another command or other arguments"):
        engine.appreciate(couple, by="sam", to="alex", text="Thanks!", idempotency_key="k")
    with pytest.raises(IdempotencyConflict):
        engine.repair(couple, by="sam", kind="apology", idempotency_key="k")
    assert lossy.inner.count() == before


def test_a_retried_start_returns_the_couple_the_first_run_created(store: SqlEventStore) -> None:
    lossy = LostReply(store)
    engine = Engine(lossy, cli_clock())  # type: ignore[arg-type]
    lossy.losses = 1
    with pytest.raises(StoreUnavailable):
        engine.create_couple(
            "Sam & Alex",
            ["sam", "alex"],
            "Europe/Berlin",
            templates=["evening-one-thing"],
            idempotency_key="start",
        )
    couple = engine.create_couple(
        "Sam & Alex",
        ["sam", "alex"],
        "Europe/Berlin",
        templates=["evening-one-thing"],
        idempotency_key="start",
    )
    assert [c.id for c in engine.couples()] == [couple.id]
    assert [r.title for r in engine.rituals(couple)] == ["Evening one-thing"]


def test_the_command_lines_own_retry_of_a_dropped_connection_stores_exactly_one(
    store: SqlEventStore,
) -> None:
    lossy = LostReply(store)
    engine = Engine(lossy, cli_clock(), keys=InvocationKeys("one-run", pause=0))  # type: ignore[arg-type]
    couple = engine.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    engine.add_ritual(couple, "Evening walk", cron="0 20 * * *")

    lossy.losses = 2  # two replies in a row lost: within the two retries it makes
    done = engine.check_in(couple, "Evening walk", by="sam")
    lossy.losses = 1
    aid = engine.appreciate(couple, by="sam", to="alex", text="Thanks.")

    assert stored(lossy.inner, "ritual.checked_in") == 1
    assert done.streak == 1
    assert [r.event.appreciation_id for r in lossy.inner.read_types(("appreciation.given",))] == [  # type: ignore[attr-defined]
        aid
    ]
    lossy.losses = 3  # more than it retries: the caller hears of it
    with pytest.raises(ConnectionLost):
        engine.repair(couple, by="alex", kind="apology")
