"""Looking ahead: the template catalog, the occurrences to come, and the calendar feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from engine.calendar import items as calendar
from engine.calendar import schedule
from engine.calendar.feed_items import FeedCalendar
from engine.calendar.uids import calendar_uid
from engine.calendar.upcoming import upcoming
from engine.catalog.rituals import CATALOG
from engine.domain import ritual as ritual_domain
from engine.domain.ritual import RitualState, describe_schedule
from engine.errors import InvalidInput
from engine.events import OccurrenceSkipped
from engine.services.refs import RITUAL_LIFECYCLE, CoupleRef
from engine.views.rituals import TemplateView, UpcomingView

if TYPE_CHECKING:
    from engine.services.plans import Plans
    from engine.services.session import Session

MAX_DAYS = 366
"""The furthest `upcoming` and the feeds look, back or ahead."""


def _days(value: int, direction: str, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_DAYS:
        raise InvalidInput(f"you can look {direction} between {least} and {MAX_DAYS} days")
    return value


class Calendar:
    """The catalog, what comes next, and the iCalendar feeds."""

    def __init__(self, session: Session, plans: Callable[[], Plans]) -> None:
        self._s = session
        self._plans = plans  # made on first use: a feed without a plan never loads them

    def catalog(self) -> list[TemplateView]:
        return [
            TemplateView(
                key=t.key,
                title=t.title,
                kind=t.kind,
                summary=t.summary,
                cron=t.cron,
                per_week=t.per_week,
                schedule=describe_schedule(t.cron, t.per_week, together=t.participants == "both"),
                duration=t.duration,
                who=t.participants,
                starter=t.starter,
            )
            for t in CATALOG
        ]

    def upcoming(self, couple: CoupleRef, days: int, partner: str | None) -> list[UpcomingView]:
        span = timedelta(days=_days(days, "ahead", least=1))
        state = self._s.load_members(couple)
        partner_id = state.partner(partner).partner_id if partner else None
        rituals: dict[str, RitualState] = {}
        types = (*RITUAL_LIFECYCLE, OccurrenceSkipped.type_name)
        for r in self._s.lived.read_couple(state.couple_id, types=types):
            rid = r.stream_id.removeprefix("ritual-")
            rituals[rid] = ritual_domain.evolve(rituals.get(rid, RitualState()), r.event)
        now = self._s.now()
        zones = self._s.zone_book(state.couple_id)
        handles = {p.partner_id: p.handle for p in state.partners}
        return upcoming(
            rituals, state.zone, now, now + span, partner_id, zones=zones, handles=handles
        )

    def calendar_feed(
        self,
        couple: CoupleRef,
        *,
        partner: str | None,
        days_back: int,
        days_ahead: int,
        page_url: str | None = None,
    ) -> bytes:
        back = _days(days_back, "back", least=0)
        ahead = _days(days_ahead, "ahead", least=0)
        state = self._s.load_members(couple)
        member = state.partner(partner) if partner else None
        history = [
            (r.recorded_at, r.event)
            for r in self._s.lived.read_couple(state.couple_id, types=calendar.FEED_TYPES)
        ]

        def milestones() -> list[tuple[date, int, str]]:
            return [(m.day, m.week, m.title) for m in self._plans().milestones_of(state)]

        items = calendar.feed_items(
            history,
            self._s.now(),
            partner_id=member.partner_id if member else None,
            days_back=back,
            days_ahead=ahead,
            all_day=calendar.plan_days(state.couple_id, history, milestones),
            handles={p.partner_id: p.handle for p in state.partners},
        )
        if page_url is not None and member is not None:
            from engine.calendar.page_links import with_page_links  # the partner's page only

            items = with_page_links(items, page_url)
        scope = f"rituals for {member.handle}" if member else "rituals"
        meta = FeedCalendar(
            uid=calendar_uid(state.couple_id, member.partner_id if member else None),
            name=f"{state.name}: {scope}",
        )
        today = schedule.local_day_bounds(self._s.today(state), state.zone)[0]
        from engine.calendar import ics  # the iCalendar library loads only to render a feed

        return ics.render(meta, items, around=today)

    def feed_version(self, couple: CoupleRef) -> int:
        state = self._s.load_members(couple)
        found = self._s.lived.read_couple(state.couple_id, types=calendar.FEED_TYPES, decrypt=False)
        return found[-1].position if found else 0
