"""Plans: starting one, marking tasks, extending, pausing and finishing, and the
rituals its weeks introduce.

Weeks advance with time (see :mod:`engine.domain.plan_progress`), so a week may begin
while nobody is looking. Every plan command, and :meth:`Plans.tick` (``ritual tick``, run
by ``ritual serve`` too), first *settles* the plan: it records the weeks that have begun
since, adds the rituals they introduce as ordinary ``ritual.added`` events, and retires
the rituals a finished plan let go. Settling is idempotent (ritual ids are derived from
the plan id), so a crash half-way is mended by the next command. Queries never write:
:meth:`Plans.status` shows the weeks that have begun as if they were settled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from engine.catalog import rituals as catalog
from engine.catalog.plans import PLAN_TEMPLATES, PlanTemplate, plan_template
from engine.domain import plan as plan_domain
from engine.domain import ritual_decisions
from engine.domain.couple import CoupleState
from engine.domain.plan import PlanState
from engine.domain.plan_progress import PlanCalendar, plan_calendar, plan_progress
from engine.domain.plan_progress import plan_milestones as milestones_of
from engine.errors import ConcurrencyError
from engine.events import Event, PlanWeekStarted
from engine.services.refs import CoupleRef, RitualRef, ritual_stream
from engine.views.plans import PlanMilestone, PlanRitualView, PlanView

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.services.session import Session

PLAN_EVENTS = (
    "plan.started",
    "plan.week_started",
    "plan.task_done",
    "plan.week_extended",
    "plan.paused",
    "plan.resumed",
    "plan.finished",
)

_Decide = Callable[[CoupleState, PlanState, PlanCalendar], Event]


def plan_stream(plan_id: str) -> str:
    return f"plan-{plan_id}"


class Plans:
    """Plans and their progress."""

    def __init__(self, session: Session) -> None:
        self._s = session

    # -- queries -----------------------------------------------------------------------

    def templates(self) -> tuple[PlanTemplate, ...]:
        return PLAN_TEMPLATES

    def status(self, couple: CoupleRef) -> PlanView | None:
        state = self._s.load_members(couple)
        latest = self.latest(state.couple_id)
        return None if latest is None else self.view_now(state, latest)

    def view_now(self, state: CoupleState, plan: PlanState) -> PlanView:
        tpl = plan_template(plan.template)
        now = self._s.now()
        rituals = self._s.ritual_states(state.couple_id)
        for event in _week_starts(state, plan, tpl, rituals, now):
            plan = plan_domain.evolve(plan, event)
        return self.plan_view(state, plan, ())

    def milestones(self, couple: CoupleRef) -> list[PlanMilestone]:
        state = self._s.load_members(couple)
        return self.milestones_of(state)

    def milestones_of(self, state: CoupleState) -> list[PlanMilestone]:
        now = self._s.now()
        return [
            milestone
            for plan in self.plans(state.couple_id)
            for milestone in milestones_of(plan, plan_template(plan.template), state.zone, now)
        ]

    def tick(self, couple: CoupleRef | None) -> list[PlanView]:
        """Settle the latest plan of one couple (or of every couple): the views of the plans
        for which something was recorded."""
        if couple is None:
            ids = [cid for cid, _ in self._s.couple_names()]
        else:
            ids = [self._s.couple_id(couple)]
        settled = []
        for couple_id in ids:
            state = self._s.load_members(couple_id)
            latest = self.latest(couple_id)
            if latest is None:
                continue
            view = self._tick_one(state, latest)
            if view is not None:
                settled.append(view)
        return settled

    def _tick_one(self, state: CoupleState, latest: PlanState) -> PlanView | None:
        wrote: list[str] = []
        plan, added = self._s.retrying(lambda: self._settle(state, latest, wrote))
        return self.plan_view(state, plan, added) if wrote else None

    # -- commands ----------------------------------------------------------------------

    def start(self, couple: CoupleRef, template: str, on: date | None) -> PlanView:
        tpl = plan_template(template)

        def attempt() -> str:
            state = self._s.load_members(couple)
            plans = self.plans(state.couple_id)
            now = self._s.now()
            today = now.astimezone(state.zone).date()
            plan_id = plan_domain.plan_id_for(state.couple_id, len(plans) + 1)
            event = plan_domain.decide_start(
                plans[-1] if plans else None,
                tpl,
                plan_id,
                starts_on=on or today,
                today=today,
                now=now,
            )
            self._s.append(
                state.couple_id, plan_stream(plan_id), [event], expected_version=0, actor=None
            )
            return state.couple_id

        couple_id = self._s.retrying(attempt)
        state = self._s.load_members(couple_id)
        started = self.latest(couple_id)
        assert started is not None
        plan, added = self._s.retrying(lambda: self._settle(state, started))
        return self.plan_view(state, plan, added)

    def task_done(self, couple: CoupleRef, task: str, by: str | None) -> PlanView:

        def decide(state: CoupleState, plan: PlanState, cal: PlanCalendar) -> Event:
            return plan_domain.decide_task_done(
                plan,
                plan_template(plan.template),
                task,
                week=cal.week,
                week_starts=cal.known_starts(),
                by=state.partner(by).partner_id if by is not None else None,
                now=self._s.now(),
            )

        return self._plan_command(couple, decide, actor=by)

    def extend_week(self, couple: CoupleRef) -> PlanView:
        return self._plan_command(
            couple,
            lambda _, plan, cal: plan_domain.decide_extend(plan, week=cal.week, now=self._s.now()),
        )

    def pause(self, couple: CoupleRef) -> PlanView:
        return self._plan_command(
            couple,
            lambda _, plan, cal: plan_domain.decide_pause(plan, week=cal.week, now=self._s.now()),
        )

    def resume(self, couple: CoupleRef) -> PlanView:
        return self._plan_command(
            couple, lambda _, plan, cal: plan_domain.decide_resume(plan, now=self._s.now())
        )

    def finish(self, couple: CoupleRef, keep: Sequence[RitualRef], keep_all: bool) -> PlanView:

        def decide(state: CoupleState, plan: PlanState, cal: PlanCalendar) -> Event:
            now = self._s.now()
            rituals = self._s.ritual_states(state.couple_id)
            active = {rid for rid, s in rituals.items() if s.status(now) != "retired"}
            chosen = (
                [rid for rid in plan.ritual_ids if rid in active]
                if keep_all
                else [self._s.find_ritual_id(state.couple_id, ref) for ref in keep]
            )
            return plan_domain.decide_finish(plan, keep=chosen, active=active, now=now)

        return self._plan_command(couple, decide)

    # -- the machinery -----------------------------------------------------------------

    def plans(self, couple_id: str, *, until: datetime | None = None) -> list[PlanState]:
        """Every plan of a couple, oldest first (as recorded by ``until``, when given)."""
        plans: dict[str, PlanState] = {}
        found = self._s.store.read_couple(couple_id, types=PLAN_EVENTS)
        kept = {r.event_id for r in self._s.lived.read_couple(couple_id, types=PLAN_EVENTS)}
        for r in found:
            if until is not None and r.occurred_at > until:
                continue
            plan = plans.get(r.stream_id, PlanState())
            if r.event_id in kept:
                plans[r.stream_id] = plan_domain.evolve(plan, r.event)
            else:  # undone: it no longer counts, but the stream still holds it
                plans[r.stream_id] = replace(plan, version=plan.version + 1)
        return list(plans.values())

    def latest(self, couple_id: str) -> PlanState | None:
        plans = self.plans(couple_id)
        return plans[-1] if plans else None

    def _plan_command(
        self, couple: CoupleRef, decide: _Decide, *, actor: str | None = None
    ) -> PlanView:

        def attempt() -> PlanView:
            state = self._s.load_members(couple)
            partner = state.partner(actor).partner_id if actor is not None else None
            plan = plan_domain.require_running(self.latest(state.couple_id))
            plan, added = self._settle(state, plan)
            tpl = plan_template(plan.template)
            event = decide(state, plan, plan_calendar(plan, tpl, state.zone, self._s.now()))
            self._s.append(
                state.couple_id,
                plan_stream(plan.plan_id),
                [event],
                expected_version=plan.version,
                actor=partner,
            )
            plan, more = self._settle(state, plan_domain.evolve(plan, event))
            return self.plan_view(state, plan, (*added, *more))

        return self._s.retrying(attempt)

    def _settle(
        self, state: CoupleState, plan: PlanState, wrote: list[str] | None = None
    ) -> tuple[PlanState, list[str]]:
        """Record the weeks that have begun and add their rituals; retire what a finished
        plan let go. Returns the plan and the titles of the rituals added (and notes in
        ``wrote`` the streams it appended to)."""
        wrote = [] if wrote is None else wrote
        tpl = plan_template(plan.template)
        now = self._s.now()
        rituals = self._s.ritual_states(state.couple_id)
        started = _week_starts(state, plan, tpl, rituals, now)
        if started:
            self._s.append(
                state.couple_id,
                plan_stream(plan.plan_id),
                started,
                expected_version=plan.version,
                actor=None,
            )
            wrote.append(plan_stream(plan.plan_id))
            for event in started:
                plan = plan_domain.evolve(plan, event)
        added = []
        for ritual in plan_domain.missing_rituals(
            plan,
            tpl,
            existing=rituals.keys(),
            participants=tuple(p.partner_id for p in state.partners),
            now=now,
        ):
            try:
                self._s.append(
                    state.couple_id,
                    ritual_stream(ritual.ritual_id),
                    [ritual],
                    expected_version=0,
                    actor=None,
                )
                added.append(ritual.title)
                wrote.append(ritual_stream(ritual.ritual_id))
            except ConcurrencyError:
                pass  # another command added it a moment ago
        for rid in plan.finished.let_go if plan.finished else ():
            if rid in rituals and rituals[rid].status(now) != "retired":
                self._retire(state, rid)
                wrote.append(ritual_stream(rid))
        return plan, added

    def _retire(self, state: CoupleState, ritual_id: str) -> None:
        def attempt() -> None:
            ritual = self._s.load_ritual(ritual_id)
            now = self._s.now()
            if ritual.status(now) != "retired":
                self._s.append(
                    state.couple_id,
                    ritual_stream(ritual_id),
                    [ritual_decisions.decide_retire(ritual, now=now)],
                    expected_version=ritual.version,
                    actor=None,
                )

        self._s.retrying(attempt)

    def plan_view(self, state: CoupleState, plan: PlanState, added: Sequence[str]) -> PlanView:
        now = self._s.now()
        handles = {p.partner_id: p.handle for p in state.partners}
        view = plan_progress(plan, plan_template(plan.template), state.zone, now, handles)
        rituals = self._s.ritual_states(state.couple_id)
        return replace(
            view,
            rituals=tuple(
                PlanRitualView(rid, rituals[rid].title, week, rituals[rid].status(now))
                for week, started in sorted(plan.weeks_started.items())
                for rid in started.rituals
                if rid in rituals
            ),
            rituals_added=tuple(added),
            rituals_reused=tuple(
                plan_domain.reused_rituals(
                    plan,
                    plan_template(plan.template),
                    [
                        (r.title, catalog.family_of(r.current.template))
                        for rid, r in rituals.items()
                        if rid not in plan.ritual_ids and r.definitions[0].effective_from <= now
                    ],
                )
            ),
        )


def _week_starts(
    state: CoupleState,
    plan: PlanState,
    tpl: PlanTemplate,
    rituals: Mapping[str, RitualState],
    now: datetime,
) -> list[PlanWeekStarted]:
    """The weeks of ``plan`` begun by ``now`` and not yet recorded; a week leaves out the
    rituals the couple already keeps (by title, or by template family)."""
    cal = plan_calendar(plan, tpl, state.zone, now)
    active = [s for s in rituals.values() if s.status(now) != "retired"]
    return plan_domain.decide_week_starts(
        plan,
        tpl,
        week=cal.week,
        week_starts=cal.known_starts(),
        kept_titles={s.title.casefold() for s in active},
        kept_families={
            kin for s in active if (kin := catalog.family_of(s.current.template)) is not None
        },
        now=now,
    )
