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
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from engine.calendar import schedule
from engine.calendar.schedule import Zones as Zones  # the helpers live with the schedules
from engine.calendar.schedule import zone_at as zone_at
from engine.calendar.schedule import zone_segments as zone_segments
from engine.domain.anchoring import anchored_occurrences
from engine.domain.ritual import RitualState, landing_periods
from engine.events import RitualDefined
from engine.projections.marks import Mark
from engine.projections.strength import cron_interval_days, smoothing, step
from engine.views import StreakLine

COUPLE = ""
"""The line of the couple; the other lines are keyed by partner id."""

DONE, SKIPPED, PENDING, MISSED = "done", "skipped", "pending", "missed"

RECENT = timedelta(days=28)
"""The window of the completion rate."""

_TICK = timedelta(microseconds=1)
_WEEK = timedelta(days=7)

Span = tuple[RitualDefined, datetime, datetime | None]


@dataclass(frozen=True)
class WeekCount:
    """Check-ins of a quota ritual in the current local week."""

    start: date
    target: int
    counts: dict[str, int]  # by partner id


@dataclass(frozen=True)
class RitualFigures:
    unit: str  # occurrence, week or occasional
    couple: StreakLine
    partners: dict[str, StreakLine]  # by partner id
    week: WeekCount | None


@dataclass(frozen=True)
class _Entry:
    outcome: str
    practice: float = 0.0  # what a miss feeds into strength (a short quota week: its share)
    done_at: datetime | None = None
    day: date | None = None  # the line's own local day, when it differs from the slot's


@dataclass(frozen=True)
class _Slot:
    at: datetime
    local_day: date
    weight: float  # the moving-average weight of one occurrence of this schedule
    entries: dict[str, _Entry]  # by line


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

    def add(self, slot: _Slot, entry: _Entry, allowance: int, recent_from: datetime) -> None:
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
            self.last_done = _latest(self.last_done, entry.done_at)
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
    lines = fresh_lines(partners) if settled is None else settled.copy_lines()
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
    """What ``figures`` needs of a settled start: its horizon and a copy of its tallies."""

    @property
    def horizon(self) -> datetime: ...

    def copy_lines(self) -> dict[str, Tally]: ...


def fresh_lines(partners: Iterable[str]) -> dict[str, Tally]:
    """Empty tallies for the couple's line and each partner's."""
    return {COUPLE: Tally(), **{p: Tally() for p in partners}}


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
) -> dict[str, list[datetime]]:
    """Add the slots with ``low <= at < high`` to ``lines``, in time order, and count the
    check-ins of ``own`` (the ritual's marks of that span); returns each partner's quota
    and occasional check-in times among them. A span cut at ``low`` or ``high`` must not
    split a quota week or a local day (``engine.projections.settled`` sees to it)."""
    zones_of = dict(partner_zones or {})
    scheduled = {m.occurrence: m for m in own if m.occurrence is not None}
    times = _check_in_times((m for m in own if m.occurrence is None), now)
    slots = _cron_slots(ritual, scheduled, zones, zones_of, now, low, high)
    slots += _quota_slots(ritual, times, zones, zones_of, now, low, high)
    slots.sort(key=lambda s: s.at)
    for slot in slots:
        for line, entry in slot.entries.items():
            lines[line].add(slot, entry, freezes_per_month, now - RECENT)
    for mark in own:
        logged = mark.done_by(now)
        lines[COUPLE].check_ins += bool(logged)
        for partner, at in logged.items():
            if partner in lines:
                lines[partner].last_done = _latest(lines[partner].last_done, at)
                lines[partner].check_ins += 1
    return times


# -- slots ---------------------------------------------------------------------------------


def _cron_slots(
    ritual: RitualState,
    scheduled: dict[datetime, Mark],
    zones: Zones,
    zones_of: Mapping[str, Zones],
    now: datetime,
    low: datetime | None = None,
    high: datetime | None = None,
) -> list[_Slot]:
    if not ritual.periods():
        return []
    added = ritual.definitions[0].effective_from
    logged_early = [at for at, m in scheduled.items() if at > now and m.done_by(now)]
    horizon = max([now, *logged_early]) + _TICK
    start = min(
        landing_periods(ritual, zone_at(z, added))[0].start for z in (zones, *zones_of.values())
    )
    start = start if low is None else max(start, low)
    horizon = horizon if high is None else min(horizon, high)
    slots: list[_Slot] = []
    if start >= horizon:
        return slots
    days: dict[str, Counter[date]] = defaultdict(Counter)
    together: dict[tuple[date, int], list[tuple[str, datetime, _Entry]]] = defaultdict(list)
    for occ, owner in anchored_occurrences(ritual, zones, zones_of, start, horizon, landing=True):
        definition = in_force(ritual, occ.at) or ritual.definitions[0]
        assert definition.cron is not None
        mark = scheduled.get(occ.at)
        done = mark.done_by(now) if mark else {}
        skipped = mark is not None and mark.skipped_by(now)
        who = definition.participants if owner is None else (owner,)
        if occ.at < added and not any(p in done for p in who) and not skipped:
            continue  # the morning before the ritual was added counts only when logged
        weight = smoothing(cron_interval_days(definition.cron))
        if owner is not None:  # one partner's own local occurrence
            still_open = schedule.late_entry_deadline(occ, zones_of.get(owner, zones)) > now
            entry = _Entry(_outcome(owner in done, skipped, still_open), done_at=done.get(owner))
            slots.append(_Slot(occ.at, occ.local.date(), weight, {owner: entry}))
            day = occ.local.date()
            nth = days[owner][day]
            days[owner][day] += 1
            together[(day, nth)].append((owner, occ.at, replace(entry, day=day)))
            continue
        shared_deadline = schedule.late_entry_deadline(occ, zones)
        deadlines = {
            p: schedule.late_entry_deadline(occ, zones_of[p]) if p in zones_of else shared_deadline
            for p in who
        }
        entries = {
            p: _Entry(
                _outcome(p in done, skipped, deadlines[p] > now),
                done_at=done.get(p),
                day=occ.at.astimezone(zone_at(zones_of[p], occ.at)).date()
                if p in zones_of
                else None,
            )
            for p in who
        }
        all_done = all(p in done for p in who)
        last = max(done[p] for p in who) if all_done else None
        couple_open = max([shared_deadline, *deadlines.values()]) > now
        entries[COUPLE] = _Entry(_outcome(all_done, skipped, couple_open), done_at=last)
        slots.append(_Slot(occ.at, occ.local.date(), weight, entries))
    slots += [_couple_day(key, found, ritual) for key, found in together.items()]
    return slots


def _couple_day(
    key: tuple[date, int], found: list[tuple[str, datetime, _Entry]], ritual: RitualState
) -> _Slot:
    """The couple's slot of a ritual kept at each one's local time: one local day (the
    day's n-th occurrence), done when every participant did theirs."""
    entries = [entry for _, _, entry in found]
    outcomes = {entry.outcome for entry in entries}
    if outcomes == {DONE}:
        outcome = DONE
    elif SKIPPED in outcomes:
        outcome = SKIPPED
    else:
        outcome = PENDING if PENDING in outcomes else MISSED
    first = min(at for _, at, _ in found)
    done_at = max((e.done_at for e in entries if e.done_at), default=None)
    definition = in_force(ritual, first) or ritual.definitions[0]
    assert definition.cron is not None
    weight = smoothing(cron_interval_days(definition.cron))
    day = key[0]
    return _Slot(first, day, weight, {COUPLE: _Entry(outcome, done_at=done_at, day=day)})


def _quota_slots(
    ritual: RitualState,
    times: dict[str, list[datetime]],
    zones: Zones,
    zones_of: Mapping[str, Zones],
    now: datetime,
    low: datetime | None = None,
    high: datetime | None = None,
) -> list[_Slot]:
    """The weeks of quota definitions: the couple's (and the lines of partners following
    the couple's zone) in the couple's local weeks, a partner with a zone of their own in
    their own local weeks."""
    slots = []
    groups: list[tuple[Zones, set[str] | None]] = [(zones, None)]
    groups += [(own, {p}) for p, own in zones_of.items()]
    for week_zones, only in groups:
        slots += _quota_weeks(ritual, times, week_zones, now, only, set(zones_of), low, high)
    return slots


def _quota_weeks(
    ritual: RitualState,
    times: dict[str, list[datetime]],
    zones: Zones,
    now: datetime,
    only: set[str] | None,
    apart: set[str],
    low: datetime | None = None,
    high: datetime | None = None,
) -> list[_Slot]:
    slots = []
    weight = smoothing(7.0)
    for definition, start, end in _spans(ritual):
        target = definition.per_week
        if target is None:
            continue
        first = start if low is None else max(start, low)
        for monday, week_start, week_end, zone in _weeks(first, end, zones, now):
            if (low is not None and week_start < low) or (high is not None and week_start >= high):
                continue
            since, until = max(week_start, start), week_end if end is None else min(week_end, end)
            whole = (since, until) == (week_start, week_end) and not _paused(ritual, since, until)
            deadline = schedule.local_day_bounds(monday + _WEEK, zone)[1]
            still_open = deadline > now
            entries: dict[str, _Entry] = {}
            counted = {p: _between(times.get(p, []), since, until) for p in definition.participants}
            for line, got in (*counted.items(), (COUPLE, _fewest(counted))):
                wanted = line not in apart if only is None else line in only
                entry = _week_entry(got, target, whole, still_open) if wanted else None
                if entry is not None:
                    entries[line] = entry
            if entries:
                slots.append(_Slot(week_start, monday, weight, entries))
    return slots


def _week_entry(got: list[datetime], target: int, whole: bool, still_open: bool) -> _Entry | None:
    if len(got) >= target:
        return _Entry(DONE, done_at=got[-1] if got else None)
    if still_open:
        return _Entry(PENDING)
    return _Entry(MISSED, len(got) / target) if whole else None


def _fewest(counted: dict[str, list[datetime]]) -> list[datetime]:
    """The couple's check-ins in a week: those of the participant with the fewest."""
    return min(counted.values(), key=len, default=[])


def _outcome(done: bool, skipped: bool, still_open: bool) -> str:
    if done:
        return DONE
    if skipped:
        return SKIPPED
    return PENDING if still_open else MISSED


def _count_occasional(
    ritual: RitualState, times: dict[str, list[datetime]], lines: dict[str, Tally]
) -> None:
    for definition, start, end in _spans(ritual):
        if definition.cron is not None or definition.per_week is not None:
            continue
        high = end or datetime.max.replace(tzinfo=UTC)
        counted = {p: _between(times.get(p, []), start, high) for p in definition.participants}
        for line, got in (*counted.items(), (COUPLE, _fewest(counted))):
            lines[line].done += len(got)
            if got:
                lines[line].last_done = _latest(lines[line].last_done, got[-1])


def _this_week(
    ritual: RitualState, times: dict[str, list[datetime]], zones: Zones, now: datetime
) -> WeekCount | None:
    for definition, start, end in _spans(ritual):
        if definition.per_week is None or start > now or (end is not None and end <= now):
            continue
        zone = zone_at(zones, now)
        monday = _monday(now, zone)
        week_start = schedule.local_day_bounds(monday, zone)[0]
        low = max(week_start, start)
        who = definition.participants
        counts = {p: len(_between(times.get(p, []), low, now + _TICK)) for p in who}
        return WeekCount(monday, definition.per_week, counts)
    return None


# -- time helpers --------------------------------------------------------------------------


def _spans(ritual: RitualState) -> list[Span]:
    """Each definition with the span it was in force: [effective from, next one or retirement)."""
    spans: list[Span] = []
    defs = ritual.definitions
    for i, definition in enumerate(defs):
        end = defs[i + 1].effective_from if i + 1 < len(defs) else None
        if ritual.retired_at is not None:
            end = ritual.retired_at if end is None else min(end, ritual.retired_at)
        if end is None or definition.effective_from < end:
            spans.append((definition, definition.effective_from, end))
    return spans


def in_force(ritual: RitualState, moment: datetime) -> RitualDefined | None:
    """The ritual's definition in force at ``moment`` (None before it was added)."""
    found = None
    for definition in ritual.definitions:
        if definition.effective_from <= moment:
            found = definition
    return found


def _paused(ritual: RitualState, low: datetime, high: datetime) -> bool:
    return any(p.since < high and (p.until is None or p.until > low) for p in ritual.pauses)


def _monday(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def _weeks(
    start: datetime, end: datetime | None, zones: Zones, now: datetime
) -> Iterator[tuple[date, datetime, datetime, ZoneInfo]]:
    """The local weeks from the one holding ``start`` to the one holding ``now`` (or ``end``)."""
    monday = _monday(start, zone_at(zones, start))
    while True:
        zone = zone_at(zones, datetime.combine(monday, time(12), tzinfo=UTC))
        week_start = schedule.local_day_bounds(monday, zone)[0]
        if week_start > now or (end is not None and week_start >= end):
            return
        yield monday, week_start, schedule.local_day_bounds(monday + _WEEK, zone)[0], zone
        monday += _WEEK


def _check_in_times(marks: Iterable[Mark], now: datetime) -> dict[str, list[datetime]]:
    """Each partner's quota and occasional check-ins up to ``now``, in time order."""
    times: dict[str, list[datetime]] = defaultdict(list)
    for mark in marks:
        for partner, at in mark.done_by(now).items():
            times[partner].append(at)
    return {p: sorted(found) for p, found in times.items()}


def _between(times: list[datetime], low: datetime, high: datetime) -> list[datetime]:
    return times[bisect.bisect_left(times, low) : bisect.bisect_left(times, high)]


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)
