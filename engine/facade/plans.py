"""Plans: starting one, marking tasks, extending, pausing and finishing, and the
rituals its weeks introduce.

Weeks advance with time (see :mod:`engine.domain.plan_progress`), so a week may begin
while nobody is looking. Every plan command and every plan query that may write
(:meth:`PlansMixin.plan_status`) first *settles* the plan: it records the weeks that
have begun since, adds the rituals they introduce as ordinary ``ritual.added`` events,
and retires the rituals a finished plan let go. Settling is idempotent (ritual ids are
derived from the plan id), so a crash half-way is mended by the next command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime

from engine import catalog
from engine.domain import plan as plan_domain
from engine.domain import ritual as ritual_domain
from engine.domain.couple import CoupleState
from engine.domain.plan import PlanState
from engine.domain.plan_progress import PlanCalendar, plan_calendar, plan_progress
from engine.domain.plan_progress import plan_milestones as milestones_of
from engine.errors import ConcurrencyError
from engine.events import Event
from engine.facade.core import CoupleRef, EngineCore, ritual_stream
from engine.plan_templates import PLAN_TEMPLATES, PlanTemplate, plan_template
from engine.views import PlanMilestone, PlanRitualView, PlanView

DEFAULT_PLAN = "reconnect-8-weeks"

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


class PlansMixin(EngineCore):
    """Plans and their progress."""

    # -- queries -----------------------------------------------------------------------

    def plan_templates(self) -> tuple[PlanTemplate, ...]:
        """The plans a couple can start."""
        return PLAN_TEMPLATES

    def plan_status(self, couple: CoupleRef = None) -> PlanView | None:
        """The couple's latest plan (running or finished), settled first; None if none yet."""
        state = self.load_couple(couple)
        latest = self._latest_plan(state.couple_id)
        if latest is None:
            return None
        plan, added = self.retrying(lambda: self._settle(state, latest))
        return self._plan_view(state, plan, added)

    def plan_milestones(self, couple: CoupleRef = None) -> list[PlanMilestone]:
        """A dated, content-free entry for every plan week with a known first day (writes
        nothing, so a calendar feed can call it)."""
        state = self.load_couple(couple)
        now = self.now()
        return [
            milestone
            for plan in self._plans(state.couple_id)
            for milestone in milestones_of(plan, plan_template(plan.template), state.zone, now)
        ]

    # -- commands ----------------------------------------------------------------------

    def start_plan(
        self, couple: CoupleRef = None, template: str = DEFAULT_PLAN, *, on: date | None = None
    ) -> PlanView:
        """Begin a plan on ``on`` (default: today); each week's rituals arrive as it begins."""
        tpl = plan_template(template)

        def attempt() -> str:
            state = self.load_couple(couple)
            plans = self._plans(state.couple_id)
            now = self.now()
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
            self.append(
                state.couple_id, plan_stream(plan_id), [event], expected_version=0, actor=None
            )
            return state.couple_id

        view = self.plan_status(self.retrying(attempt))
        assert view is not None
        return view

    def plan_task_done(self, couple: CoupleRef, task: str, *, by: str | None = None) -> PlanView:
        """Mark a task done, by one partner (a handle) or, without ``by``, by both together."""

        def decide(state: CoupleState, plan: PlanState, cal: PlanCalendar) -> Event:
            return plan_domain.decide_task_done(
                plan,
                plan_template(plan.template),
                task,
                week=cal.week,
                week_starts=cal.known_starts(),
                by=state.partner(by).partner_id if by is not None else None,
                now=self.now(),
            )

        return self._plan_command(couple, decide, actor=by)

    def extend_plan_week(self, couple: CoupleRef = None) -> PlanView:
        """Give the current week seven more days."""
        return self._plan_command(
            couple,
            lambda _, plan, cal: plan_domain.decide_extend(plan, week=cal.week, now=self.now()),
        )

    def pause_plan(self, couple: CoupleRef = None) -> PlanView:
        """Stop the plan's clock: no week begins until it resumes."""
        return self._plan_command(
            couple,
            lambda _, plan, cal: plan_domain.decide_pause(plan, week=cal.week, now=self.now()),
        )

    def resume_plan(self, couple: CoupleRef = None) -> PlanView:
        """Let the plan's clock run again from today."""
        return self._plan_command(
            couple, lambda _, plan, cal: plan_domain.decide_resume(plan, now=self.now())
        )

    def finish_plan(
        self, couple: CoupleRef = None, *, keep: Sequence[str] = (), keep_all: bool = False
    ) -> PlanView:
        """End the plan. The plan's rituals named in ``keep`` (titles or ids), or all of
        them with ``keep_all``, continue; the others are retired, their history kept."""

        def decide(state: CoupleState, plan: PlanState, cal: PlanCalendar) -> Event:
            now = self.now()
            rituals = self.ritual_states(state.couple_id)
            active = {rid for rid, s in rituals.items() if s.status(now) != "retired"}
            chosen = (
                [rid for rid in plan.ritual_ids if rid in active]
                if keep_all
                else [self.find_ritual_id(state.couple_id, ref) for ref in keep]
            )
            return plan_domain.decide_finish(plan, keep=chosen, active=active, now=now)

        return self._plan_command(couple, decide)

    # -- the machinery -----------------------------------------------------------------

    def _plans(self, couple_id: str, *, until: datetime | None = None) -> list[PlanState]:
        """Every plan of a couple, oldest first (as it had happened by ``until``, when given)."""
        plans: dict[str, PlanState] = {}
        found = self.store.read_couple(couple_id, types=PLAN_EVENTS)
        kept = {r.event_id for r in self.lived.read_couple(couple_id, types=PLAN_EVENTS)}
        for r in found:
            if until is not None and r.occurred_at > until:
                continue
            plan = plans.get(r.stream_id, PlanState())
            if r.event_id in kept:
                plans[r.stream_id] = plan_domain.evolve(plan, r.event)
            else:  # undone: it no longer counts, but the stream still holds it
                plans[r.stream_id] = replace(plan, version=plan.version + 1)
        return list(plans.values())

    def _latest_plan(self, couple_id: str) -> PlanState | None:
        plans = self._plans(couple_id)
        return plans[-1] if plans else None

    def _plan_command(
        self, couple: CoupleRef, decide: _Decide, *, actor: str | None = None
    ) -> PlanView:
        """Settle the running plan, decide, append, settle again; retried when another
        writer got in first."""

        def attempt() -> PlanView:
            state = self.load_couple(couple)
            partner = state.partner(actor).partner_id if actor is not None else None
            plan = plan_domain.require_running(self._latest_plan(state.couple_id))
            plan, added = self._settle(state, plan)
            tpl = plan_template(plan.template)
            event = decide(state, plan, plan_calendar(plan, tpl, state.zone, self.now()))
            self.append(
                state.couple_id,
                plan_stream(plan.plan_id),
                [event],
                expected_version=plan.version,
                actor=partner,
            )
            plan, more = self._settle(state, plan_domain.evolve(plan, event))
            return self._plan_view(state, plan, (*added, *more))

        return self.retrying(attempt)

    def _settle(self, state: CoupleState, plan: PlanState) -> tuple[PlanState, list[str]]:
        """Record the weeks that have begun and add their rituals; retire what a finished
        plan let go. Returns the plan and the titles of the rituals added."""
        tpl = plan_template(plan.template)
        now = self.now()
        rituals = self.ritual_states(state.couple_id)
        active = [s for s in rituals.values() if s.status(now) != "retired"]
        cal = plan_calendar(plan, tpl, state.zone, now)
        started = plan_domain.decide_week_starts(
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
        if started:
            self.append(
                state.couple_id,
                plan_stream(plan.plan_id),
                started,
                expected_version=plan.version,
                actor=None,
            )
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
                self.append(
                    state.couple_id,
                    ritual_stream(ritual.ritual_id),
                    [ritual],
                    expected_version=0,
                    actor=None,
                )
                added.append(ritual.title)
            except ConcurrencyError:
                pass  # another command added it a moment ago
        for rid in plan.finished.let_go if plan.finished else ():
            if rid in rituals and rituals[rid].status(now) != "retired":
                self._retire(state, rid)
        return plan, added

    def _retire(self, state: CoupleState, ritual_id: str) -> None:
        def attempt() -> None:
            ritual = self.load_ritual(ritual_id)
            now = self.now()
            if ritual.status(now) != "retired":
                self.append(
                    state.couple_id,
                    ritual_stream(ritual_id),
                    [ritual_domain.decide_retire(ritual, now=now)],
                    expected_version=ritual.version,
                    actor=None,
                )

        self.retrying(attempt)

    def _plan_view(self, state: CoupleState, plan: PlanState, added: Sequence[str]) -> PlanView:
        now = self.now()
        handles = {p.partner_id: p.handle for p in state.partners}
        view = plan_progress(plan, plan_template(plan.template), state.zone, now, handles)
        rituals = self.ritual_states(state.couple_id)
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
