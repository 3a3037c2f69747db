"""Insights and drift signals, computed on demand from the couple's events.

The events are read without decrypting: counts and moments are all these need, so no
intimate text is ever opened for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import InvalidInput
from engine.projections import drift, insights
from engine.views.insights import DriftSignal, InsightsView

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.events import RecordedEvent
    from engine.services.refs import CoupleRef
    from engine.services.session import Session

MAX_WEEKS = 52


class Insights:
    """Week-by-week insights and gentle drift signals."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def insights(self, couple: CoupleRef, weeks: int) -> InsightsView:
        if not 1 <= weeks <= MAX_WEEKS:
            raise InvalidInput(f"--weeks must be between 1 and {MAX_WEEKS}")
        state, records, handles = self.couple_history(couple)
        now = self._s.now()
        log = insights.read_log(records)
        week_views = insights.weekly_insights(
            log, state.zone, handles, today=now.astimezone(state.zone).date(), weeks=weeks
        )
        return InsightsView(
            weeks=week_views,
            closeness_trend=insights.closeness_trend(log, state.zone, week_views),
            signals=tuple(drift.drift_signals(records, handles, now)),
        )

    def drift_signals(self, couple: CoupleRef) -> list[DriftSignal]:
        _, records, handles = self.couple_history(couple)
        return drift.drift_signals(records, handles, self._s.now())

    def couple_history(
        self, couple: CoupleRef
    ) -> tuple[CoupleState, list[RecordedEvent], dict[str, str]]:
        """The couple, all its events (sealed fields left sealed), and partner id -> handle."""
        state = self._s.load_members(couple)
        records = self._s.lived.read_couple(state.couple_id, decrypt=False)
        return state, records, {p.partner_id: p.handle for p in state.partners}
