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

import functools
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from operator import attrgetter
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
VERSION = 2

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
    """The entries as columns, so that a week of hundreds of entries is a few dozen JSON
    values and three per entry (its event id, position and moment its event occurred):
    the kinds in one string; the partner and ritual ids once per week (``ids``), and who
    logged each entry and its ritual as one character each of a string (``_NONE``: none);
    the rarer values (a moment done other than when its event occurred, an occurrence,
    the partners a check-in counts for as well) as [entry, value] pairs."""
    ids: dict[str, int] = {}

    def ref(name: str | None) -> str:
        return _NONE if name is None else _char(ids.setdefault(name, len(ids)))

    at, occurrences, also = [], [], []
    for i, e in enumerate(week):
        if (done := e.at.isoformat()) != e.occurred_at.isoformat():
            at.append([i, done])
        if e.occurrence is not None:
            occurrences.append([i, e.occurrence.isoformat()])
        if e.also:
            also.append([i, "".join(ref(p) for p in e.also)])
    return {
        "kinds": "".join(e.kind for e in week),
        "events": [e.event_id for e in week],
        "positions": [e.position for e in week],
        "occurred": [e.occurred_at.isoformat() for e in week],
        "by": "".join(ref(e.by) for e in week),
        "rituals": "".join(ref(e.ritual_id or None) for e in week),
        "ids": list(ids),
        "at": at,
        "occurrences": occurrences,
        "also": also,
    }


_NONE = "-"
"""How a week's columns write no id."""


def _char(index: int) -> str:
    """The character that stands for a week's id number ``index``: a digit or letter for
    the first few, never ``_NONE``, and never half a surrogate pair (which not every JSON
    store keeps)."""
    code = 48 + index
    return chr(code + 0x800 if code >= 0xD800 else code)


def load(data: Json) -> Week:
    code = {_char(i): name for i, name in enumerate(data["ids"])}
    moment = datetime.fromisoformat
    occurred = list(map(moment, data["occurred"]))
    at = occurred.copy()
    for i, text in data["at"]:
        at[i] = moment(text)
    count = len(occurred)
    occurrences: list[datetime | None] = [None] * count
    for i, text in data["occurrences"]:
        occurrences[i] = moment(text)
    also: list[tuple[str, ...]] = [()] * count
    for i, refs in data["also"]:
        also[i] = tuple(code[c] for c in refs)
    by = map(code.get, data["by"])  # _NONE stands for no id: None
    rituals = map({**code, _NONE: ""}.__getitem__, data["rituals"])
    columns = (data["kinds"], data["events"], data["positions"], occurred, by, at, rituals)
    return tuple(map(_entry, zip(*columns, occurrences, also, strict=True)))


_entry = functools.partial(tuple.__new__, Entry)
"""An entry from its fields in order, without the named tuple's checks: a status loads
hundreds of entries, and ``load`` gives every one all nine."""


class Logged(NamedTuple):
    """What a reader found of the recent weeks: the weeks by key (each in log order), with
    no entry an undo took back, and the events of the types it asked for besides."""

    weeks: dict[str, Week]
    ageless: list[RecordedEvent]

    def since(self, moment: datetime, *, ordered: bool = True) -> list[Entry]:
        """Every entry that states a moment from the start of ``moment``'s week on: the
        weeks from its key on, as each entry is filed under the week of its latest moment
        (so no entry needs to be looked at to leave it out); in log order if ``ordered``."""
        found = list(chain.from_iterable(self.weeks_since(moment)))
        if ordered:
            found.sort(key=attrgetter("position"))
        return found

    def weeks_since(self, moment: datetime) -> list[Week]:
        """The weeks :meth:`since` takes its entries from, each as it was read."""
        first = week_key(moment)
        return [week for key, week in self.weeks.items() if key >= first]


def without(week: Week, gone: Collection[str]) -> Week:
    """``week`` but the entries of the events ``gone`` (undone): the same object when it
    holds none of them."""
    kept = tuple(e for e in week if e.event_id not in gone)
    return week if len(kept) == len(week) else kept


def done_times(
    weeks: Iterable[Week], journals: int, moments: Callable[[Week], Done]
) -> list[datetime]:
    """When each check-in without an occurrence (quota, occasional) in ``weeks`` was
    done, and each appreciation written once per ``journals`` (an appreciation-journal
    ritual counts them as its check-ins): all a heatmap needs of them. ``moments``:
    :func:`done_in` or a keeper of what it found for each week."""
    found: list[datetime] = []
    for checkins, appreciations in map(moments, weeks):
        found += checkins
        if journals:
            found += appreciations * journals
    return found


Done = tuple[list[datetime], list[datetime]]
"""When a week's quota and occasional check-ins were done, and its appreciations written."""


def done_in(week: Week) -> Done:
    """What :func:`done_times` needs of one week."""
    checkins = [e.at for e in week if e.kind == CHECK_IN and e.occurrence is None]
    appreciations = [e.at for e in week if e.kind == APPRECIATION and e.by]
    return checkins, appreciations


LOGGED_WEEKS: Projection[Week] = Projection(NAME, VERSION, keys, evolve, dump, load)
