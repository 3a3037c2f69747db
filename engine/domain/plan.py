"""The plan aggregate: a couple's run through a plan template, folded from its stream,
and the pure deciders for its commands. No I/O, no clock: ``now`` and the current week
(see :mod:`engine.domain.plan_progress`) are passed in."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from engine.calendar.cron import validate_cron
from engine.catalog import rituals as catalog
from engine.domain.ritual import Pause
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.events import (
    Event,
    PlanFinished,
    PlanPaused,
    PlanResumed,
    PlanStarted,
    PlanTaskDone,
    PlanWeekExtended,
    PlanWeekStarted,
    RitualAdded,
)
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.catalog.plans import PlanTask, PlanTemplate, PlanWeek
    from engine.catalog.templates import Template

START_WINDOW = timedelta(weeks=8)
"""How far before or after today a plan may be started (``--on``)."""

_IDS = uuid.UUID("6f1c2f0e-5d53-4c39-9a43-3d1f3c0d2a11")


@frozen
class PlanState:
    """One plan as the deciders see it."""

    plan_id: str = ""
    template: str = ""
    starts_on: date = date.min
    weeks_started: dict[int, PlanWeekStarted] = field(default_factory=dict)
    done: dict[str, str | None] = field(default_factory=dict)  # task key -> partner id
    extensions: tuple[int, ...] = ()  # one week number per extension
    pauses: tuple[Pause, ...] = ()
    finished: PlanFinished | None = None
    version: int = 0

    @property
    def paused(self) -> Pause | None:
        last = self.pauses[-1] if self.pauses else None
        return last if last is not None and last.until is None else None

    @property
    def ritual_ids(self) -> tuple[str, ...]:
        """Every ritual the plan's weeks added, in week order."""
        return tuple(
            rid for w in sorted(self.weeks_started) for rid in self.weeks_started[w].rituals
        )


def evolve(state: PlanState, event: Event) -> PlanState:
    """Apply one plan-stream event."""
    state = replace(state, version=state.version + 1)
    match event:
        case PlanStarted():
            return replace(
                state, plan_id=event.plan_id, template=event.template, starts_on=event.starts_on
            )
        case PlanWeekStarted():
            return replace(state, weeks_started={**state.weeks_started, event.week: event})
        case PlanTaskDone():
            return replace(state, done={**state.done, event.task: event.by})
        case PlanWeekExtended():
            return replace(state, extensions=(*state.extensions, event.week))
        case PlanPaused():
            return replace(state, pauses=(*state.pauses, Pause(event.at, None)))
        case PlanResumed() if state.paused is not None:
            return replace(
                state, pauses=(*state.pauses[:-1], Pause(state.pauses[-1].since, event.at))
            )
        case PlanFinished():
            return replace(state, finished=event)
        case _:
            return state


def fold(events: list[Event]) -> PlanState:
    state = PlanState()
    for event in events:
        state = evolve(state, event)
    return state


def plan_id_for(couple_id: str, number: int) -> str:
    """The id of a couple's ``number``-th plan: two processes starting a plan at once
    pick the same stream, so the store's version check lets only one of them in."""
    return uuid.uuid5(_IDS, f"{couple_id}/plan/{number}").hex


def ritual_id_for(plan_id: str, template_key: str) -> str:
    """The id of the ritual a plan adds from a catalog template: the same on every retry."""
    return uuid.uuid5(_IDS, f"{plan_id}/{template_key}").hex


def find_task(template: PlanTemplate, ref: str) -> tuple[PlanWeek, PlanTask]:
    """A task by its key (any case); NotFound otherwise."""
    wanted = ref.strip().lower()
    for week in template.weeks:
        for task in week.tasks:
            if task.key == wanted:
                return week, task
    raise NotFound(f"this plan has no task '{ref.strip()[:40]}'; `ritual plan status` lists them")


# -- deciders ------------------------------------------------------------------------------


def require_running(state: PlanState | None) -> PlanState:
    """The plan a command acts on: started and not finished."""
    if state is None or state.finished is not None:
        raise NotAllowed("there is no plan running; begin one with `ritual plan start`")
    return state


def _require_unpaused(state: PlanState) -> None:
    if state.paused is not None:
        raise NotAllowed("the plan is paused; `ritual plan resume` when you are ready")


def _require_begun(state: PlanState, week: int) -> None:
    if week < 1:
        raise NotAllowed(f"the plan begins on {state.starts_on.isoformat()}; nothing to do yet")


def decide_start(
    latest: PlanState | None,
    template: PlanTemplate,
    plan_id: str,
    *,
    starts_on: date,
    today: date,
    now: datetime,
) -> PlanStarted:
    """Start ``template`` on ``starts_on``, unless a plan is already running."""
    if latest is not None and latest.finished is None:
        raise NotAllowed(
            "a plan is already running; finish it with `ritual plan finish` before starting another"
        )
    if abs(starts_on - today) > START_WINDOW:
        raise InvalidInput("a plan starts within eight weeks of today, before or after")
    return PlanStarted(plan_id=plan_id, template=template.key, starts_on=starts_on, at=now)


def decide_task_done(
    state: PlanState | None,
    template: PlanTemplate,
    task_ref: str,
    *,
    week: int,
    week_starts: dict[int, date],
    by: str | None,
    now: datetime,
) -> PlanTaskDone:
    """Mark a task of the current or an earlier week done; later weeks wait their turn."""
    plan = require_running(state)
    _require_unpaused(plan)
    task_week, task = find_task(template, task_ref)
    if task_week.number > week:
        begins = week_starts.get(task_week.number)
        when = f"on {begins.isoformat()}" if begins else "later"
        raise NotAllowed(
            f"'{task.key}' belongs to week {task_week.number}, which begins {when}; "
            "it will be waiting for you"
        )
    if task.key in plan.done:
        raise NotAllowed(f"'{task.key}' is already marked done")
    return PlanTaskDone(plan_id=plan.plan_id, task=task.key, by=by, at=now)


def decide_extend(state: PlanState | None, *, week: int, now: datetime) -> PlanWeekExtended:
    """Give the current week seven more days."""
    plan = require_running(state)
    _require_unpaused(plan)
    _require_begun(plan, week)
    return PlanWeekExtended(plan_id=plan.plan_id, week=week, at=now)


def decide_pause(state: PlanState | None, *, week: int, now: datetime) -> PlanPaused:
    """Stop the plan's clock."""
    plan = require_running(state)
    if plan.paused is not None:
        raise NotAllowed("the plan is already paused; `ritual plan resume` when you are ready")
    _require_begun(plan, week)
    return PlanPaused(plan_id=plan.plan_id, at=now)


def decide_resume(state: PlanState | None, *, now: datetime) -> PlanResumed:
    """Let the plan's clock run again."""
    plan = require_running(state)
    if plan.paused is None:
        raise NotAllowed("the plan is not paused")
    return PlanResumed(plan_id=plan.plan_id, at=now)


def decide_finish(
    state: PlanState | None,
    *,
    keep: Collection[str],
    active: Collection[str],
    now: datetime,
) -> PlanFinished:
    """End the plan: the plan's ``active`` rituals in ``keep`` continue, the rest are let go."""
    plan = require_running(state)
    ours = [rid for rid in plan.ritual_ids if rid in active]
    strangers = [rid for rid in keep if rid not in ours]
    if strangers:
        raise InvalidInput(
            "--keep names a ritual the plan did not add (or one already retired); "
            "`ritual plan status` lists the plan's rituals"
        )
    return PlanFinished(
        plan_id=plan.plan_id,
        kept=tuple(rid for rid in ours if rid in keep),
        let_go=tuple(rid for rid in ours if rid not in keep),
        at=now,
    )


def decide_week_starts(
    state: PlanState,
    template: PlanTemplate,
    *,
    week: int,
    week_starts: dict[int, date],
    kept_titles: Collection[str],
    kept_families: Collection[str],
    now: datetime,
) -> list[PlanWeekStarted]:
    """The weeks up to ``week`` that have begun but are not recorded yet, each listing the
    rituals it adds. A ritual the couple already keeps in purpose (same catalog template
    family, as ``kept_families`` lists them, or same title) is not added twice; a
    finished plan begins no weeks."""
    if state.finished is not None:
        return []
    return [
        PlanWeekStarted(
            plan_id=state.plan_id,
            week=plan_week.number,
            on=week_starts[plan_week.number],
            rituals=tuple(
                ritual_id_for(state.plan_id, key)
                for key in plan_week.introduces
                if catalog.template(key).kin not in kept_families
                and catalog.template(key).title.casefold() not in kept_titles
            ),
            at=now,
        )
        for plan_week in template.weeks[:week]
        if plan_week.number not in state.weeks_started
    ]


def missing_rituals(
    state: PlanState,
    template: PlanTemplate,
    *,
    existing: Collection[str],
    participants: tuple[str, ...],
    now: datetime,
) -> list[RitualAdded]:
    """The ``ritual.added`` events for rituals the started weeks list but no stream holds
    yet (normally those of weeks that just began; after a crash, any left behind)."""
    return [
        introduced_ritual(state.plan_id, catalog.template(key), participants, now)
        for week in template.weeks
        if week.number in state.weeks_started
        for key in week.introduces
        if (rid := ritual_id_for(state.plan_id, key)) in state.weeks_started[week.number].rituals
        and rid not in existing
    ]


def reused_rituals(
    state: PlanState, template: PlanTemplate, kept: Collection[tuple[str, str | None]]
) -> list[tuple[str, str]]:
    """(kept title, plan title) for each ritual a started week would have added but left
    to one the couple already keeps in purpose; ``kept`` holds (title, template family)
    of the couple's rituals."""
    found = []
    for week in template.weeks:
        started = state.weeks_started.get(week.number)
        if started is None:
            continue
        for key in week.introduces:
            if ritual_id_for(state.plan_id, key) in started.rituals:
                continue
            tpl = catalog.template(key)
            same = [t for t, kin in kept if kin == tpl.kin or t.casefold() == tpl.title.casefold()]
            if same:
                found.append((same[0], tpl.title))
    return found


def introduced_ritual(
    plan_id: str, tpl: Template, participants: tuple[str, ...], now: datetime
) -> RitualAdded:
    """The ordinary ``ritual.added`` event for a ritual a plan week introduces."""
    return RitualAdded(
        ritual_id=ritual_id_for(plan_id, tpl.key),
        title=tpl.title,
        kind=tpl.kind,
        cron=validate_cron(tpl.cron) if tpl.cron is not None else None,
        per_week=tpl.per_week,
        duration=tpl.duration,
        participants=participants,
        together=tpl.participants == "both",
        reminder=tpl.reminder,
        prompts=tpl.prompts,
        template=tpl.key,
        effective_from=now,
    )
