"""What a read model is: a pure fold per key, and how its states become JSON.

A projection says which keys an event touches, how one key's state evolves with one
event, and how a state is written down and read back. It knows nothing of where the
states are kept: the runner (``engine.projections.runner``) loads only the keys a batch
of new events touches, folds the batch with :func:`fold_batch`, and stores the result
with the checkpoint in one transaction. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from engine.events import RecordedEvent

S = TypeVar("S")

Json = dict[str, Any]


@dataclass(frozen=True)
class Projection(Generic[S]):
    """A keyed read model. Change ``version`` whenever ``evolve`` or the stored shape
    changes: the runner then rebuilds the model from the whole log by itself."""

    name: str
    version: int
    keys: Callable[[RecordedEvent], tuple[str, ...]]  # the keys an event touches (often none)
    evolve: Callable[[S | None, RecordedEvent], S]  # None: the key has no state yet
    dump: Callable[[S], Json]
    load: Callable[[Json], S]


@dataclass(frozen=True)
class Folded(Generic[S]):
    """The states a batch changed, with the couple each key belongs to."""

    states: dict[str, S]
    couples: dict[str, str]


def fold_batch(
    projection: Projection[S], known: Mapping[str, S], events: Iterable[RecordedEvent]
) -> Folded[S]:
    """Apply ``events`` in log order to the ``known`` states of the keys they touch."""
    states: dict[str, S] = {}
    couples: dict[str, str] = {}
    for recorded in events:
        for key in projection.keys(recorded):
            current = states[key] if key in states else known.get(key)
            states[key] = projection.evolve(current, recorded)
            couples[key] = recorded.couple_id
    return Folded(states, couples)


def touched_keys(projection: Projection[S], events: Iterable[RecordedEvent]) -> set[str]:
    """Every key some event of ``events`` touches."""
    return {key for recorded in events for key in projection.keys(recorded)}
