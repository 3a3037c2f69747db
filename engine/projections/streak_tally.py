"""One line's tally of a ritual's streak (the couple's, or a partner's): the outcome of
each slot in time order, the freeze rule and the strength. Pure: no I/O, no clock.

Kept apart from the slots so that a settled start (``engine.projections.settled``) can
store and copy the tallies without knowing how the slots are found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from engine.frozen import frozen
from engine.projections.strength import step
from engine.views.streaks import StreakLine

COUPLE = ""
"""The line of the couple; the other lines are keyed by partner id."""

DONE, SKIPPED, PENDING, MISSED = "done", "skipped", "pending", "missed"

RECENT = timedelta(days=28)
"""The window of the completion rate."""

Due = tuple[datetime, bool]
"""A due slot of a line, as a completion rate counts it: (when, done)."""


@frozen
class Entry:
    """What one line (the couple, or a partner) did about one due slot."""

    outcome: str
    practice: float = 0.0  # what a miss feeds into strength (a short quota week: its share)
    done_at: datetime | None = None
    day: date | None = None  # the line's own local day, when it differs from the slot's


@frozen
class Slot:
    """One due occurrence of a ritual, with each line's entry for it."""

    at: datetime
    local_day: date
    weight: float  # the moving-average weight of one occurrence of this schedule
    entries: dict[str, Entry]  # by line


@dataclass
class Tally:
    current: int = 0
    best: int = 0
    done: int = 0
    skipped: int = 0
    missed: int = 0
    pending: int = 0
    freezes_used: int = 0
    last_freeze: date | None = None
    held_by_freeze: date | None = None
    just_frozen: bool = False
    last_done: datetime | None = None
    strength: float = 0.0
    recent_done: int = 0
    recent_due: int = 0
    check_ins: int = 0
    frozen: Counter[tuple[int, int]] = field(default_factory=Counter)

    def add(self, slot: Slot, entry: Entry, allowance: int, recent_from: datetime) -> None:
        if entry.outcome == SKIPPED:
            self.skipped += 1
            return
        if entry.outcome == PENDING:
            self.pending += 1
            return
        recent = slot.at >= recent_from
        self.recent_due += recent
        if entry.outcome == DONE:
            self.done += 1
            self.recent_done += recent
            self.current += 1
            self.best = max(self.best, self.current)
            self.strength = step(self.strength, slot.weight, 1.0)
            self.last_done = latest(self.last_done, entry.done_at)
            self.just_frozen = False
            return
        self.strength = step(self.strength, slot.weight, entry.practice)
        day = entry.day or slot.local_day
        month = (day.year, day.month)
        if self.current > 0 and not self.just_frozen and self.frozen[month] < allowance:
            self.frozen[month] += 1
            self.freezes_used += 1
            self.last_freeze = self.held_by_freeze = day
            self.just_frozen = True
        else:
            self.missed += 1
            self.current = 0
            self.held_by_freeze = None
            self.just_frozen = False

    def line(self) -> StreakLine:
        return StreakLine(
            current=self.current,
            best=self.best,
            done=self.done,
            skipped=self.skipped,
            missed=self.missed,
            pending=self.pending,
            freezes_used=self.freezes_used,
            last_freeze=self.last_freeze,
            completion_rate=self.recent_done / self.recent_due if self.recent_due else None,
            last_done=self.last_done,
            strength=self.strength,
            held_by_freeze=self.held_by_freeze,
            check_ins=self.check_ins,
        )


def fresh_lines(partners: Iterable[str]) -> dict[str, Tally]:
    """Empty tallies for the couple's line and each partner's."""
    return {COUPLE: Tally(), **{p: Tally() for p in partners}}


def latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)
