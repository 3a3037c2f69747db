"""The status screen: today, the heatmap, and the whole screen."""

from __future__ import annotations

from dataclasses import field
from datetime import date, datetime
from typing import TYPE_CHECKING

from engine.frozen import frozen
from engine.views.rituals import LOCAL_TIME

if TYPE_CHECKING:
    from engine.views.insights import DriftSignal
    from engine.views.plans import PlanView
    from engine.views.streaks import StreakView, WeekProgress


@frozen
class TodayItem:
    """One of today's rituals: an occurrence, or a quota ritual's week so far."""

    ritual_id: str
    title: str
    at: datetime | None  # the occurrence's UTC instant; None for a quota ritual (any time)
    local: datetime | None = field(metadata=LOCAL_TIME)  # the same instant in the couple's zone
    status: str  # done, skipped or pending; a quota ritual is done once its week's count is met
    by: tuple[str, ...]  # handles of who checked in (for a quota ritual: anyone this week)
    participants: tuple[str, ...]  # handles
    this_week: WeekProgress | None = None  # a quota ritual's week
    partner: str | None = None  # whose occurrence, for a ritual kept at each one's local time
    # (handle, local time) of each participant, when their local times differ
    times: tuple[tuple[str, datetime], ...] = field(default=(), metadata=LOCAL_TIME)


@frozen
class HeatmapView:
    """Recent practice, one cell per local day: the share done, from 0 to 1."""

    start: date  # the Monday of the first week
    weeks: tuple[tuple[float | None, ...], ...]  # oldest first, Monday to Sunday; None:
    # a day still to come, or before the couple began


@frozen
class StatusView:
    """One screen: today, the streaks, the plan, recent weeks and anything worth a look."""

    as_of: datetime  # the moment it describes
    day: date  # the couple's local day then
    today: tuple[TodayItem, ...]  # occurrences soonest first, then quota rituals
    streaks: tuple[StreakView, ...]  # active rituals that keep a streak
    plan: PlanView | None  # running, or finished within the last week
    heatmap: HeatmapView
    suggestions: tuple[DriftSignal, ...]

    @property
    def empty(self) -> bool:
        """Nothing to show yet: no rituals today, no streaks, no plan, no recent practice."""
        practised = any(cell for week in self.heatmap.weeks for cell in week)
        return not (self.today or self.streaks or self.plan or practised)
