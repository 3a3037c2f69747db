"""The read side: pure folds over the event log and the runner that keeps them caught up;
imports the calendar, domain, catalog, events and views, never the services or SQL.

- ``projection``: what a read model is (keys, evolve, dump, load) and the batch fold;
- ``marks``: the ``ritual_marks`` model, what was logged against each occurrence;
- ``logged_weeks``: the ``logged_weeks`` model, what partners logged, filed by week;
- ``streaks`` and ``strength``: the figures derived from the marks at query time
  (``streak_tally``, ``streak_slots`` and ``spans`` hold its pieces);
- ``runner``: catching up from a checkpoint, in one transaction per batch;
- ``practice``, ``insights``, ``drift``: today and the heatmap, weekly insights, drift
  (``drift_facts`` holds what it counts, worked out per week);
- ``memory`` (and ``engine.sql.read_models``): where read models live.
"""

from typing import Any

from engine.projections.logged_weeks import LOGGED_WEEKS
from engine.projections.marks import MARKS, Mark
from engine.projections.projection import Projection, fold_batch
from engine.projections.runner import Checkpoint, ProjectionRunner, ReadModels

PROJECTIONS: tuple[Projection[Any], ...] = (MARKS, LOGGED_WEEKS)
"""Every read model the engine keeps."""

__all__ = [
    "LOGGED_WEEKS",
    "MARKS",
    "PROJECTIONS",
    "Checkpoint",
    "Mark",
    "Projection",
    "ProjectionRunner",
    "ReadModels",
    "fold_batch",
]
