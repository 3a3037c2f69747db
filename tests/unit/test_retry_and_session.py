"""Retries back off with jitter within bounds, and the lazy store is built once however
many threads reach for it first."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from engine import ConcurrencyError, Engine, FixedClock, InvalidInput, MemoryEventStore, RetryPolicy
from tests.moments import cli_clock
from tests.threads import at_once

if TYPE_CHECKING:
    from engine.events import EventStore


class FakeTime:
    """A monotonic clock and a sleep that only move when told, for the retry loop."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def conflicting(times: int) -> Callable[[], str]:
    calls = {"n": 0}

    def attempt() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise ConcurrencyError("couple-x", calls["n"], calls["n"] + 1)
        return f"done after {calls['n']}"

    return attempt


def test_a_conflict_is_retried_after_jittered_pauses_that_grow_up_to_the_cap() -> None:
    fake = FakeTime()
    policy = RetryPolicy(attempts=10, base=0.01, cap=0.04, deadline=60)
    result = policy.run(conflicting(6), sleep=fake.sleep, monotonic=fake.monotonic)
    assert result == "done after 7"
    assert len(fake.slept) == 6
    bounds = [min(0.04, 0.01 * 2**n) for n in range(1, 7)]
    assert all(0 <= pause <= bound for pause, bound in zip(fake.slept, bounds, strict=True))


def test_retries_stop_after_the_last_attempt_and_raise_the_conflict() -> None:
    fake = FakeTime()
    policy = RetryPolicy(attempts=3, base=0.001, cap=0.001, deadline=60)
    with pytest.raises(ConcurrencyError):
        policy.run(conflicting(10), sleep=fake.sleep, monotonic=fake.monotonic)
    assert len(fake.slept) == 2


def test_retries_stop_at_the_deadline_whatever_attempts_are_left() -> None:
    fake = FakeTime()
    policy = RetryPolicy(attempts=1000, base=1.0, cap=1.0, deadline=5)
    with pytest.raises(ConcurrencyError):
        policy.run(conflicting(10_000), sleep=fake.sleep, monotonic=fake.monotonic)
    assert fake.now <= 5


def test_the_delay_is_drawn_between_zero_and_the_growing_bound() -> None:
    policy = RetryPolicy(base=0.5, cap=3.0)
    assert policy.delay(1, rng=lambda low, high: high) == 1.0
    assert policy.delay(2, rng=lambda low, high: high) == 2.0
    assert policy.delay(9, rng=lambda low, high: high) == 3.0
    assert policy.delay(9, rng=lambda low, high: low) == 0.0


def test_a_policy_that_could_never_run_is_refused() -> None:
    with pytest.raises(InvalidInput):
        RetryPolicy(attempts=0)
    with pytest.raises(InvalidInput):
        RetryPolicy(deadline=-1)


def test_an_engine_takes_its_retry_policy() -> None:
    clock = cli_clock()
    eng = Engine(MemoryEventStore(clock), clock, retry=RetryPolicy(attempts=2))
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    assert eng.appreciate(couple, by="sam", to="alex", text="thanks")


def test_eight_threads_racing_for_the_first_use_build_one_store() -> None:
    clock: FixedClock = cli_clock()
    built: list[EventStore] = []

    def factory() -> EventStore:
        time.sleep(0.05)  # a slow connect widens the window a lazy store without a lock has
        store = MemoryEventStore(clock)
        built.append(store)
        return store

    eng = Engine(factory, clock)
    seen = at_once(lambda _: eng.store)
    assert len(built) == 1
    assert len(seen) == 8 and all(s is built[0] for s in seen)


def test_constructing_and_closing_an_engine_never_builds_its_store() -> None:
    def factory() -> EventStore:
        raise AssertionError("the store was built")

    Engine(factory, cli_clock()).close()
