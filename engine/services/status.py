"""The status screen: today's rituals, streaks, the plan, recent weeks and drift, in one view.

Composed from the other services' parts. The streaks come from each ritual's settled
tallies and the marks after them (see ``Streaks.windows``); today's rituals and the
heatmap from the ``ritual_marks`` read model and the recent weeks of ``logged_weeks``;
drift from those weeks and the couple's ageless events, read without decrypting them
(the whole log only when those do not settle it). So a status reads rows for the weeks
it shows, not the events in them. A status never writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.catalog.plans import plan_template
from engine.domain.couple import CoupleState, aware
from engine.domain.plan_progress import plan_progress
from engine.projections import drift, drift_facts, logged_weeks, practice
from engine.services.derived import Derived
from engine.views.status import StatusView, TodayItem

if TYPE_CHECKING:
    from engine.services.plans import Plans
    from engine.services.refs import CoupleRef
    from engine.services.session import Session
    from engine.services.streaks import Streaks
    from engine.views.insights import DriftSignal
    from engine.views.plans import PlanView
    from engine.views.streaks import StreakView

FINISHED_PLAN_SHOWN = timedelta(days=7)
"""How long a finished plan stays on the status, to celebrate it."""


class Status:
    """How the couple is doing, on one screen."""

    def __init__(self, session: Session, streaks: Streaks, plans: Plans) -> None:
        self._s = session
        self._streaks = streaks
        self._plans = plans
        self._week_facts = Derived(drift_facts.entry_facts)  # the weeks a status reads again

    def status(self, couple: CoupleRef, as_of: datetime | None) -> StatusView:
        state = self._s.load_members(couple)
        handles = {p.partner_id: p.handle for p in state.partners}
        if as_of is None:
            now = self._s.now()
            latest = self._plans.latest(state.couple_id)
            plan = None if latest is None else self._plans.view_now(state, latest)
        else:
            now = aware(as_of)
            plan = self._plan_as_of(state, handles, now)
        rituals = [
            r
            for r in self._s.ritual_states(state.couple_id).values()
            if r.definitions[0].effective_from <= now
        ]
        book_of_zones = self._streaks.zone_book(state.couple_id)
        zones = book_of_zones.couple
        windows = self._streaks.windows(
            state, {r.ritual_id: r for r in rituals}, book_of_zones, now
        )
        streaks = [
            self._streaks.streak_view(
                state, r, windows[r.ritual_id][1], book_of_zones, now, windows[r.ritual_id][0]
            )
            for r in rituals
            if r.status(now) == "active"
        ]
        # the heatmap's twelve weeks and today, and the drift signals' eight
        shown = practice.earliest(zones, now)
        since = min(shown, drift.horizon(now))
        logged = self._streaks.logged_since(state.couple_id, since, drift.AGELESS)
        marks, done = self._streaks.recent_marks(state.couple_id, shown, logged)
        book = practice.Logbook.of(rituals, marks, zones, now, book_of_zones.own_zones(), done=done)
        day = book.local_day(now)
        if plan is not None and plan.finished_on and day - plan.finished_on > FINISHED_PLAN_SHOWN:
            plan = None
        return StatusView(
            as_of=now,
            day=day,
            today=(*practice.today(book, handles), *(_quota(s) for s in streaks if s.this_week)),
            streaks=tuple(s for s in streaks if s.unit != "occasional"),
            plan=plan,
            heatmap=practice.heatmap(book, began=zones[0][0]),
            suggestions=tuple(
                self._drift(state.couple_id, handles, now, as_of is not None, logged, since)
            ),
        )

    def _drift(
        self,
        couple_id: str,
        handles: dict[str, str],
        now: datetime,
        past: bool,
        logged: logged_weeks.Logged,
        since: datetime,
    ) -> list[DriftSignal]:
        """The drift signals from the entries ``logged`` since a moment before the signals'
        horizon (``since``) and the ageless events, or from the whole log when those could
        miss something (see ``drift.logged_signals``)."""
        start = logged_weeks.week_start(max(since, drift.horizon(now)))
        entries = logged.since(start)  # not the heatmap's older weeks
        parts = [self._week_facts(week) for week in logged.weeks_since(start)]
        signals = drift.logged_signals(
            entries, logged.ageless, handles, now, since=start, past=past, parts=parts
        )
        if signals is not None:
            return signals
        whole = self._s.lived.read_couple(couple_id, decrypt=False)
        if past:
            whole = [r for r in whole if r.occurred_at <= now]
        return drift.drift_signals(whole, handles, now)

    def _plan_as_of(
        self, state: CoupleState, handles: dict[str, str], now: datetime
    ) -> PlanView | None:
        """The latest plan as it stood at ``now``, from what had happened by then."""
        plans = self._plans.plans(state.couple_id, until=now)
        if not plans:
            return None
        plan = plans[-1]
        return plan_progress(plan, plan_template(plan.template), state.zone, now, handles)


def _quota(view: StreakView) -> TodayItem:
    """A quota ritual has no set time: today it shows how its week is going."""
    week = view.this_week
    assert week is not None
    return TodayItem(
        ritual_id=view.ritual_id,
        title=view.title,
        at=None,
        local=None,
        status="done" if week.done >= week.target else "pending",
        by=tuple(handle for handle, n in week.by_partner if n),
        participants=tuple(handle for handle, _ in week.by_partner),
        this_week=week,
    )
