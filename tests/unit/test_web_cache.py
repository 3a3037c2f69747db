"""The feed server's memory: how often it reads the log, and what it keeps per position."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.web.cache import LogWatch, PositionedCache

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class CountingEngine:
    """Just what LogWatch asks of an Engine, counting the reads."""

    def __init__(self) -> None:
        self.position = 5
        self.reads = 0
        self.subscribers: list[Callable[[Any], None]] = []

    def log_position(self) -> int:
        self.reads += 1
        return self.position

    def subscribe(self, subscriber: Callable[[Any], None]) -> Callable[[], None]:
        self.subscribers.append(subscriber)
        return lambda: None

    def commit_here(self) -> None:
        self.position += 1
        for subscriber in self.subscribers:
            subscriber([])


def watch(engine: CountingEngine, seconds: float = 1) -> LogWatch:
    return LogWatch(engine, timedelta(seconds=seconds))  # type: ignore[arg-type]


def test_one_reading_serves_the_requests_of_the_next_second() -> None:
    eng = CountingEngine()
    log = watch(eng)
    assert [log.position(NOW + timedelta(milliseconds=ms)) for ms in (0, 300, 999)] == [5, 5, 5]
    assert eng.reads == 1
    eng.position = 6  # another process appended
    assert log.position(NOW + timedelta(seconds=1)) == 6
    assert eng.reads == 2


def test_a_commit_through_the_same_engine_is_seen_at_once() -> None:
    eng = CountingEngine()
    log = watch(eng)
    log.position(NOW)
    eng.commit_here()
    assert log.position(NOW) == 6


def test_a_zero_window_reads_every_time_and_a_clock_going_back_reads_again() -> None:
    eng = CountingEngine()
    strict = watch(eng, seconds=0)
    strict.position(NOW)
    strict.position(NOW)
    assert eng.reads == 2
    log = watch(eng)
    log.position(NOW)
    log.position(NOW - timedelta(seconds=5))
    assert eng.reads == 4


def test_a_positioned_cache_forgets_everything_when_the_log_moves() -> None:
    cache: PositionedCache[str, int | None] = PositionedCache(size=2)
    assert cache.get(1, "a") == (False, None)
    cache.put(1, "a", None)
    assert cache.get(1, "a") == (True, None)
    assert cache.get(2, "a") == (False, None)
    cache.put(1, "a", 1)  # computed at a position already left behind: not kept
    assert cache.get(2, "a") == (False, None)
    assert cache.get(1, "a") == (False, None)  # an older position never wipes a newer one
    cache.put(2, "a", 1)
    assert cache.get(2, "a") == (True, 1)


def test_a_full_positioned_cache_lets_the_oldest_entry_go() -> None:
    cache: PositionedCache[str, int] = PositionedCache(size=2)
    cache.get(1, "a")
    for key, value in (("a", 1), ("b", 2), ("c", 3)):
        cache.put(1, key, value)
    assert [cache.get(1, k) for k in "abc"] == [(False, None), (True, 2), (True, 3)]
