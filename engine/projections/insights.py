"""Insights: a couple's practice week by week, folded from their events on demand.

Pure: no I/O, no clock. Reads events decoded without a cipher (intimate fields stay
sealed, and nothing here needs them) and reduces them to dated facts, then counts
those facts per ISO week (Monday to Sunday) in the couple's zone.

A check-in belongs to the week of its occurrence (quota rituals: the moment it was
done), so "I forgot to log last night" still lands in the right week. A repair
attempt's answer counts in the week of the attempt. A pause's length is known once it
ended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CheckedIn,
    OccurrenceSkipped,
    PlanTaskDone,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
    RitualAdded,
    RitualEdited,
    TimeoutCalled,
    TimeoutEnded,
)
from engine.frozen import frozen
from engine.projections.spans import monday_of
from engine.views.insights import WeekInsight

T = TypeVar("T")

CLOSENESS_STEP = (3, 10)
"""How far the average rating must move between the two halves of the window to be
called rising or falling, as (numerator, denominator): 3/10 of a point (ratings run
from 1 to 5)."""


class CheckInFact(NamedTuple):
    """One check-in as insights and drift read it (a named tuple: a status reads hundreds)."""

    at: datetime  # the occurrence, or when a quota ritual was done
    partner: str  # who logged it
    also: tuple[str, ...]  # partners it was logged for as well
    closeness: int | None
    shared_ritual: bool  # a ritual done together by two or more partners


@frozen
class RepairFact:
    """A repair attempt, for the weekly insights."""

    at: datetime
    by: str
    answer: str | None  # the latest answer: accepted, not-yet, or None


@frozen
class TimeoutFact:
    """A timeout called, and when it ended, for the weekly insights."""

    at: datetime
    ended: datetime | None


@frozen
class CoupleLog:
    """The dated facts insights and drift signals are computed from."""

    began: datetime | None  # the couple's first event
    checkins: tuple[CheckInFact, ...]
    skips: tuple[datetime, ...]
    appreciations: tuple[datetime, ...]  # when each was written
    shares: tuple[datetime, ...]  # when each was shared (at once, or from the journal)
    repairs: tuple[RepairFact, ...]
    timeouts: tuple[TimeoutFact, ...]
    entries: tuple[tuple[datetime, str], ...]  # (when, partner id) of everything a partner logged


def read_log(records: Iterable[RecordedEvent]) -> CoupleLog:
    """Reduce a couple's events, in log order, to dated facts."""
    began: datetime | None = None
    shared_ritual: dict[str, bool] = {}
    checkins: list[CheckInFact] = []
    skips: list[datetime] = []
    appreciations: list[datetime] = []
    shares: list[datetime] = []
    repairs: dict[str, RepairFact] = {}
    timeouts: dict[str, TimeoutFact] = {}
    entries: list[tuple[datetime, str]] = []
    for record in records:
        began = began or record.occurred_at
        match record.event:
            case RitualAdded() | RitualEdited() as e:
                shared_ritual[e.ritual_id] = e.together and len(e.participants) > 1
            case CheckedIn() as e:
                at = e.occurrence or e.done_at
                fact = CheckInFact(
                    at,
                    e.partner_id,
                    e.for_partners,
                    e.closeness,
                    shared_ritual.get(e.ritual_id, False),
                )
                checkins.append(fact)
                entries.append((e.done_at, e.partner_id))
            case OccurrenceSkipped() as e:
                skips.append(e.occurrence)
                if e.partner_id:
                    entries.append((record.occurred_at, e.partner_id))
            case AppreciationGiven() as e:
                appreciations.append(e.at)
                if e.shared:
                    shares.append(e.at)
                entries.append((e.at, e.author))
            case AppreciationShared() as e:
                shares.append(e.at)
            case RepairAttempted() as e:
                repairs[e.repair_id] = RepairFact(e.at, e.by, None)
                entries.append((e.at, e.by))
            case RepairAnswered() as e if e.repair_id in repairs:
                old = repairs[e.repair_id]
                repairs[e.repair_id] = RepairFact(old.at, old.by, e.answer)
                entries.append((e.at, e.by))
            case TimeoutCalled() as e:
                timeouts[e.timeout_id] = TimeoutFact(e.at, None)
                entries.append((e.at, e.by))
            case TimeoutEnded() as e if e.timeout_id in timeouts:
                timeouts[e.timeout_id] = TimeoutFact(timeouts[e.timeout_id].at, e.at)
            case PlanTaskDone() as e if e.by:
                entries.append((e.at, e.by))
            case _:
                pass
    return CoupleLog(
        began,
        tuple(checkins),
        tuple(skips),
        tuple(appreciations),
        tuple(shares),
        tuple(repairs.values()),
        tuple(timeouts.values()),
        tuple(entries),
    )


def weekly_insights(
    log: CoupleLog, zone: ZoneInfo, handles: Mapping[str, str], *, today: date, weeks: int
) -> tuple[WeekInsight, ...]:
    """The last ``weeks`` ISO weeks, oldest first, ending with the one holding ``today``."""
    current = monday_of(today, zone)
    mondays = [current - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    checkins = _by_week(log.checkins, lambda c: c.at, zone, mondays)
    appreciations = _by_week(log.appreciations, lambda at: at, zone, mondays)
    shares = _by_week(log.shares, lambda at: at, zone, mondays)
    repairs = _by_week(log.repairs, lambda r: r.at, zone, mondays)
    timeouts = _by_week(log.timeouts, lambda t: t.at, zone, mondays)
    result = []
    for monday in mondays:
        ratings = [c.closeness for c in checkins[monday] if c.closeness is not None]
        year, number, _ = monday.isocalendar()
        result.append(
            WeekInsight(
                week=f"{year}-W{number:02d}",
                starts_on=monday,
                checkins={
                    handle: sum(pid == c.partner or pid in c.also for c in checkins[monday])
                    for pid, handle in handles.items()
                },
                appreciations_given=len(appreciations[monday]),
                appreciations_shared=len(shares[monday]),
                repairs_attempted=len(repairs[monday]),
                repairs_accepted=sum(r.answer == "accepted" for r in repairs[monday]),
                repairs_not_yet=sum(r.answer == "not-yet" for r in repairs[monday]),
                timeouts_called=len(timeouts[monday]),
                timeout_minutes=tuple(
                    round((t.ended - t.at).total_seconds() / 60)
                    for t in timeouts[monday]
                    if t.ended
                ),
                closeness_average=round(sum(ratings) / len(ratings), 1) if ratings else None,
                closeness_ratings=len(ratings),
            )
        )
    return tuple(result)


def _by_week(
    items: Iterable[T], moment: Callable[[T], datetime], zone: ZoneInfo, mondays: Sequence[date]
) -> dict[date, list[T]]:
    """``items`` grouped by the local week they fall in, for the weeks given (one pass)."""
    grouped: dict[date, list[T]] = {monday: [] for monday in mondays}
    # A day or more of slack around the window in UTC, so only candidates are converted.
    low = datetime.combine(mondays[0] - timedelta(days=1), time(), UTC)
    high = datetime.combine(mondays[-1] + timedelta(days=8), time(), UTC)
    for item in items:
        at = moment(item)
        if low <= at < high and (bucket := grouped.get(monday_of(at, zone))) is not None:
            bucket.append(item)
    return grouped


def closeness_trend(log: CoupleLog, zone: ZoneInfo, weeks: Sequence[WeekInsight]) -> str | None:
    """``rising``, ``steady`` or ``falling``: the mean closeness rating in the second half
    of the window against the first half (an odd window's middle week goes to the second
    half); None unless both halves hold ratings."""
    if len(weeks) < 2:
        return None
    middle = weeks[len(weeks) // 2].starts_on
    halves: tuple[list[int], list[int]] = ([], [])
    for c in log.checkins:
        monday = monday_of(c.at, zone)
        if c.closeness is not None and weeks[0].starts_on <= monday <= weeks[-1].starts_on:
            halves[monday >= middle].append(c.closeness)
    first, second = halves
    if not first or not second:
        return None
    # the change of mean, times both halves' sizes, against the step likewise: exact in
    # integers (a rational type would cost every command that folds drift its import)
    change = sum(second) * len(first) - sum(first) * len(second)
    step, per = CLOSENESS_STEP
    if change * per >= step * len(first) * len(second):
        return "rising"
    if -change * per >= step * len(first) * len(second):
        return "falling"
    return "steady"
