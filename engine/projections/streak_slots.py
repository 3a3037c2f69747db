"""The slots of a ritual's streak: each scheduled occurrence, or each local week of a
quota, with its outcome on every line (done, skipped, pending or missed). Pure: no I/O,
and the clock comes in as an argument.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.zones import Zones, zone_at
from engine.domain.anchoring import anchored_occurrences, landing_periods
from engine.projections.spans import TICK, WEEK, between, in_force, paused, spans, weeks
from engine.projections.streak_tally import COUPLE, DONE, MISSED, PENDING, SKIPPED, Entry, Slot
from engine.projections.strength import cron_interval_days, smoothing

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.events import RitualDefined
    from engine.projections.marks import Mark


def cron_slots(
    ritual: RitualState,
    scheduled: dict[datetime, Mark],
    zones: Zones,
    zones_of: Mapping[str, Zones],
    now: datetime,
    low: datetime | None = None,
    high: datetime | None = None,
) -> list[Slot]:
    if not ritual.periods():
        return []
    added = ritual.definitions[0].effective_from
    logged_early = [at for at, m in scheduled.items() if at > now and m.done_by(now)]
    horizon = max([now, *logged_early]) + TICK
    start = min(
        landing_periods(ritual, zone_at(z, added))[0].start for z in (zones, *zones_of.values())
    )
    start = start if low is None else max(start, low)
    horizon = horizon if high is None else min(horizon, high)
    slots: list[Slot] = []
    if start >= horizon:
        return slots
    days: dict[str, Counter[date]] = defaultdict(Counter)
    together: dict[tuple[date, int], list[tuple[str, datetime, Entry]]] = defaultdict(list)
    for occ, owner in anchored_occurrences(ritual, zones, zones_of, start, horizon, landing=True):
        definition, weight = _scheduled_at(ritual, occ.at)
        mark = scheduled.get(occ.at)
        done = mark.done_by(now) if mark else {}
        skipped = mark is not None and mark.skipped_by(now)
        who = definition.participants if owner is None else (owner,)
        if occ.at < added and not any(p in done for p in who) and not skipped:
            continue  # the morning before the ritual was added counts only when logged
        if owner is not None:  # one partner's own local occurrence
            still_open = schedule.late_entry_deadline(occ, zones_of.get(owner, zones)) > now
            entry = Entry(_outcome(owner in done, skipped, still_open), done_at=done.get(owner))
            slots.append(Slot(occ.at, occ.local.date(), weight, {owner: entry}))
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
            p: Entry(
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
        entries[COUPLE] = Entry(_outcome(all_done, skipped, couple_open), done_at=last)
        slots.append(Slot(occ.at, occ.local.date(), weight, entries))
    slots += [_couple_day(key, found, ritual) for key, found in together.items()]
    return slots


def _couple_day(
    key: tuple[date, int], found: list[tuple[str, datetime, Entry]], ritual: RitualState
) -> Slot:
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
    weight = _scheduled_at(ritual, first)[1]
    day = key[0]
    return Slot(first, day, weight, {COUPLE: Entry(outcome, done_at=done_at, day=day)})


def _scheduled_at(ritual: RitualState, moment: datetime) -> tuple[RitualDefined, float]:
    """The cron definition in force at ``moment`` (the first one before the ritual was
    added), and the moving-average weight of one of its occurrences."""
    definition = in_force(ritual, moment) or ritual.definitions[0]
    assert definition.cron is not None
    return definition, smoothing(cron_interval_days(definition.cron))


def quota_slots(
    ritual: RitualState,
    times: dict[str, list[datetime]],
    zones: Zones,
    zones_of: Mapping[str, Zones],
    now: datetime,
    low: datetime | None = None,
    high: datetime | None = None,
) -> list[Slot]:
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
) -> list[Slot]:
    slots = []
    weight = smoothing(7.0)
    for definition, start, end in spans(ritual):
        target = definition.per_week
        if target is None:
            continue
        first = start if low is None else max(start, low)
        for monday, week_start, week_end, zone in weeks(first, end, zones, now):
            if (low is not None and week_start < low) or (high is not None and week_start >= high):
                continue
            since, until = max(week_start, start), week_end if end is None else min(week_end, end)
            whole = (since, until) == (week_start, week_end) and not paused(ritual, since, until)
            deadline = schedule.local_day_bounds(monday + WEEK, zone)[1]
            still_open = deadline > now
            entries: dict[str, Entry] = {}
            counted = {p: between(times.get(p, []), since, until) for p in definition.participants}
            for line, got in (*counted.items(), (COUPLE, fewest(counted))):
                wanted = line not in apart if only is None else line in only
                entry = _week_entry(got, target, whole, still_open) if wanted else None
                if entry is not None:
                    entries[line] = entry
            if entries:
                slots.append(Slot(week_start, monday, weight, entries))
    return slots


def _week_entry(got: list[datetime], target: int, whole: bool, still_open: bool) -> Entry | None:
    if len(got) >= target:
        return Entry(DONE, done_at=got[-1] if got else None)
    if still_open:
        return Entry(PENDING)
    return Entry(MISSED, len(got) / target) if whole else None


def fewest(counted: dict[str, list[datetime]]) -> list[datetime]:
    """The couple's check-ins in a week: those of the participant with the fewest."""
    return min(counted.values(), key=len, default=[])


def _outcome(done: bool, skipped: bool, still_open: bool) -> str:
    if done:
        return DONE
    if skipped:
        return SKIPPED
    return PENDING if still_open else MISSED
