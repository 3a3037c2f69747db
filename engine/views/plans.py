"""A plan of weeks: where a couple is in it, and its milestones."""

from __future__ import annotations

from datetime import date

from engine.frozen import frozen


@frozen
class PlanTaskView:
    """One task of a plan week, and who marked it done (None: together, or not yet)."""

    key: str
    text: str
    week: int
    done: bool
    by: str | None  # the partner's handle; None when done together or not yet done


@frozen
class PlanWeekView:
    """One week of a plan: its theme, first day, tasks done and extensions."""

    number: int
    theme: str
    starts_on: date | None  # None: not known yet (the plan is paused or finished)
    tasks_done: int
    tasks_total: int
    extensions: int


@frozen
class PlanRitualView:
    """A ritual a plan week added; the couple may have edited, paused or retired it."""

    id: str
    title: str
    week: int
    status: str  # active, paused, retired


@frozen
class PlanView:
    """Where a couple is in a plan: described, never judged."""

    id: str
    template: str
    title: str
    starts_on: date
    week: int  # the current week; 0 before week 1 begins
    weeks_total: int
    theme: str | None
    week_starts_on: date | None
    week_ends_on: date | None  # the last day of the current week
    days_left: int | None  # days in the current week after today; None when paused
    over: bool  # every week has run its course (time to choose what continues)
    tasks: tuple[PlanTaskView, ...]  # the current week's
    earlier_open: tuple[PlanTaskView, ...]  # tasks of finished weeks not marked done yet
    tasks_done: int
    tasks_total: int
    percent: int
    pace: str  # on_pace, behind, paused, finished
    weeks: tuple[PlanWeekView, ...]
    paused_since: date | None
    finished_on: date | None
    rituals: tuple[PlanRitualView, ...] = ()
    rituals_added: tuple[str, ...] = ()  # titles of rituals added while answering
    rituals_reused: tuple[tuple[str, str], ...] = ()  # (the couple's title, the plan's title)


@frozen
class PlanMilestone:
    """An all-day calendar entry for a plan week; the title holds no private text."""

    day: date
    week: int
    title: str
