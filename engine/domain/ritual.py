"""The ritual aggregate: its definitions over time, pauses, retirement, and what was
logged against it, folded from its stream; and how its schedule reads in words. Pure:
no I/O, no clock. Its deciders are in ``ritual_decisions`` (which occurrence a moment
names, in ``occurrences``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine.calendar.cron import describe_cron
from engine.calendar.schedule import Period
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
from engine.frozen import frozen

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a logged moment may be before it is refused."""

EARLY_WINDOW = timedelta(days=1)
"""How far ahead an occurrence may be logged early (for example Saturday for Sunday)."""

PLAN_AHEAD = timedelta(days=90)
"""How far ahead an occurrence may be let go (a planned absence): the feed's window."""


@frozen
class Pause:
    """A span in which the ritual is paused."""

    since: datetime
    until: datetime | None  # None: until resumed


@frozen
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
