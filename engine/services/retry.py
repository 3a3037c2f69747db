"""How a command tries again when another writer got in first: jittered exponential backoff,
bounded both in attempts and in time."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from engine.errors import ConcurrencyError, InvalidInput
from engine.frozen import frozen

T = TypeVar("T")


@frozen
class RetryPolicy:
    """When a command's expected version was taken by another writer, re-read, re-decide and
    append again: at most ``attempts`` times in all, never past ``deadline`` seconds, sleeping
    a random time up to ``base * 2**n`` (capped at ``cap``) seconds between attempts so that
    racing writers spread out instead of colliding again."""

    attempts: int = 100
    base: float = 0.002
    cap: float = 0.2
    deadline: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise InvalidInput("a retry policy makes at least one attempt")
        if min(self.base, self.cap, self.deadline) < 0:
            raise InvalidInput("retry delays and the deadline are never negative")

    def delay(self, failures: int, rng: Callable[[float, float], float] = random.uniform) -> float:
        """The pause before the next attempt after ``failures`` failed ones (full jitter)."""
        return rng(0.0, min(self.cap, self.base * 2 ** min(failures, 30)))

    def run(
        self,
        attempt: Callable[[], T],
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> T:
        """Run ``attempt`` until it does not raise ConcurrencyError, within the bounds; the
        last ConcurrencyError is raised when the bounds are reached."""
        give_up_at = monotonic() + self.deadline
        for failures in range(self.attempts - 1):
            try:
                return attempt()
            except ConcurrencyError:
                pause = self.delay(failures + 1)
                if monotonic() + pause >= give_up_at:
                    break
                sleep(pause)
        return attempt()
