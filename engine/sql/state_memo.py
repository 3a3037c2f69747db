"""Read-model states already loaded, found again by the text they are stored as.

A status reads a dozen ``logged_weeks`` rows, and every week but the current one reads
the same as last time. Turning a week's JSON into its entries costs about a microsecond
an entry, so a busy couple's twelve weeks cost more than everything else the status
does. This memo keeps what each stored text loaded into, keyed by the projection, its
version, the couple and the text itself: an unchanged row is found again whoever wrote
it (this process or another), and a changed row is simply another text, so nothing is
ever stale and nothing needs telling when a row changes.

States are immutable values (every projection's are: named tuples and frozen classes),
so one loaded state can be handed to every reader. The memo keeps the most recently used
states up to a budget of stored characters; what it holds is what the read models hold
(ids and times, never a note). A couple erased through this process leaves it with its
rows; one erased by another process leaves entries that are never read again and age out.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from engine.projections.projection import Projection

S = TypeVar("S")

BUDGET = 4_000_000
"""Stored characters the memo keeps the states of: about four thousand busy weeks, some
tens of megabytes once loaded."""

_Key = tuple[str, int, str, str]  # projection, version, couple id, stored text


class StateMemo:
    """Loaded states by (projection, version, couple, stored text), least recently used
    first out. Safe to share between threads."""

    def __init__(self, budget: int = BUDGET) -> None:
        self._budget = budget
        self._states: OrderedDict[_Key, Any] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def load(self, projection: Projection[S], couple_id: str, text: str) -> S:
        """The state ``text`` holds, loaded once for as long as it is in use."""
        key = (projection.name, projection.version, couple_id, text)
        with self._lock:
            state = self._states.get(key, _MISSING)
            if state is not _MISSING:
                self._states.move_to_end(key)
                return state  # type: ignore[no-any-return]
        state = projection.load(json.loads(text))
        if len(text) > self._budget:
            return state
        with self._lock:
            if key not in self._states:
                self._size += len(text)
            self._states[key] = state
            while self._size > self._budget:
                old, _ = self._states.popitem(last=False)
                self._size -= len(old[3])
        return state

    def forget(self, name: str, couple_id: str | None = None) -> None:
        """Let go of one projection's states: one couple's, or every couple's."""
        with self._lock:
            for key in [k for k in self._states if k[0] == name and couple_id in (None, k[2])]:
                del self._states[key]
                self._size -= len(key[3])

    def __len__(self) -> int:
        return len(self._states)


_MISSING = object()
