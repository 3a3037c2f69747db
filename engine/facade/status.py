"""The status screen: today's rituals, streaks, the plan, recent weeks and drift, in one view.

Composed from the other queries' parts. The streaks, today's rituals and the heatmap
share one read of the ``ritual_marks`` read model; drift reads the couple's events
without decrypting them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from engine import drift, practice
from engine.domain.couple import CoupleState, aware
from engine.domain.plan_progress import plan_progress
from engine.facade.core import CoupleRef
from engine.facade.insights import InsightsMixin
from engine.facade.plans import PlansMixin
from engine.facade.streaks import StreaksMixin
from engine.plan_templates import plan_template
from engine.views import PlanView, StatusView, StreakView, TodayItem

FINISHED_PLAN_SHOWN = timedelta(days=7)
"""How long a finished plan stays on the status, to celebrate it."""


class StatusMixin(StreaksMixin, PlansMixin, InsightsMixin):
    """How the couple is doing, on one screen."""

    def status(self, couple: CoupleRef = None, *, as_of: datetime | None = None) -> StatusView:
        """Today (or ``as_of``'s local day) at a glance.

        Looking at now settles the plan first, as :meth:`plan_status` does, so a plan week
        that began adds its rituals; looking at another moment writes nothing and sees
        what had happened by then: every part of the screen (streaks, today, heatmap,
        plan, suggestions) reads when each entry happened, never when it was recorded,
        so a late entry and an imported history read the same.
        """
        state = self.load_couple(couple)
        handles = {p.partner_id: p.handle for p in state.partners}
        if as_of is None:
            plan = self.plan_status(state.couple_id)
            now = self.now()
        else:
            now = aware(as_of)
            plan = self._plan_as_of(state, handles, now)
        rituals = [
            r
            for r in self.ritual_states(state.couple_id).values()
            if r.definitions[0].effective_from <= now
        ]
        marks = self._marks(state.couple_id)
        zones = self._zones(state.couple_id)
        streaks = [
            self._streak_view(state, r, marks.get(r.ritual_id, []), zones, now)
            for r in rituals
            if r.status(now) == "active"
        ]
        book = practice.Logbook.of(rituals, (m for ms in marks.values() for m in ms), zones, now)
        records = self.lived.read_couple(state.couple_id, decrypt=False)
        if as_of is not None:
            records = [r for r in records if r.occurred_at <= now]
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
            suggestions=tuple(drift.drift_signals(records, handles, now)),
        )

    def _plan_as_of(
        self, state: CoupleState, handles: dict[str, str], now: datetime
    ) -> PlanView | None:
        """The latest plan as it stood at ``now``, from what had happened by then."""
        plans = self._plans(state.couple_id, until=now)
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
