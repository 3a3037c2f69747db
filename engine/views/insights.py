"""Insights week by week and drift signals."""

from __future__ import annotations

from dataclasses import field
from datetime import date
from typing import Any

from engine.frozen import frozen


@frozen
class WeekInsight:
    """One ISO week of the couple's practice, in their zone: counts only, never text."""

    week: str  # "2026-W48"
    starts_on: date  # its Monday
    checkins: dict[str, int]  # partner handle -> check-ins that partner took part in
    appreciations_given: int
    appreciations_shared: int  # shared at once or from the journal this week
    repairs_attempted: int
    repairs_accepted: int  # of this week's attempts, by their latest answer
    repairs_not_yet: int
    timeouts_called: int
    timeout_minutes: tuple[int, ...]  # how long each ended pause lasted
    closeness_average: float | None
    closeness_ratings: int

    @property
    def repairs_share_accepted(self) -> float | None:
        """Accepted among the answered attempts; None when none was answered."""
        answered = self.repairs_accepted + self.repairs_not_yet
        return round(self.repairs_accepted / answered, 2) if answered else None


@frozen
class DriftSignal:
    """Something in the history worth a gentle look together: never a score or a verdict."""

    key: str  # checkins_falling, repairs_not_accepted, uneven_logging, no_shared_ritual, ...
    observation: str  # what the history shows, in plain words
    suggestion: str  # one kind, specific thing to try
    facts: dict[str, Any] = field(default_factory=dict)  # the numbers behind it


@frozen
class InsightsView:
    """The weeks of practice, oldest first, with the closeness trend and drift signals."""

    weeks: tuple[WeekInsight, ...]  # oldest first, ending with the current week
    closeness_trend: str | None  # rising, steady, falling; None without enough ratings
    signals: tuple[DriftSignal, ...]
