"""Frozen views returned by the Engine: plain values, never ORM rows or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class PartnerView:
    handle: str
    display_name: str


@dataclass(frozen=True)
class CoupleView:
    id: str
    name: str
    time_zone: str
    partners: tuple[PartnerView, ...]
    freezes_per_month: int = 1
    proxy_checkins: bool = False

    @property
    def handles(self) -> tuple[str, ...]:
        return tuple(p.handle for p in self.partners)


@dataclass(frozen=True)
class RitualView:
    id: str
    title: str
    kind: str
    cron: str | None
    per_week: int | None
    schedule: str  # a human description: "every day at 07:30", "3 times a week"
    duration: timedelta | None
    participants: tuple[str, ...]  # handles
    together: bool
    reminder: timedelta | None
    prompts: tuple[str, ...]
    status: str  # active, paused, retired
    paused_until: datetime | None
    template: str | None
    since: datetime

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class CheckInView:
    ritual_id: str
    title: str
    partner: str
    occurrence: datetime | None  # UTC instant of the occurrence; None for quota rituals
    local: datetime | None  # the occurrence in the couple's zone
    done_at: datetime
    streak: int = 0  # the partner's current streak on this ritual, this check-in included


@dataclass(frozen=True)
class SkipView:
    ritual_id: str
    title: str
    occurrence: datetime
    local: datetime


@dataclass(frozen=True)
class CapsuleView:
    id: str
    author: str
    opens_on: date
    opened: bool
    message: str | None  # None while sealed


@dataclass(frozen=True)
class HistoryEntry:
    """One event in the couple's history, without any private text."""

    position: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None  # a partner handle
    via: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StreakLine:
    """Streak figures of one ritual, for the couple or for one partner.

    Counts are of scheduled occurrences (of weeks, for quota rituals).
    """

    current: int = 0
    best: int = 0
    done: int = 0
    skipped: int = 0
    missed: int = 0  # misses no freeze absorbed
    pending: int = 0  # occurrences whose late-entry window is still open
    freezes_used: int = 0
    last_freeze: date | None = None  # local date of the latest occurrence a freeze absorbed
    completion_rate: float | None = None  # done / due over the last 4 weeks; None: none due
    last_done: datetime | None = None
    strength: float = 0.0  # 0 to 1, a moving average of practice


@dataclass(frozen=True)
class PartnerStreak:
    partner: str  # handle
    figures: StreakLine


@dataclass(frozen=True)
class WeekProgress:
    """A quota ritual's current local week (Monday to Sunday)."""

    week_start: date
    target: int
    done: int  # what counts for the couple: the fewest check-ins of any participant
    by_partner: tuple[tuple[str, int], ...]  # (handle, check-ins this week)


@dataclass(frozen=True)
class StreakView:
    """How one ritual is going: the couple's figures and each partner's."""

    ritual_id: str
    title: str
    unit: str  # "occurrence"; "week" for quota rituals; "occasional" (no streak)
    status: str  # active, paused
    couple: StreakLine
    partners: tuple[PartnerStreak, ...]
    this_week: WeekProgress | None = None


@dataclass(frozen=True)
class ReadModelView:
    """A read model and how far it has folded the event log."""

    name: str
    version: int
    position: int  # the last event folded in
    behind: int  # events in the log after it
