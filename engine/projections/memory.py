"""Read models in memory, for ``MemoryEventStore`` and tests (implements ``ReadModels``).

States are kept as the same JSON the SQL backing stores, so both run the very same
fold, dump and load code. A transaction stages its writes and applies them on success.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from engine.projections.projection import Json, StateKey

if TYPE_CHECKING:
    from engine.projections.projection import Projection
    from engine.projections.runner import Checkpoint

S = TypeVar("S")

Rows = dict[StateKey, Json]  # (couple id, key) -> state


class MemoryReadModels:
    """Every read model in dictionaries, guarded by one lock."""

    def __init__(self) -> None:
        self._rows: dict[str, Rows] = {}
        self._checkpoints: dict[str, Checkpoint] = {}
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[_MemoryWriter]:
        with self._lock:
            writer = _MemoryWriter(self._rows, self._checkpoints)
            yield writer
            writer.commit()

    def checkpoint(self, name: str) -> Checkpoint | None:
        return self._checkpoints.get(name)

    def states(
        self, name: str, couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, Json]:
        with self._lock:
            rows = self._rows.get(name, {})
            return {
                key: state
                for (couple, key), state in rows.items()
                if couple == couple_id and key.startswith(prefix) and key >= start
            }

    def loaded(
        self, projection: Projection[S], couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, S]:
        stored = self.states(projection.name, couple_id, prefix, start)
        return {key: projection.load(data) for key, data in stored.items()}


class _MemoryWriter:
    def __init__(self, rows: dict[str, Rows], checkpoints: dict[str, Checkpoint]) -> None:
        self._rows = rows
        self._checkpoints = checkpoints
        self._dropped: set[str] = set()
        self._forgotten: set[tuple[str, str]] = set()
        self._staged: dict[str, Rows] = {}
        self._staged_checkpoints: dict[str, Checkpoint] = {}

    def checkpoint(self, name: str) -> Checkpoint | None:
        return self._staged_checkpoints.get(name, self._checkpoints.get(name))

    def load(self, name: str, keys: Collection[StateKey]) -> dict[StateKey, Json]:
        rows = {} if name in self._dropped else self._rows.get(name, {})
        staged = self._staged.get(name, {})
        found = {key: rows[key] for key in keys if key in rows}
        return found | {key: staged[key] for key in keys if key in staged}

    def save(
        self, name: str, rows: Mapping[StateKey, Json], existing: Collection[StateKey]
    ) -> None:
        self._staged.setdefault(name, {}).update(rows)

    def set_checkpoint(self, name: str, checkpoint: Checkpoint) -> None:
        self._staged_checkpoints[name] = checkpoint

    def forget(self, name: str, couple_id: str) -> None:
        self._forgotten.add((name, couple_id))
        staged = self._staged.get(name, {})
        for key in [k for k in staged if k[0] == couple_id]:
            del staged[key]

    def drop(self, name: str) -> None:
        self._dropped.add(name)
        self._staged.pop(name, None)

    def commit(self) -> None:
        for name in self._dropped:
            self._rows.pop(name, None)
        for name, couple_id in self._forgotten:
            rows = self._rows.get(name, {})
            for key in [k for k in rows if k[0] == couple_id]:
                del rows[key]
        for name, rows in self._staged.items():
            self._rows.setdefault(name, {}).update(rows)
        self._checkpoints.update(self._staged_checkpoints)
