"""What a read model is: a pure fold per key, and how its states become JSON.

A projection says which keys an event touches, how one key's state evolves with one
event, and how a state is written down and read back. It knows nothing of where the
states are kept: the runner (``engine.projections.runner``) loads only the keys a batch
of new events touches, folds the batch with :func:`fold_batch`, and stores the result
with the checkpoint in one transaction. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.events import RecordedEvent

S = TypeVar("S")

Json = dict[str, Any]


@frozen
class Projection(Generic[S]):
    """A keyed read model. Change ``version`` whenever ``evolve`` or the stored shape
    changes: the runner then rebuilds the model from the whole log by itself. States are
    immutable values (``evolve`` returns a new one), so a loaded state may be handed to
    every reader that reads its row unchanged."""

    name: str
    version: int
    keys: Callable[[RecordedEvent], tuple[str, ...]]  # the keys an event touches (often none)
    evolve: Callable[[S | None, RecordedEvent], S]  # None: the key has no state yet
    dump: Callable[[S], Json]
    load: Callable[[Json], S]


StateKey = tuple[str, str]
"""Where a state lives: (couple id, key). Keys are a projection's own names, and two
couples may well produce the same one (an imported log can reuse any id), so a state
always belongs to exactly one couple and no event of one couple can reach another's."""


@frozen
class Folded(Generic[S]):
    """The states a batch changed, by (couple id, key)."""

    states: dict[StateKey, S]


def fold_batch(
    projection: Projection[S], known: Mapping[StateKey, S], events: Iterable[RecordedEvent]
) -> Folded[S]:
    """Apply ``events`` in log order to the ``known`` states of the keys they touch."""
    states: dict[StateKey, S] = {}
    for recorded in events:
        for key in projection.keys(recorded):
            where = (recorded.couple_id, key)
            current = states[where] if where in states else known.get(where)
            states[where] = projection.evolve(current, recorded)
    return Folded(states)


def touched_keys(projection: Projection[S], events: Iterable[RecordedEvent]) -> set[StateKey]:
    """Every (couple id, key) some event of ``events`` touches."""
    return {(recorded.couple_id, key) for recorded in events for key in projection.keys(recorded)}
