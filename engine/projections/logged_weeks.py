"""The ``logged_weeks`` read model: what a couple's partners logged, filed by week.

A status looks at weeks, not years: the heatmap's twelve and the drift signals' eight
(``engine.projections.drift``). Reading those weeks from the event log costs every event
in them; this model files each entry they need under one key per UTC week
(``w<Monday, ISO date>``), so a status reads a dozen small rows instead. It files:

- a check-in (the moment it was done, the occurrence it was for, who it counts for);
- a skip (the occurrence let go, and who let it go, if someone did);
- an appreciation written (when, by whom);
- a pause called and a plan task done by a partner (when, by whom).

Each entry goes under the week of the latest moment it states (a check-in for an
occurrence a day ahead, a skip planned weeks ahead, an entry imported long after it
occurred: the week of that latest moment), so the weeks from a Monday on hold every
entry that states anything from then on; a reader filters by each entry's own moments.

An entry keeps its event id, log position and the moment its event occurred, so a reader
can judge "what had happened by then", order it against the rituals' definitions, and
leave out what an undo took back: retractions (``entry.retracted``) are not folded here
but applied by the reader against the couple's retractions, as every reader of the lived
log does (``engine.events.honouring``). The model holds ids and times, never text. Pure:
no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from engine.events import (
    AppreciationGiven,
    CheckedIn,
    OccurrenceSkipped,
    PlanTaskDone,
    RecordedEvent,
    TimeoutCalled,
)
from engine.projections.projection import Json, Projection

NAME = "logged_weeks"
VERSION = 1

PREFIX = "w"

CHECK_IN, SKIP, APPRECIATION, OTHER = "c", "s", "a", "o"
"""The kinds of entry (short: every stored entry names its own): a check-in, a skip, an
appreciation, and other (a pause called, a plan task done)."""


class Entry(NamedTuple):
    """One thing logged, with what the readers of recent weeks need of it (a named
    tuple: a status loads hundreds of them)."""

    kind: str
    event_id: str
    position: int  # in the log
    occurred_at: datetime  # when its event occurred
    by: str | None  # the partner who logged it (a skip may name none)
    at: datetime  # when it was done; for a skip, the occurrence let go
    ritual_id: str = ""  # a check-in's or a skip's
    occurrence: datetime | None = None  # a check-in's occurrence (None: quota, occasional)
    also: tuple[str, ...] = ()  # the partners a check-in counts for as well

    @property
    def latest(self) -> datetime:
        """The latest moment the entry states: its week is the one it is filed under."""
        moments = [self.at, self.occurred_at] if self.kind == SKIP else [self.at]
        if self.occurrence is not None:
            moments.append(self.occurrence)
        return max(moments)


def week_key(moment: datetime) -> str:
    """The key of the UTC week holding ``moment``: keys sort as their weeks do."""
    day = moment.astimezone(UTC).date()
    return f"{PREFIX}{(day - timedelta(days=day.weekday())).isoformat()}"


def week_start(moment: datetime) -> datetime:
    """The start (Monday, 00:00 UTC) of the week :func:`week_key` files ``moment`` under."""
    return datetime.combine(date.fromisoformat(week_key(moment)[1:]), time(), tzinfo=UTC)


def entry_of(recorded: RecordedEvent) -> Entry | None:
    """The entry an event logs (None: it logs none this model keeps)."""
    eid, position, occurred = recorded.event_id, recorded.position, recorded.occurred_at
    match recorded.event:
        case CheckedIn() as e:
            return Entry(
                CHECK_IN,
                eid,
                position,
                occurred,
                e.partner_id,
                e.done_at,
                e.ritual_id,
                e.occurrence,
                tuple(e.for_partners),
            )
        case OccurrenceSkipped() as e:
            return Entry(SKIP, eid, position, occurred, e.partner_id, e.occurrence, e.ritual_id)
        case AppreciationGiven() as e:
            return Entry(APPRECIATION, eid, position, occurred, e.author, e.at)
        case TimeoutCalled() as e:
            return Entry(OTHER, eid, position, occurred, e.by, e.at)
        case PlanTaskDone() as e if e.by:
            return Entry(OTHER, eid, position, occurred, e.by, e.at)
        case _:
            return None


Week = tuple[Entry, ...]
"""One week's entries, in log order."""


def keys(recorded: RecordedEvent) -> tuple[str, ...]:
    entry = entry_of(recorded)
    return () if entry is None else (week_key(entry.latest),)


def evolve(week: Week | None, recorded: RecordedEvent) -> Week:
    entry = entry_of(recorded)
    assert entry is not None
    return (*(week or ()), entry)


def dump(week: Week) -> Json:
    """The entries as short rows: the partner and ritual ids once per week (``ids``), and
    a row's moment done left out (null) when it is the moment its event occurred."""
    ids: dict[str, int] = {}

    def ref(name: str | None) -> int | None:
        return None if name is None else ids.setdefault(name, len(ids))

    rows = []
    for e in week:
        occurred = e.occurred_at.isoformat()
        at = e.at.isoformat()
        rows.append(
            [
                e.kind,
                e.event_id,
                e.position,
                occurred,
                ref(e.by),
                None if at == occurred else at,
                ref(e.ritual_id or None),
                None if e.occurrence is None else e.occurrence.isoformat(),
                [ref(p) for p in e.also],
            ]
        )
    return {"ids": list(ids), "entries": rows}


def load(data: Json) -> Week:
    ids: list[str] = data["ids"]
    found = []
    for kind, eid, position, occurred, by, at, ritual, occurrence, also in data["entries"]:
        occurred_at = datetime.fromisoformat(occurred)
        found.append(
            Entry(
                kind,
                eid,
                position,
                occurred_at,
                None if by is None else ids[by],
                occurred_at if at is None else datetime.fromisoformat(at),
                "" if ritual is None else ids[ritual],
                None if occurrence is None else datetime.fromisoformat(occurrence),
                tuple(ids[p] for p in also) if also else (),
            )
        )
    return tuple(found)


class Logged(NamedTuple):
    """What a reader found of the recent weeks: the weeks by key (each in log order), with
    no entry an undo took back, and the events of the types it asked for besides."""

    weeks: dict[str, Week]
    ageless: list[RecordedEvent]

    def since(self, moment: datetime, *, ordered: bool = True) -> list[Entry]:
        """Every entry that states a moment from the start of ``moment``'s week on: the
        weeks from its key on, as each entry is filed under the week of its latest moment
        (so no entry needs to be looked at to leave it out); in log order if ``ordered``."""
        first = week_key(moment)
        found = [e for key, week in self.weeks.items() if key >= first for e in week]
        if ordered:
            found.sort(key=_position)
        return found


def _position(entry: Entry) -> int:
    return entry.position


def done_times(entries: Iterable[Entry], journals: int) -> list[datetime]:
    """When each check-in without an occurrence (quota, occasional) among ``entries`` was
    done, and each appreciation written once per ``journals`` (an appreciation-journal
    ritual counts them as its check-ins): all a heatmap needs of them."""
    found: list[datetime] = []
    for e in entries:
        if e.kind == CHECK_IN and e.occurrence is None:
            found.append(e.at)
        elif e.kind == APPRECIATION and e.by and journals:
            found += [e.at] * journals
    return found


LOGGED_WEEKS: Projection[Week] = Projection(NAME, VERSION, keys, evolve, dump, load)
