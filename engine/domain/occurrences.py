"""Which occurrence of a ritual a moment names: the one it belongs to (late or a little
early), the one at an exact instant, or one planned ahead; and the checks that a moment
is not in the future and an occurrence can still be logged. Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.domain.anchoring import Line
from engine.domain.ritual import CLOCK_SKEW, EARLY_WINDOW, RitualState
from engine.errors import InvalidInput, NotAllowed

if TYPE_CHECKING:
    from engine.calendar.schedule import Occurrence
    from engine.calendar.zones import ZoneLike


def resolve_occurrence(
    state: RitualState,
    tz: ZoneLike,
    at: datetime,
    now: datetime,
    done: frozenset[datetime] = frozenset(),
    *,
    line: Line | None = None,
) -> Occurrence:
    """The occurrence a moment belongs to.

    An occurrence earlier the same local day wins, unless it is in ``done`` (already
    logged by this partner): then the next one not done, logged early. Otherwise the
    nearer of the latest earlier occurrence whose late-entry window is still open ("I
    forgot to log last night") and the next one later the same local day ("a few minutes
    early"). Failing both, the next one within a day, logged early. ``line`` says whose
    occurrences and local days these are (by default the couple's, in ``tz``).
    """
    line = line or Line.of(state, tz)
    prev = line.previous(at)
    nxt = line.next(at)
    while nxt is not None and nxt.at in done and nxt.at - at <= EARLY_WINDOW:
        nxt = line.next(nxt.at + timedelta(seconds=1))
    day = line.day(at)
    if prev is not None and prev.at in done:
        if nxt is not None and nxt.at - at <= EARLY_WINDOW:
            return nxt
        return prev  # nothing pending near: the caller says it is already logged
    if prev is not None and line.day(prev.at) == day:
        return prev
    if prev is not None and line.deadline(prev) <= now:
        prev = None
    later_today = nxt if nxt is not None and line.day(nxt.at) == day else None
    if prev is not None and later_today is not None:
        return prev if at - prev.at <= later_today.at - at else later_today
    chosen = prev or later_today
    if chosen is not None:
        return chosen
    if nxt is not None and nxt.at - at <= EARLY_WINDOW:
        return nxt
    raise NotAllowed(f"'{state.title}' has no occurrence near that time")


def exact_occurrence(
    state: RitualState, tz: ZoneLike, moment: datetime, *, line: Line | None = None
) -> Occurrence:
    """The occurrence at exactly ``moment``; NotAllowed if the schedule has none there."""
    line = line or Line.of(state, tz)
    found = line.occurrences(moment, moment + timedelta(seconds=1))
    if not found:
        raise NotAllowed(f"'{state.title}' has no occurrence at that time")
    return found[0]


def aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput("times need a UTC offset or the couple's zone")
    return moment


def logged_moment(at: datetime | None, now: datetime) -> datetime:
    moment = aware(now if at is None else at)
    if moment > now + CLOCK_SKEW:
        raise InvalidInput("that time is in the future; log it once it has happened")
    return moment


def planned_occurrence(
    state: RitualState, tz: ZoneLike, at: datetime, *, line: Line | None = None
) -> Occurrence:
    """The occurrence a moment to come names: the one at that instant, or else the nearest
    one the same local day (so "Tuesday 07:00" names Tuesday's 07:30)."""
    line = line or Line.of(state, tz, landing=False)
    day = line.day(at)
    low, high = line.day_bounds(day, at)
    found = line.occurrences(low, high)
    if not found:
        raise NotAllowed(f"'{state.title}' has no occurrence on {day:%a %d %b}")
    return min(found, key=lambda o: (abs(o.at - at), o.at))


def occurrence_for(
    state: RitualState,
    line: Line,
    moment: datetime,
    occurrence: datetime | None,
    now: datetime,
    done: frozenset[datetime] = frozenset(),
) -> Occurrence:
    occ = (
        exact_occurrence(state, line.couple, occurrence, line=line)
        if occurrence is not None
        else resolve_occurrence(state, line.couple, moment, now, done, line=line)
    )
    if occ.at > now + EARLY_WINDOW:
        raise InvalidInput("that occurrence is more than a day away")
    require_open(state, line, occ, now)
    return occ


def require_open(state: RitualState, line: Line, occ: Occurrence, now: datetime) -> None:
    if line.deadline(occ) <= now:
        raise NotAllowed(
            f"the {line.local(occ):%a %d %b %H:%M} occurrence of '{state.title}' can no "
            "longer be logged; its late-entry window has closed"
        )
