"""The facts the drift signals count, worked out from ``logged_weeks`` entries.

Each run of entries (a week's, say) gives its check-ins, skips and entries by when their
events occurred (:func:`entry_facts`), without the rituals' definitions, so a caller
that reads the same week again can keep what its week gave; :func:`facts_of` merges the
runs and marks the check-ins of rituals done together. They are the facts
``engine.projections.insights.read_log`` finds in the events themselves. Pure: no I/O,
no clock.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import chain
from operator import attrgetter
from typing import NamedTuple, TypeVar

from engine.events import RecordedEvent, RitualAdded, RitualEdited
from engine.projections.insights import CheckInFact
from engine.projections.logged_weeks import CHECK_IN, SKIP, Entry

T = TypeVar("T")

Column = tuple[list[datetime], list[T]]
"""Facts of one kind, each beside when its event occurred, in that order."""


class Known(NamedTuple):
    """The facts of each kind, merged from runs of entries (:func:`facts_of`): what had
    occurred by a moment is a prefix of each (the signals count them, in any order)."""

    checkins: Column[CheckInFact]
    skips: Column[datetime]
    entries: Column[tuple[datetime, str]]

    def by(
        self, then: datetime | None
    ) -> tuple[tuple[CheckInFact, ...], tuple[datetime, ...], tuple[tuple[datetime, str], ...]]:
        """The check-ins, skips and entries whose events had occurred by ``then`` (None:
        all of them)."""
        return (_upto(self.checkins, then), _upto(self.skips, then), _upto(self.entries, then))


class EntryFacts(NamedTuple):
    """What some entries add to the facts the signals read, as :func:`read_log` finds
    them in their events, but for whether a check-in's ritual was done together (that
    takes the rituals' definitions): ``refs`` holds each check-in's ritual id and log
    position to tell it. Depends on the entries alone, so a week's can be kept."""

    checkins: Column[CheckInFact]  # each as not done together
    refs: list[tuple[str, int]]  # beside each check-in
    skips: Column[datetime]
    entries: Column[tuple[datetime, str]]


def _upto(column: Column[T], then: datetime | None) -> tuple[T, ...]:
    moments, values = column
    return tuple(values if then is None else values[: bisect_right(moments, then)])


def entry_facts(entries: Iterable[Entry]) -> EntryFacts:
    """The facts ``entries`` add, by when each one's event occurred."""
    found = EntryFacts(([], []), [], ([], []), ([], []))
    (checkin_at, checkins), refs, (skip_at, skips), (entry_at, logged) = found
    for e in sorted(entries, key=attrgetter("occurred_at")):
        occurred = e.occurred_at
        if e.kind == CHECK_IN:
            assert e.by is not None
            checkin_at.append(occurred)
            checkins.append(_check_in((e.occurrence or e.at, e.by, e.also, None, False)))
            refs.append((e.ritual_id, e.position))
            entry_at.append(occurred)
            logged.append((e.at, e.by))
        elif e.kind == SKIP:
            skip_at.append(occurred)
            skips.append(e.at)
            if e.by:
                entry_at.append(occurred)
                logged.append((occurred, e.by))
        elif e.by:
            entry_at.append(occurred)
            logged.append((e.at, e.by))
    return found


def facts_of(parts: Sequence[EntryFacts], ageless: Sequence[RecordedEvent]) -> Known:
    """The facts of ``parts`` together, each check-in counted as shared by its ritual's
    definition latest before it among ``ageless``."""
    if len(parts) == 1:
        part = parts[0]
        checkin_at, facts, refs = part.checkins[0], list(part.checkins[1]), part.refs
        skips, entries = part.skips, part.entries
    else:
        order = _order([p.checkins[0] for p in parts])
        checkin_at = _joined([p.checkins[0] for p in parts], order)
        facts = _joined([p.checkins[1] for p in parts], order)
        refs = _joined([p.refs for p in parts], order)
        skips = _column([p.skips for p in parts])
        entries = _column([p.entries for p in parts])
    positions: dict[str, list[int]] = {}
    together: dict[str, list[bool]] = {}
    for r in ageless:
        if isinstance(r.event, RitualAdded | RitualEdited):
            positions.setdefault(r.event.ritual_id, []).append(r.position)
            shared_now = r.event.together and len(r.event.participants) > 1
            together.setdefault(r.event.ritual_id, []).append(shared_now)
    sometimes = {rid for rid, flags in together.items() if any(flags)}
    for i, (rid, position) in enumerate(refs if sometimes else ()):
        if rid in sometimes:  # most rituals are never done together
            before = bisect_left(positions[rid], position)
            if before > 0 and together[rid][before - 1]:
                facts[i] = facts[i]._replace(shared_ritual=True)
    return Known((checkin_at, facts), skips, entries)


def _order(moments: Sequence[list[datetime]]) -> list[int] | None:
    """How to sort the lists of ``moments`` (each sorted) joined end to end: None when
    they already are, as a log's weeks mostly are."""
    last: datetime | None = None
    for run in moments:
        if run:
            if last is not None and run[0] < last:
                joined = list(chain.from_iterable(moments))
                return sorted(range(len(joined)), key=joined.__getitem__)
            last = run[-1]
    return None


def _joined(lists: Sequence[list[T]], order: list[int] | None) -> list[T]:
    joined = list(chain.from_iterable(lists))
    return joined if order is None else [joined[i] for i in order]


def _column(columns: Sequence[Column[T]]) -> Column[T]:
    order = _order([ms for ms, _ in columns])
    return _joined([ms for ms, _ in columns], order), _joined([vs for _, vs in columns], order)


_check_in = functools.partial(tuple.__new__, CheckInFact)
"""A check-in fact from its five fields, without the named tuple's checks (hundreds)."""
