"""Looking ahead: the template catalog, the occurrences to come, and the calendar feeds."""

from __future__ import annotations

from datetime import timedelta

from engine import calendar, feeds, schedule
from engine.catalog import CATALOG
from engine.domain import ritual as ritual_domain
from engine.domain.ritual import RitualState
from engine.errors import InvalidInput
from engine.events import OccurrenceSkipped
from engine.facade.core import RITUAL_LIFECYCLE, CoupleRef
from engine.facade.plans import PlansMixin
from engine.facade.rituals import describe_schedule
from engine.page_links import with_page_links
from engine.views import TemplateView, UpcomingView

MAX_DAYS = 366
"""The furthest `upcoming` and the feeds look, back or ahead."""


def _days(value: int, direction: str, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_DAYS:
        raise InvalidInput(f"you can look {direction} between {least} and {MAX_DAYS} days")
    return value


class CalendarMixin(PlansMixin):
    """The catalog, what comes next, and the iCalendar feeds."""

    def catalog(self) -> list[TemplateView]:
        """The ritual templates a couple can start from, in catalog order."""
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

    def upcoming(
        self, couple: CoupleRef = None, *, days: int = 7, partner: str | None = None
    ) -> list[UpcomingView]:
        """The occurrences of the next ``days`` days across rituals, soonest first.

        With ``partner``, only the rituals that partner takes part in. Skipped occurrences
        are left out; quota rituals have no fixed times, so none of theirs are listed.
        """
        span = timedelta(days=_days(days, "ahead", least=1))
        state = self.load_couple(couple)
        partner_id = state.partner(partner).partner_id if partner else None
        rituals: dict[str, RitualState] = {}
        types = (*RITUAL_LIFECYCLE, OccurrenceSkipped.type_name)
        for r in self.lived.read_couple(state.couple_id, types=types):
            rid = r.stream_id.removeprefix("ritual-")
            rituals[rid] = ritual_domain.evolve(rituals.get(rid, RitualState()), r.event)
        now = self.now()
        return calendar.upcoming(rituals, state.zone, now, now + span, partner_id)

    def calendar_feed(
        self,
        couple: CoupleRef = None,
        *,
        partner: str | None = None,
        days_back: int = 30,
        days_ahead: int = 90,
        page_url: str | None = None,
    ) -> bytes:
        """The couple's rituals as an iCalendar feed (or only ``partner``'s rituals).

        With ``page_url`` (and a ``partner``), each event links to that occurrence on the
        partner's page served there (see :mod:`engine.page_links`).

        The bytes depend only on the events behind :meth:`feed_version` and on the local
        date, so a feed can be cached on those two (and its own arguments).
        """
        back = _days(days_back, "back", least=0)
        ahead = _days(days_ahead, "ahead", least=0)
        state = self.load_couple(couple)
        member = state.partner(partner) if partner else None
        history = [
            (r.recorded_at, r.event)
            for r in self.lived.read_couple(state.couple_id, types=calendar.FEED_TYPES)
        ]
        milestones = [(m.day, m.week, m.title) for m in self.plan_milestones(state.couple_id)]
        items = calendar.feed_items(
            history,
            self.now(),
            partner_id=member.partner_id if member else None,
            days_back=back,
            days_ahead=ahead,
            all_day=calendar.plan_days(state.couple_id, history, milestones),
        )
        if page_url is not None and member is not None:
            items = with_page_links(items, page_url)
        scope = f"rituals for {member.handle}" if member else "rituals"
        meta = feeds.FeedCalendar(
            uid=calendar.calendar_uid(state.couple_id, member.partner_id if member else None),
            name=f"{state.name}: {scope}",
        )
        today = schedule.local_day_bounds(self.today(state), state.zone)[0]
        return feeds.render(meta, items, around=today)

    def feed_version(self, couple: CoupleRef = None) -> int:
        """The log position of the newest event that can change the couple's feeds (0: none)."""
        state = self.load_couple(couple)
        found = self.lived.read_couple(state.couple_id, types=calendar.FEED_TYPES, decrypt=False)
        return found[-1].position if found else 0
