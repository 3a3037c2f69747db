"""The runner: catches each projection up from its checkpoint.

For every batch of new events it loads the states of the keys the batch touches, folds
the batch, and writes those states and the new checkpoint in ONE transaction of the
read-model storage, so a crash leaves the model and its checkpoint in step. Events are
read outside that transaction; inside it the checkpoint is read again, and if someone
else moved it meanwhile the batch is dropped and read afresh. When a projection's
``version`` differs from the one its model was built with, the model is dropped and
rebuilt from the whole log.

Storage is anything with the :class:`ReadModels` contract: ``MemoryReadModels`` and
``SqlReadModels`` (``engine.sql.read_models``) are the two backings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

from engine.errors import NotFound
from engine.events import CoupleErased, EventStore, RecordedEvent
from engine.frozen import frozen
from engine.projections.projection import (
    Json,
    Projection,
    StateKey,
    fold_batch,
    touched_keys,
)

S = TypeVar("S")

BATCH = 5000
"""Events folded per transaction."""

Progress = Callable[[int], None]
"""Told how many log positions each committed batch moved past."""


@frozen
class Checkpoint:
    """How far a read model has folded the log, and with which projection version."""

    position: int  # the last event folded in (0: none yet)
    version: int  # the projection version the model was built with


class ReadModelWriter(Protocol):
    """One open transaction of a read-model storage."""

    def checkpoint(self, name: str) -> Checkpoint | None: ...

    def load(self, name: str, keys: Collection[StateKey]) -> dict[StateKey, Json]:
        """The stored states of those (couple id, key) pairs that have one."""
        ...

    def save(
        self, name: str, rows: Mapping[StateKey, Json], existing: Collection[StateKey]
    ) -> None:
        """Write ``{(couple id, key): state}``; ``existing`` pairs already have a row."""
        ...

    def set_checkpoint(self, name: str, checkpoint: Checkpoint) -> None: ...

    def forget(self, name: str, couple_id: str) -> None:
        """Delete every state of ``couple_id`` in this read model."""
        ...

    def drop(self, name: str) -> None:
        """Delete every state of the model."""
        ...


class ReadModels(Protocol):
    """Where read models and their checkpoints live."""

    def transaction(self) -> AbstractContextManager[ReadModelWriter]:
        """A write transaction: everything in it commits together, or nothing does."""
        ...

    def checkpoint(self, name: str) -> Checkpoint | None: ...

    def states(
        self, name: str, couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, Json]:
        """The stored states of one couple, optionally only keys starting with ``prefix``
        and only keys from ``start`` on (in the keys' string order)."""
        ...

    def loaded(
        self, projection: Projection[S], couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, S]:
        """The same states through ``projection.load``; a backing may hand out again what
        it loaded for a row that reads the same (states are immutable values)."""
        ...


class ProjectionRunner:
    """Keeps read models caught up with an event store."""

    def __init__(
        self,
        store: EventStore,
        models: ReadModels,
        projections: Sequence[Projection[Any]],
        *,
        batch: int = BATCH,
        derived: Sequence[str] = (),
    ) -> None:
        self.store = store
        self.models = models
        self.projections = {p.name: p for p in projections}
        self.batch = batch
        self.derived = tuple(derived)
        """Stored data derived from the read models (for example settled streak tallies):
        dropped with any rebuild, and an erased couple's taken out with theirs."""

    def projection(self, name: str) -> Projection[Any]:
        try:
            return self.projections[name]
        except KeyError:
            known = ", ".join(sorted(self.projections))
            raise NotFound(f"there is no read model called '{name[:40]}'; try {known}") from None

    def catch_up(self, progress: Progress | None = None) -> int:
        """Fold every new event into every projection; returns how many were folded."""
        return sum(self._catch_up(p, progress) for p in self.projections.values())

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Drop one read model and fold the whole log into it again."""
        projection = self.projection(name)
        with self.models.transaction() as tx:
            tx.drop(name)
            for derived in self.derived:
                tx.drop(derived)
            tx.set_checkpoint(name, Checkpoint(0, projection.version))
        return self._catch_up(projection, progress)

    def states(
        self, name: str, couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, Any]:
        """One couple's states of a caught-up model (catch up first)."""
        return self.models.loaded(self.projection(name), couple_id, prefix, start)

    def states_now(
        self, name: str, couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, Any]:
        """One couple's states with the events the model has not folded yet folded in
        memory: current even where the read models cannot be written (a read-only database
        user), and writing nothing. ``start`` keeps only the keys from it on."""
        projection = self.projection(name)
        checkpoint = self.models.checkpoint(name)
        if checkpoint is None or checkpoint.version != projection.version:
            known: dict[str, Any] = {}
            after = 0
        else:
            known = self.states(name, couple_id, prefix, start)
            after = checkpoint.position
        events = self.store.read_couple(couple_id, after=after, decrypt=False)
        if any(isinstance(r.event, CoupleErased) for r in events):
            return {}
        folded = fold_batch(projection, {(couple_id, k): v for k, v in known.items()}, events)
        mine = {key: state for (cid, key), state in folded.states.items() if cid == couple_id}
        merged = {**known, **mine}
        return {
            key: state for key, state in merged.items() if key.startswith(prefix) and key >= start
        }

    def _current(self, projection: Projection[Any]) -> Checkpoint:
        """The model's checkpoint, after dropping a model built by another version."""
        checkpoint = self.models.checkpoint(projection.name)
        if checkpoint is not None and checkpoint.version == projection.version:
            return checkpoint
        with self.models.transaction() as tx:
            checkpoint = tx.checkpoint(projection.name)
            if checkpoint is None or checkpoint.version != projection.version:
                tx.drop(projection.name)
                for derived in self.derived:
                    tx.drop(derived)
                checkpoint = Checkpoint(0, projection.version)
                tx.set_checkpoint(projection.name, checkpoint)
        return checkpoint

    def _catch_up(self, projection: Projection[Any], progress: Progress | None) -> int:
        folded = 0
        checkpoint = self._current(projection)
        while events := self.store.read_all(checkpoint.position, self.batch, decrypt=False):
            with self.models.transaction() as tx:
                applied = tx.checkpoint(projection.name) == checkpoint
                if applied:
                    self._apply(tx, projection, events)
            if not applied:  # someone else caught up meanwhile: start from where they are
                checkpoint = self._current(projection)
                continue
            if progress is not None:
                progress(events[-1].position - checkpoint.position)
            folded += len(events)
            checkpoint = Checkpoint(events[-1].position, projection.version)
        return folded

    def _apply(
        self, tx: ReadModelWriter, projection: Projection[Any], events: Sequence[RecordedEvent]
    ) -> None:
        """Fold a batch into the touched states and move the checkpoint past it."""
        erased = {r.couple_id for r in events if isinstance(r.event, CoupleErased)}
        stored = tx.load(projection.name, touched_keys(projection, events))
        known = {key: projection.load(data) for key, data in stored.items()}
        batch = fold_batch(projection, known, events)
        rows = {
            where: projection.dump(state)
            for where, state in batch.states.items()
            if where[0] not in erased
        }
        tx.save(projection.name, rows, existing=stored.keys())
        for couple_id in erased:  # a tombstone: the couple leaves every read model
            tx.forget(projection.name, couple_id)
            for derived in self.derived:
                tx.forget(derived, couple_id)
        tx.set_checkpoint(projection.name, Checkpoint(events[-1].position, projection.version))
