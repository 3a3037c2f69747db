"""Running one piece of work in several threads released at the same moment."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def at_once(work: Callable[[], T], count: int = 8) -> list[T]:
    """What ``work`` returned in each of ``count`` threads that all start it together."""
    start = threading.Barrier(count)
    seen: list[T] = []

    def run() -> None:
        start.wait()
        seen.append(work())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen
