"""Events of a plan's stream (``plan-<id>``): a finite programme of weeks.

None of these carry intimate text: templates, task keys, dates and ritual ids only.
The rituals a week introduces are ordinary ``ritual.added`` events in their own
streams; ``PlanWeekStarted.rituals`` lists their ids so the plan knows its own.
"""

from __future__ import annotations

from datetime import date, datetime

from engine.events.base import Event, event_type
from engine.frozen import frozen


@event_type("plan.started")
@frozen(kw_only=True)
class PlanStarted(Event):
    """A couple began a plan from a template; week 1 begins on ``starts_on`` (a local date)."""

    plan_id: str
    template: str
    starts_on: date
    at: datetime


@event_type("plan.week_started")
@frozen(kw_only=True)
class PlanWeekStarted(Event):
    """A plan week began on ``on`` and added the rituals listed (by id)."""

    plan_id: str
    week: int
    on: date
    rituals: tuple[str, ...]
    at: datetime


@event_type("plan.task_done")
@frozen(kw_only=True)
class PlanTaskDone(Event):
    """A task of a week that has begun was done, by one partner or (``by`` None) together."""

    plan_id: str
    task: str
    by: str | None
    at: datetime


@event_type("plan.week_extended")
@frozen(kw_only=True)
class PlanWeekExtended(Event):
    """The week that was current got another seven days."""

    plan_id: str
    week: int
    at: datetime


@event_type("plan.paused")
@frozen(kw_only=True)
class PlanPaused(Event):
    """The plan's clock stopped; no new week begins until it resumes."""

    plan_id: str
    at: datetime


@event_type("plan.resumed")
@frozen(kw_only=True)
class PlanResumed(Event):
    """The plan's clock runs again."""

    plan_id: str
    at: datetime


@event_type("plan.finished")
@frozen(kw_only=True)
class PlanFinished(Event):
    """The couple ended the plan, choosing which of its rituals continue."""

    plan_id: str
    kept: tuple[str, ...]
    let_go: tuple[str, ...]
    at: datetime
