"""Plan progress, derived from a plan's state and ``now``. Pure: no I/O, no clock.

Weeks advance with time. Week 1 begins on the plan's start date and every week lasts
seven days, plus seven more for each time it was extended. Days while the plan is
paused do not count: a pause from Thursday to the following Tuesday moves every later
week five days on. A paused (or finished) plan begins no new weeks, so those weeks have
no known date until it resumes. Everything is in whole local days of the couple's zone.

Pace says where the couple is, never how fast they should be:

- ``finished``: the couple finished the plan;
- ``paused``: the plan's clock is stopped;
- ``behind``: a task of a week that has ended is still open (it can still be marked
  done, and ``ritual plan extend`` gives the current week more room);
- ``on_pace``: otherwise; the current week's own tasks never make a plan behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.frozen import frozen
from engine.views.plans import PlanMilestone, PlanTaskView, PlanView, PlanWeekView

if TYPE_CHECKING:
    from engine.catalog.plans import PlanTemplate
    from engine.domain.plan import PlanState

_Stop = tuple[date, date | None]  # a stretch of local days that do not count; None: open


@frozen
class PlanCalendar:
    """When each week of a plan begins, as far as it is known on ``today``."""

    today: date
    starts: tuple[date | None, ...]  # starts[k - 1]: week k's first day; starts[-1]: day after
    week: int  # the current week; 0 before week 1 begins
    over: bool  # the last week has ended

    def start_of(self, week: int) -> date | None:
        return self.starts[week - 1]

    def known_starts(self) -> dict[int, date]:
        """Week number -> first day, for the weeks whose first day is known."""
        return {n: d for n, d in enumerate(self.starts[:-1], start=1) if d is not None}


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def plan_calendar(
    state: PlanState, template: PlanTemplate, zone: ZoneInfo, now: datetime
) -> PlanCalendar:
    """The plan's weeks on the calendar, seen from ``now``."""
    today = local_day(now, zone)
    stops: list[_Stop] = [
        (local_day(p.since, zone), local_day(p.until, zone) if p.until else None)
        for p in state.pauses
    ]
    if state.finished is not None:
        stops.append((local_day(state.finished.at, zone), None))
    starts: list[date | None] = []
    offset = 0
    for week in template.weeks:
        starts.append(_calendar_day(state.starts_on, offset, stops))
        offset += 7 * (1 + state.extensions.count(week.number))
    starts.append(_calendar_day(state.starts_on, offset, stops))
    begun = [n for n, d in enumerate(starts[:-1], start=1) if d is not None and d <= today]
    current = max([*begun, *state.weeks_started], default=0)
    end = starts[-1]
    return PlanCalendar(today, tuple(starts), current, end is not None and end <= today)


def _calendar_day(first: date, offset: int, stops: list[_Stop]) -> date | None:
    """The day on which ``offset`` counted days have passed since ``first``."""
    day = first + timedelta(days=offset)
    for since, until in stops:
        if since < day:
            if until is None:
                return None
            day += until - since
    return day


def plan_progress(
    state: PlanState,
    template: PlanTemplate,
    zone: ZoneInfo,
    now: datetime,
    handles: Mapping[str, str],
) -> PlanView:
    """The plan as the couple sees it now (without its rituals: the facade adds those)."""
    cal = plan_calendar(state, template, zone, now)
    tasks = [
        PlanTaskView(
            key=task.key,
            text=task.text,
            week=week.number,
            done=task.key in state.done,
            by=handles.get(state.done.get(task.key) or ""),
        )
        for week in template.weeks
        for task in week.tasks
    ]
    ended = {w.number for w in template.weeks if w.number < cal.week or cal.over}
    earlier_open = tuple(t for t in tasks if t.week in ended and not t.done)
    done = sum(t.done for t in tasks)
    current = template.weeks[cal.week - 1] if cal.week else None
    next_start = cal.starts[cal.week] if cal.week else None
    paused = state.paused
    return PlanView(
        id=state.plan_id,
        template=template.key,
        title=template.title,
        starts_on=state.starts_on,
        week=cal.week,
        weeks_total=len(template.weeks),
        theme=current.theme if current else None,
        week_starts_on=cal.start_of(cal.week) if cal.week else None,
        week_ends_on=next_start - timedelta(days=1) if next_start else None,
        days_left=max((next_start - cal.today).days - 1, 0)
        if next_start and not cal.over
        else None,
        over=cal.over,
        tasks=tuple(t for t in tasks if t.week == cal.week),
        earlier_open=earlier_open,
        tasks_done=done,
        tasks_total=len(tasks),
        percent=(200 * done + len(tasks)) // (2 * len(tasks)) if tasks else 0,
        pace=_pace(state, earlier_open),
        weeks=tuple(
            PlanWeekView(
                number=w.number,
                theme=w.theme,
                starts_on=cal.start_of(w.number),
                tasks_done=sum(t.key in state.done for t in w.tasks),
                tasks_total=len(w.tasks),
                extensions=state.extensions.count(w.number),
            )
            for w in template.weeks
        ),
        paused_since=local_day(paused.since, zone) if paused else None,
        finished_on=local_day(state.finished.at, zone) if state.finished else None,
    )


def _pace(state: PlanState, earlier_open: tuple[PlanTaskView, ...]) -> str:
    if state.finished is not None:
        return "finished"
    if state.paused is not None:
        return "paused"
    return "behind" if earlier_open else "on_pace"


def plan_milestones(
    state: PlanState, template: PlanTemplate, zone: ZoneInfo, now: datetime
) -> list[PlanMilestone]:
    """One all-day entry per week whose first day is known: past, current and upcoming."""
    cal = plan_calendar(state, template, zone, now)
    return [
        PlanMilestone(day, n, f"{template.title}: week {n} begins: {template.weeks[n - 1].theme}")
        for n, day in cal.known_starts().items()
    ]
