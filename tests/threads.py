"""Running one piece of work in several threads released at the same moment."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def at_once(
    work: Callable[[int], T], count: int = 8, *, timeout: float = 120
) -> list[T | Exception]:
    """What ``work(n)`` returned, or the exception it raised, in each of ``count`` threads
    (``n`` from 0) that all start it together, in the threads' order. Every thread must
    end within ``timeout`` seconds."""
    start = threading.Barrier(count)
    results: list[T | Exception | None] = [None] * count

    def run(n: int) -> None:
        start.wait(timeout=timeout)
        try:
            results[n] = work(n)
        except Exception as exc:  # handed to the test, which says what it expected
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"
    return results  # type: ignore[return-value]  # every slot is filled once all have ended
