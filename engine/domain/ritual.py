"""The ritual aggregate: its definitions over time, pauses, retirement, and what was
logged against it; plus the deciders for logging. Pure: no I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from engine import schedule
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
from engine.schedule import Occurrence, Period

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a logged moment may be before it is refused."""

EARLY_WINDOW = timedelta(days=1)
"""How far ahead an occurrence may be logged early (for example Saturday for Sunday)."""


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


def resolve_occurrence(state: RitualState, tz: ZoneInfo, at: datetime, now: datetime) -> Occurrence:
    """The occurrence a moment belongs to.

    An occurrence earlier the same local day wins. Otherwise the nearer of the latest
    earlier occurrence whose late-entry window is still open ("I forgot to log last
    night") and the next one later the same local day ("a few minutes early"). Failing
    both, the next one within a week, logged early.
    """
    periods = state.periods()
    prev = schedule.previous_occurrence(periods, tz, at)
    nxt = schedule.next_occurrence(periods, tz, at)
    day = at.astimezone(tz).date()
    if prev is not None and prev.local.date() == day:
        return prev
    if prev is not None and schedule.late_entry_deadline(prev, tz) <= now:
        prev = None
    later_today = nxt if nxt is not None and nxt.local.date() == day else None
    if prev is not None and later_today is not None:
        return prev if at - prev.at <= later_today.at - at else later_today
    chosen = prev or later_today
    if chosen is not None:
        return chosen
    if nxt is not None and nxt.at - at <= EARLY_WINDOW:
        return nxt
    raise NotAllowed(f"'{state.title}' has no occurrence near that time")


def exact_occurrence(state: RitualState, tz: ZoneInfo, moment: datetime) -> Occurrence:
    """The occurrence at exactly ``moment``; NotAllowed if the schedule has none there."""
    periods = state.periods()
    found = schedule.occurrences(periods, tz, moment, moment + timedelta(seconds=1))
    if not found:
        raise NotAllowed(f"'{state.title}' has no occurrence at that time")
    return found[0]


def _require_usable(state: RitualState, now: datetime) -> None:
    if state.status(now) == "retired":
        raise NotAllowed(f"'{state.title}' is retired; add it again to bring it back")


def _moment(at: datetime | None, now: datetime) -> datetime:
    moment = now if at is None else at
    if moment.tzinfo is None:
        raise InvalidInput("times need a UTC offset or the couple's zone")
    if moment > now + CLOCK_SKEW:
        raise InvalidInput("that time is in the future; log it once it has happened")
    return moment


def _occurrence_for(
    state: RitualState,
    tz: ZoneInfo,
    moment: datetime,
    occurrence: datetime | None,
    now: datetime,
) -> Occurrence:
    occ = (
        exact_occurrence(state, tz, occurrence)
        if occurrence is not None
        else resolve_occurrence(state, tz, moment, now)
    )
    if occ.at > now + EARLY_WINDOW:
        raise InvalidInput("that occurrence is more than a day away")
    if schedule.late_entry_deadline(occ, tz) <= now:
        raise NotAllowed(
            f"the {occ.local:%a %d %b %H:%M} occurrence of '{state.title}' can no longer be "
            "logged; its late-entry window has closed"
        )
    return occ


def decide_check_in(
    state: RitualState,
    tz: ZoneInfo,
    partner_id: str,
    *,
    now: datetime,
    at: datetime | None = None,
    occurrence: datetime | None = None,
    closeness: int | None = None,
    note: str | None = None,
    note_shared: bool = False,
    for_partners: tuple[str, ...] = (),
) -> CheckedIn:
    """Check that a partner may log this ritual now, and say what to record."""
    _require_usable(state, now)
    moment = _moment(at, now)
    definition = state.current
    if partner_id not in definition.participants:
        raise NotAllowed(f"this partner does not take part in '{state.title}'")
    if closeness is not None and not 1 <= closeness <= 5:
        raise InvalidInput("closeness is a number from 1 to 5")
    occ_at: datetime | None = None
    if occurrence is None and state.paused_at(moment):
        raise NotAllowed(f"'{state.title}' is paused")
    if definition.cron is not None or occurrence is not None:
        occ = _occurrence_for(state, tz, moment, occurrence, now)
        if state.paused_at(occ.at):
            raise NotAllowed(f"'{state.title}' was paused at that time")
        if (occ.at, partner_id) in state.checkins:
            raise NotAllowed(
                f"already checked in for '{state.title}' on {occ.local:%a %d %b %H:%M}"
            )
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
    tz: ZoneInfo,
    partner_id: str | None,
    *,
    now: datetime,
    at: datetime | None = None,
    occurrence: datetime | None = None,
    reason: str | None = None,
) -> OccurrenceSkipped:
    """Check that an occurrence may be let go, and say what to record."""
    _require_usable(state, now)
    if state.current.cron is None and occurrence is None:
        raise NotAllowed(f"'{state.title}' has no fixed times, so there is nothing to skip")
    moment = _moment(at, now) if occurrence is None else now
    occ = _occurrence_for(state, tz, moment, occurrence, now)
    if occ.at in state.skips:
        raise NotAllowed(f"the {occ.local:%a %d %b %H:%M} '{state.title}' is already skipped")
    if all((occ.at, p) in state.checkins for p in state.current.participants):
        raise NotAllowed(f"the {occ.local:%a %d %b %H:%M} '{state.title}' is already done")
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
