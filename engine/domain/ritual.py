"""The ritual aggregate: its definitions over time, pauses, retirement, and what was
logged against it; plus the deciders for logging. Pure: no I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from engine.calendar.cron import describe_cron
from engine.calendar.schedule import Occurrence, Period
from engine.calendar.zones import ZoneLike
from engine.domain.anchoring import Line as Line
from engine.domain.anchoring import definition_at as definition_at
from engine.domain.anchoring import landing_periods as landing_periods
from engine.errors import InvalidInput, NotAllowed
from engine.events import (
    CheckedIn,
    Event,
    OccurrenceSkipped,
    RitualAdded,
    RitualDefined,
    RitualEdited,
    RitualPaused,
    RitualResumed,
    RitualRetired,
)

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a logged moment may be before it is refused."""

EARLY_WINDOW = timedelta(days=1)
"""How far ahead an occurrence may be logged early (for example Saturday for Sunday)."""

PLAN_AHEAD = timedelta(days=90)
"""How far ahead an occurrence may be let go (a planned absence): the feed's window."""


@dataclass(frozen=True)
class Pause:
    since: datetime
    until: datetime | None  # None: until resumed


@dataclass(frozen=True)
class RitualState:
    """A ritual as the deciders see it."""

    ritual_id: str = ""
    definitions: tuple[RitualDefined, ...] = ()
    pauses: tuple[Pause, ...] = ()
    retired_at: datetime | None = None
    checkins: frozenset[tuple[datetime | None, str]] = frozenset()
    skips: frozenset[datetime] = frozenset()
    version: int = 0

    @property
    def current(self) -> RitualDefined:
        return self.definitions[-1]

    @property
    def title(self) -> str:
        return self.current.title

    def paused_at(self, moment: datetime) -> Pause | None:
        for pause in self.pauses:
            if pause.since <= moment and (pause.until is None or moment < pause.until):
                return pause
        return None

    def status(self, now: datetime) -> str:
        if self.retired_at is not None and self.retired_at <= now:
            return "retired"
        return "paused" if self.paused_at(now) else "active"

    def periods(self) -> list[Period]:
        """The cron schedules in force over time, with pauses and retirement cut out."""
        spans: list[tuple[str, datetime, datetime | None]] = []
        defs = self.definitions
        for i, d in enumerate(defs):
            end = defs[i + 1].effective_from if i + 1 < len(defs) else self.retired_at
            if self.retired_at is not None and end is not None:
                end = min(end, self.retired_at)
            if d.cron is not None and (end is None or d.effective_from < end):
                spans.append((d.cron, d.effective_from, end))
        for pause in self.pauses:
            spans = _cut(spans, pause.since, pause.until)
        return [Period(cron, start, end) for cron, start, end in spans]


def _cut(
    spans: list[tuple[str, datetime, datetime | None]], since: datetime, until: datetime | None
) -> list[tuple[str, datetime, datetime | None]]:
    out: list[tuple[str, datetime, datetime | None]] = []
    for cron, start, end in spans:
        if (end is not None and end <= since) or (until is not None and until <= start):
            out.append((cron, start, end))
            continue
        if start < since:
            out.append((cron, start, since))
        if until is not None and (end is None or until < end):
            out.append((cron, until, end))
    return out


def evolve(state: RitualState, event: Event) -> RitualState:
    """Apply one ritual-stream event."""
    state = replace(state, version=state.version + 1)
    match event:
        case RitualAdded() | RitualEdited():
            return replace(
                state, ritual_id=event.ritual_id, definitions=(*state.definitions, event)
            )
        case RitualPaused():
            return replace(state, pauses=(*state.pauses, Pause(event.since, event.until)))
        case RitualResumed():
            pauses = tuple(
                replace(p, until=event.at)
                if p.since <= event.at and (p.until is None or event.at < p.until)
                else p
                for p in state.pauses
            )
            return replace(state, pauses=pauses)
        case RitualRetired():
            return replace(state, retired_at=event.at)
        case CheckedIn():
            marks = {(event.occurrence, event.partner_id)}
            marks |= {(event.occurrence, p) for p in event.for_partners}
            return replace(state, checkins=state.checkins | marks)
        case OccurrenceSkipped():
            return replace(state, skips=state.skips | {event.occurrence})
        case _:
            return state


def fold(events: list[Event]) -> RitualState:
    state = RitualState()
    for event in events:
        state = evolve(state, event)
    return state


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


def _require_usable(state: RitualState, now: datetime) -> None:
    if state.status(now) == "retired":
        raise NotAllowed(f"'{state.title}' is retired; add it again to bring it back")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput("times need a UTC offset or the couple's zone")
    return moment


def _moment(at: datetime | None, now: datetime) -> datetime:
    moment = _aware(now if at is None else at)
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


def _occurrence_for(
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
    _require_open(state, line, occ, now)
    return occ


def _require_open(state: RitualState, line: Line, occ: Occurrence, now: datetime) -> None:
    if line.deadline(occ) <= now:
        raise NotAllowed(
            f"the {line.local(occ):%a %d %b %H:%M} occurrence of '{state.title}' can no "
            "longer be logged; its late-entry window has closed"
        )


def decide_check_in(
    state: RitualState,
    tz: ZoneLike,
    partner_id: str,
    *,
    now: datetime,
    at: datetime | None = None,
    occurrence: datetime | None = None,
    closeness: int | None = None,
    note: str | None = None,
    note_shared: bool = False,
    for_partners: tuple[str, ...] = (),
    own: ZoneLike | None = None,
) -> CheckedIn:
    """Check that a partner may log this ritual now, and say what to record.

    ``tz`` holds the couple's zones; ``own`` the partner's (by default the same): a ritual
    kept at each one's local time lands on the partner's own occurrence, and the
    late-entry window closes at the end of the partner's next local day.
    """
    _require_usable(state, now)
    moment = _moment(at, now)
    definition = state.current
    if partner_id not in definition.participants:
        raise NotAllowed(f"this partner does not take part in '{state.title}'")
    if closeness is not None and not 1 <= closeness <= 5:
        raise InvalidInput("closeness is a number from 1 to 5")
    if for_partners and definition.each_local:
        raise NotAllowed(
            f"'{state.title}' happens at each partner's own local time, so each checks in "
            "for their own"
        )
    occ_at: datetime | None = None
    if occurrence is None and state.paused_at(moment):
        raise NotAllowed(f"'{state.title}' is paused")
    if definition.cron is not None or occurrence is not None:
        mine = frozenset(
            o for o, p in state.checkins if p == partner_id and o is not None and at is None
        )  # without --at, an occurrence already logged gives way to the next pending one
        line = Line.of(state, tz, own, partner_id)
        occ = _occurrence_for(state, line, moment, occurrence, now, mine)
        shown = line.local(occ)
        if state.paused_at(occ.at):
            raise NotAllowed(f"'{state.title}' was paused at that time")
        if occ.at > now and occ.at in state.skips:
            raise NotAllowed(
                f"the {shown:%a %d %b %H:%M} '{state.title}' is planned as let go; "
                "once it has happened, a check-in for it still counts"
            )
        if (occ.at, partner_id) in state.checkins:
            raise NotAllowed(f"already checked in for '{state.title}' on {shown:%a %d %b %H:%M}")
        occ_at = occ.at
    return CheckedIn(
        ritual_id=state.ritual_id,
        partner_id=partner_id,
        occurrence=occ_at,
        done_at=moment,
        closeness=closeness,
        note=note,
        note_shared=note_shared,
        for_partners=tuple(p for p in for_partners if p != partner_id),
    )


def decide_skip(
    state: RitualState,
    tz: ZoneLike,
    partner_id: str | None,
    *,
    now: datetime,
    at: datetime | None = None,
    occurrence: datetime | None = None,
    reason: str | None = None,
    own: ZoneLike | None = None,
) -> OccurrenceSkipped:
    """Check that an occurrence may be let go, and say what to record.

    ``at`` or ``occurrence`` may lie ahead, up to :data:`PLAN_AHEAD`: a planned absence.
    A moment to come names the occurrence at that instant or else the nearest one the
    same local day; a moment past is resolved as a check-in's is. ``own`` holds the
    skipping partner's zones, as for a check-in.
    """
    _require_usable(state, now)
    if state.current.cron is None and occurrence is None:
        raise NotAllowed(f"'{state.title}' has no fixed times, so there is nothing to skip")
    if partner_id is None and state.current.each_local:
        raise InvalidInput(
            f"'{state.title}' happens at each partner's own local time; "
            "say whose occurrence is let go (--by)"
        )
    ahead = occurrence if occurrence is not None else at
    if ahead is not None and _aware(ahead) > now + CLOCK_SKEW:
        line = Line.of(state, tz, own, partner_id, landing=occurrence is not None)
        occ = (
            exact_occurrence(state, tz, ahead, line=line)
            if occurrence is not None
            else planned_occurrence(state, tz, ahead, line=line)
        )
        if occ.at > now + PLAN_AHEAD:
            raise InvalidInput(_TOO_FAR)
    else:
        line = Line.of(state, tz, own, partner_id)
        moment = _moment(at, now) if occurrence is None else now
        occ = _occurrence_for(state, line, moment, occurrence, now)
    _require_skippable(state, occ, line, partner_id)
    if reason is not None and partner_id is None:
        raise InvalidInput(
            "a reason is kept for the partner who gives it; say who is letting it go (--by)"
        )
    return OccurrenceSkipped(
        ritual_id=state.ritual_id,
        occurrence=occ.at,
        partner_id=partner_id,
        reason=reason,
        reason_key=partner_id if reason is not None and partner_id is not None else "",
    )


_TOO_FAR = f"an occurrence can be let go up to {PLAN_AHEAD.days} days ahead"


def _require_skippable(state: RitualState, occ: Occurrence, line: Line, whose: str | None) -> None:
    shown = line.local(occ)
    if occ.at in state.skips:
        raise NotAllowed(f"the {shown:%a %d %b %H:%M} '{state.title}' is already skipped")
    if _done(state, occ, whose):
        raise NotAllowed(f"the {shown:%a %d %b %H:%M} '{state.title}' is already done")


def _done(state: RitualState, occ: Occurrence, whose: str | None = None) -> bool:
    definition = definition_at(state, occ.at)
    if definition.each_local and whose is not None:
        return (occ.at, whose) in state.checkins  # their own local occurrence
    return all((occ.at, p) in state.checkins for p in definition.participants)


def decide_absence(
    state: RitualState,
    tz: ZoneLike,
    partner_id: str | None,
    *,
    now: datetime,
    first: date,
    last: date,
    reason: str | None = None,
    own: ZoneLike | None = None,
    whose: str | None = None,
) -> list[OccurrenceSkipped]:
    """Let go every occurrence of the local days ``first`` to ``last`` (a planned absence).

    Occurrences already skipped or done, and those whose late-entry window has closed,
    stay as they are; a day more than :data:`PLAN_AHEAD` away is refused. The days are
    those of the partner ``whose`` occurrences are let go (``own`` holds their zones;
    by default ``partner_id``, and the couple's zones).
    """
    _require_usable(state, now)
    if state.current.cron is None:
        raise NotAllowed(f"'{state.title}' has no fixed times, so there is nothing to skip")
    if last < first:
        raise InvalidInput("an absence ends on or after the day it begins")
    whose = whose or partner_id
    line = Line.of(state, tz, own, whose, landing=False)
    low = line.day_bounds(first, now)[0]
    high = line.day_bounds(last, now)[1]
    if high > now + PLAN_AHEAD + timedelta(days=1):
        raise InvalidInput(_TOO_FAR)
    chosen = [
        occ
        for occ in line.occurrences(low, high)
        if occ.at not in state.skips and not _done(state, occ, whose) and line.deadline(occ) > now
    ]
    return [
        OccurrenceSkipped(
            ritual_id=state.ritual_id, occurrence=occ.at, partner_id=partner_id, reason=reason
        )
        for occ in chosen
    ]


def decide_pause(state: RitualState, *, now: datetime, until: datetime | None) -> RitualPaused:
    _require_usable(state, now)
    if state.paused_at(now):
        raise NotAllowed(f"'{state.title}' is already paused")
    if until is not None and until <= now:
        raise InvalidInput("a pause must end in the future")
    return RitualPaused(ritual_id=state.ritual_id, since=now, until=until)


def decide_resume(state: RitualState, *, now: datetime) -> RitualResumed:
    _require_usable(state, now)
    if not state.paused_at(now):
        raise NotAllowed(f"'{state.title}' is not paused")
    return RitualResumed(ritual_id=state.ritual_id, at=now)


def decide_retire(state: RitualState, *, now: datetime) -> RitualRetired:
    _require_usable(state, now)
    return RitualRetired(ritual_id=state.ritual_id, at=now)


def describe(definition: RitualDefined) -> str:
    """A human description of when a ritual happens."""
    return describe_schedule(definition.cron, definition.per_week, together=definition.together)


def describe_schedule(cron: str | None, per_week: int | None, *, together: bool) -> str:
    """A human description of a cron schedule, a weekly count, or neither."""
    if cron is not None:
        return describe_cron(cron)
    if per_week is not None:
        times = "once" if per_week == 1 else f"{per_week} times"
        return f"{times} a week" + ("" if together else " each")
    return "now and then, when it suits you"
