"""Streaks, derived at query time from a ritual's definitions, its marks, the couple's
zone and ``now``. Pure: no I/O, and the clock comes in as an argument.

Why at query time: a miss is an occurrence whose late-entry window closed with nothing
logged, so streaks change as time passes even when no event arrives. The read model
(``ritual_marks``) keeps the facts; this module turns them into figures.

The rules, per line (the couple, and each participating partner):

- Each scheduled occurrence is a slot, in time order; paused time has no slots.
- A slot is *done* for a partner who checked in (or was checked in for); for the couple
  when every participant of the definition in force did. Done extends the streak.
- Otherwise a *skipped* slot is neutral: it neither extends nor breaks the streak.
- Otherwise the slot is *pending* while its late-entry window is open (the end of the
  next local day), and neutral; after that it is *missed*, and a miss resets the streak
  unless a freeze absorbs it: each line may absorb ``freezes_per_month`` misses per
  local calendar month, spent automatically, and only when there is a streak to keep.
  A freeze never bridges two misses in a row: the second one resets the streak, whatever
  the ritual's frequency (a monthly ritual missed two months running is broken).
- Quota rituals count local weeks (Monday to Sunday): a week is done when each
  participant checked in at least ``per_week`` times, pending until the end of the
  Monday after it, and missed otherwise. A week the quota only partly covered (the
  ritual began, changed or paused within it) counts when met and is left out when not.
- Occasional rituals (no schedule, no quota) have no streak; their check-ins are counted.

Where the pieces live: ``streak_tally`` (one line's tally and the freeze rule),
``streak_slots`` (the slots and their outcomes), ``spans`` (definitions in force, local
weeks); this module puts them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Protocol

from engine.calendar import schedule
from engine.calendar.zones import Zones, zone_at
from engine.frozen import frozen
from engine.projections.spans import TICK, between, check_in_times, in_force, monday_of, spans
from engine.projections.streak_slots import cron_slots, fewest, quota_slots
from engine.projections.streak_tally import (
    COUPLE,
    DONE,
    MISSED,
    RECENT,
    Due,
    Tally,
    fresh_lines,
    latest,
)

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.projections.marks import Mark
    from engine.views.streaks import StreakLine

NEVER = datetime.max.replace(tzinfo=UTC)
"""The start of a completion window no slot falls in."""


@frozen
class WeekCount:
    """Check-ins of a quota ritual in the current local week."""

    start: date
    target: int
    counts: dict[str, int]  # by partner id


@frozen
class RitualFigures:
    """A ritual's streak lines, for the couple and each partner, and its week's count."""

    unit: str  # occurrence, week or occasional
    couple: StreakLine
    partners: dict[str, StreakLine]  # by partner id
    week: WeekCount | None


def figures(
    ritual: RitualState,
    marks: Iterable[Mark],
    *,
    zones: Zones,
    freezes_per_month: int,
    now: datetime,
    partner_zones: Mapping[str, Zones] | None = None,
    settled: Settled | None = None,
) -> RitualFigures:
    """The streak figures of one ritual as they stand at ``now``.

    ``zones`` are the couple's; ``partner_zones`` those of partners with a zone of their
    own (the others follow the couple's). Each partner's line counts its late-entry
    windows, freeze months and quota weeks in that partner's zone.

    With ``settled`` (the tallies of every slot before its horizon, see
    ``engine.projections.settled``), ``marks`` need only hold the marks from the horizon
    on, and the figures are the same as from all of them.
    """
    partners = list(dict.fromkeys(p for d in ritual.definitions for p in d.participants))
    lines = fresh_lines(partners) if settled is None else settled.lines_at(now)
    own = [m for m in marks if m.ritual_id == ritual.ritual_id]
    times = fold_slots(
        lines,
        ritual,
        own,
        zones=zones,
        partner_zones=partner_zones,
        freezes_per_month=freezes_per_month,
        now=now,
        low=None if settled is None else settled.horizon,
    )
    _count_occasional(ritual, times, lines)
    current = in_force(ritual, now) or ritual.current
    unit = "occurrence" if current.cron else "week" if current.per_week else "occasional"
    return RitualFigures(
        unit=unit,
        couple=lines[COUPLE].line(),
        partners={p: lines[p].line() for p in partners},
        week=_this_week(ritual, times, zones, now),
    )


class Settled(Protocol):
    """What ``figures`` needs of a settled start: its horizon and a copy of its tallies
    as they stand at a moment."""

    @property
    def horizon(self) -> datetime: ...

    def lines_at(self, now: datetime) -> dict[str, Tally]: ...


def fold_slots(
    lines: dict[str, Tally],
    ritual: RitualState,
    own: list[Mark],
    *,
    zones: Zones,
    freezes_per_month: int,
    now: datetime,
    partner_zones: Mapping[str, Zones] | None = None,
    low: datetime | None = None,
    high: datetime | None = None,
    recent: dict[str, list[Due]] | None = None,
) -> dict[str, list[datetime]]:
    """Add the slots with ``low <= at < high`` to ``lines``, in time order, and count the
    check-ins of ``own`` (the ritual's marks of that span); returns each partner's quota
    and occasional check-in times among them. A span cut at ``low`` or ``high`` must not
    split a quota week or a local day (``engine.projections.settled`` sees to it).
    With ``recent``, the due slots of the completion rate's window are added to it, by
    line, rather than counted in the lines (settled tallies count them when read)."""
    zones_of = dict(partner_zones or {})
    scheduled = {m.occurrence: m for m in own if m.occurrence is not None}
    times = check_in_times((m for m in own if m.occurrence is None), now)
    slots = cron_slots(ritual, scheduled, zones, zones_of, now, low, high)
    slots += quota_slots(ritual, times, zones, zones_of, now, low, high)
    slots.sort(key=lambda s: s.at)
    since = now - RECENT
    for slot in slots:
        for line, entry in slot.entries.items():
            if recent is not None and slot.at >= since and entry.outcome in (DONE, MISSED):
                recent.setdefault(line, []).append((slot.at, entry.outcome == DONE))
            lines[line].add(slot, entry, freezes_per_month, NEVER if recent is not None else since)
    for mark in own:
        logged = mark.done_by(now)
        lines[COUPLE].check_ins += bool(logged)
        for partner, at in logged.items():
            if partner in lines:
                lines[partner].last_done = latest(lines[partner].last_done, at)
                lines[partner].check_ins += 1
    return times


def _count_occasional(
    ritual: RitualState, times: dict[str, list[datetime]], lines: dict[str, Tally]
) -> None:
    for definition, start, end in spans(ritual):
        if definition.cron is not None or definition.per_week is not None:
            continue
        high = end or datetime.max.replace(tzinfo=UTC)
        counted = {p: between(times.get(p, []), start, high) for p in definition.participants}
        for line, got in (*counted.items(), (COUPLE, fewest(counted))):
            lines[line].done += len(got)
            if got:
                lines[line].last_done = latest(lines[line].last_done, got[-1])


def _this_week(
    ritual: RitualState, times: dict[str, list[datetime]], zones: Zones, now: datetime
) -> WeekCount | None:
    for definition, start, end in spans(ritual):
        if definition.per_week is None or start > now or (end is not None and end <= now):
            continue
        zone = zone_at(zones, now)
        monday = monday_of(now, zone)
        week_start = schedule.local_day_bounds(monday, zone)[0]
        low = max(week_start, start)
        who = definition.participants
        counts = {p: len(between(times.get(p, []), low, now + TICK)) for p in who}
        return WeekCount(monday, definition.per_week, counts)
    return None


# -- time helpers --------------------------------------------------------------------------
