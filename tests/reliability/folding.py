"""What the suite checks projection runners against.

``TALLY`` is a read model kept only by these tests: per couple, how many events were
folded, the position of the last one, and how many came at or before it (folded twice,
or out of order). It is committed with its checkpoint like any other read model, so a
runner that folded every event exactly once and in order ends with
``Tally(count=<events>, last=<last position>, backwards=0)``. ``from_scratch`` folds the
whole log into fresh in-memory read models, the figure an incremental state must equal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from engine.api import read_models_for
from engine.projections import PROJECTIONS, Projection, ProjectionRunner, ReadModels
from engine.projections.memory import MemoryReadModels

if TYPE_CHECKING:
    from engine.events import EventStore, RecordedEvent
    from engine.projections.projection import Json


@dataclass(frozen=True)
class Tally:
    count: int = 0  # events folded
    last: int = 0  # the position of the last event folded
    backwards: int = 0  # events at or before ``last`` when they came: twice, or out of order


def _keys(recorded: RecordedEvent) -> tuple[str, ...]:
    return (f"tally-{recorded.couple_id}",)


def _evolve(tally: Tally | None, recorded: RecordedEvent) -> Tally:
    tally = tally or Tally()
    if recorded.position > tally.last:
        return Tally(tally.count + 1, recorded.position, tally.backwards)
    return Tally(tally.count + 1, tally.last, tally.backwards + 1)


def _dump(tally: Tally) -> Json:
    return asdict(tally)


def _load(data: Json) -> Tally:
    return Tally(**data)


TALLY: Projection[Tally] = Projection("reliability_tally", 1, _keys, _evolve, _dump, _load)
CHECKED: tuple[Projection[Any], ...] = (*PROJECTIONS, TALLY)
"""The engine's read models and the tally: what every runner in the suite keeps."""

States = dict[str, dict[str, Any]]


def runner_for(
    store: EventStore, models: ReadModels | None = None, batch: int = 50
) -> ProjectionRunner:
    """A runner of ``CHECKED`` over ``models`` (default: the store's own read models)."""
    chosen = read_models_for(store) if models is None else models
    return ProjectionRunner(store, chosen, CHECKED, batch=batch)


def states(runner: ProjectionRunner, couple_id: str) -> States:
    """Every checked read model's states of one couple, by model name."""
    return {p.name: runner.states(p.name, couple_id) for p in CHECKED}


def from_scratch(store: EventStore, couple_id: str) -> States:
    """The states of one couple after folding the whole log into fresh read models."""
    fresh = runner_for(store, MemoryReadModels(), batch=5000)
    fresh.catch_up()
    return states(fresh, couple_id)


def tally(runner: ProjectionRunner, couple_id: str) -> Tally:
    """The tally of one couple's events (empty when none was folded)."""
    found: Tally = runner.states(TALLY.name, couple_id).get(f"tally-{couple_id}", Tally())
    return found
