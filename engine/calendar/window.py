"""The local days a feed covers, anchored to the day of ``now`` in the feed's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.calendar import schedule
from engine.frozen import frozen


@frozen
class Window:
    """The local days a feed covers, ``first_day`` to ``last_day`` inclusive."""

    zone: ZoneInfo
    first_day: date
    last_day: date
    days_ahead: int

    @classmethod
    def around(cls, now: datetime, zone: ZoneInfo, *, days_back: int, days_ahead: int) -> Window:
        today = now.astimezone(zone).date()
        return cls(
            zone, today - timedelta(days=days_back), today + timedelta(days=days_ahead), days_ahead
        )

    @property
    def today(self) -> date:
        return self.last_day - timedelta(days=self.days_ahead)

    @property
    def start(self) -> datetime:
        return schedule.local_day_bounds(self.first_day, self.zone)[0]

    @property
    def end(self) -> datetime:
        return schedule.local_day_bounds(self.last_day, self.zone)[1]
