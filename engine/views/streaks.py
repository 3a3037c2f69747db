"""Streaks, strength and a quota ritual's week."""

from __future__ import annotations

from datetime import date, datetime

from engine.frozen import frozen


@frozen
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
    held_by_freeze: date | None = None  # the latest freeze inside the current streak, if any
    check_ins: int = 0  # every check-in counted, of quota rituals too (``done`` counts weeks)


@frozen
class PartnerStreak:
    """One partner's streak figures on a ritual."""

    partner: str  # handle
    figures: StreakLine


@frozen
class WeekProgress:
    """A quota ritual's current local week (Monday to Sunday)."""

    week_start: date
    target: int
    done: int  # what counts for the couple: the fewest check-ins of any participant
    by_partner: tuple[tuple[str, int], ...]  # (handle, check-ins this week)


@frozen
class StreakView:
    """How one ritual is going: the couple's figures and each partner's."""

    ritual_id: str
    title: str
    unit: str  # "occurrence"; "week" for quota rituals; "occasional" (no streak)
    status: str  # active, paused
    couple: StreakLine
    partners: tuple[PartnerStreak, ...]
    this_week: WeekProgress | None = None
