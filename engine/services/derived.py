"""Values worked out from loaded read-model states, kept while the same state comes back.

The read models hand out one loaded object for a row that reads the same as before
(``engine.sql.state_memo``), so what a reader derives from a week of entries, say the
facts the drift signals count, can be kept beside that object and found again by it:
a status then works out only the weeks that changed. Objects are told apart by
identity (each one kept is held, so no other object can take its place), never by
hashing hundreds of entries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")

KEPT = 4096
"""States whose derived values are kept; past it, the oldest half is let go."""


class Derived(Generic[S, T]):
    """``work(state)``, once per state object while it is among the last :data:`KEPT`."""

    def __init__(self, work: Callable[[S], T], kept: int = KEPT) -> None:
        self._work = work
        self._kept = kept
        self._found: dict[int, tuple[S, T]] = {}
        self._lock = threading.Lock()

    def __call__(self, state: S) -> T:
        found = self._found.get(id(state))
        if found is not None and found[0] is state:
            return found[1]
        value = self._work(state)
        with self._lock:
            if len(self._found) >= self._kept:
                for key in list(self._found)[: self._kept // 2]:
                    del self._found[key]
            self._found[id(state)] = (state, value)
        return value
