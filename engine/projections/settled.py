"""Settled streak tallies: the part of a ritual's streak figures that time can no longer
change, kept so that a streak costs the same on day 1,000 as on day 10.

A slot (an occurrence, or a quota week) is *settled* once its late-entry window closed:
what it added to every line (the current and best streak, strength, freezes spent, the
counts) is then fixed, unless an event rewrites it (an import, an undo of an old entry)
or the ritual's definitions, its zones or the freeze allowance change. Only the 28-day
completion rate still moves as time passes, so a settled slot within that window is
kept apart as (when, done) and counted by the moment that reads it. :class:`Settled`
holds every line's tally after the slots before its ``horizon`` (a local Monday at least
:data:`KEEP` before the moment it was made), plus what it depends on as a digest, so
:func:`figures` with it and the marks from the horizon on gives exactly the figures of
all the marks, and the marks a read folds again are those of days, not of weeks.

The service keeps one per ritual in the read-model storage (``streak_tallies``) with the
marks after the horizon and the log position they are current to; an event after that
position that touches a slot before the horizon makes it unusable, and the next read
settles it again from the full marks. It holds ids, times and counts only: nothing of
the sealed text. Pure: no I/O, the clock comes in as an argument.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.zones import Zones, zone_at
from engine.events import CheckedIn, CoupleErased, EntryRetracted, OccurrenceSkipped, RecordedEvent
from engine.frozen import frozen
from engine.projections import marks as marks_model
from engine.projections.streak_tally import RECENT, Due, Tally, fresh_lines
from engine.projections.streaks import fold_slots

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.projections.marks import Mark
    from engine.projections.projection import Json

NAME = "streak_tallies"
VERSION = 3

KEEP = timedelta(days=3)
"""How far before ``now`` a horizon lies at least: past every late-entry window (two local
days) and the end of a quota week's Monday after. The 28-day completion rate does not
wait for it: the slots it may still count are kept apart (``Settled.recent``)."""

RESETTLE = timedelta(weeks=2)
"""A horizon older than this before ``now`` moves forward (from the tallies it has), so
the marks after it, which every read folds again, stay a fortnight's at most."""

_NEAR = timedelta(days=8)


@frozen
class Settled:
    """Every line's tally after the ritual's slots before ``horizon``."""

    horizon: datetime
    made_at: datetime  # the ``now`` it was settled at: figures before it cannot use it
    digest: str  # of what the tallies depend on besides the marks
    lines: dict[str, Tally]  # their completion rates left at nothing: see ``recent``
    recent: dict[str, tuple[Due, ...]] = field(default_factory=dict)
    """Each line's due slots (done or missed) the completion rate of a later moment may
    still count: those of the 28 days before ``made_at`` on."""

    def copy_lines(self) -> dict[str, Tally]:
        return {line: replace(t, frozen=Counter(t.frozen)) for line, t in self.lines.items()}

    def lines_at(self, now: datetime) -> dict[str, Tally]:
        """A copy of the tallies as they stand at ``now``: with the completion rate of
        the due slots within its window."""
        lines = self.copy_lines()
        since = now - RECENT
        for line, dues in self.recent.items():
            counted = [done for at, done in dues if at >= since]
            lines[line].recent_due += len(counted)
            lines[line].recent_done += sum(counted)
        return lines


def digest(ritual: RitualState, zones: Zones, freezes_per_month: int) -> str:
    """A digest of the definitions, pauses, retirement, zones and allowance."""
    shape = (
        marks_model.VERSION,
        ritual.ritual_id,
        ritual.definitions,
        ritual.pauses,
        ritual.retired_at,
        tuple((at.isoformat(), zone.key) for at, zone in zones),
        freezes_per_month,
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()


def settleable(ritual: RitualState, partner_zones: Mapping[str, Zones] | None = None) -> bool:
    """Occasional rituals (no schedule, no quota) count every check-in ever, and a partner
    with a zone of their own has local days and weeks that need not line up with the
    couple's horizon: neither is settled (their figures fold every mark)."""
    if partner_zones:
        return False
    return all(d.cron is not None or d.per_week is not None for d in ritual.definitions)


def horizon_for(zones: Zones, now: datetime) -> datetime | None:
    """The local Monday midnight at least :data:`KEEP` before ``now``; None when the zone
    changes within a week of it (quota weeks would not line up with it)."""
    moment = now - KEEP
    zone = zone_at(zones, moment)
    day = moment.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    horizon = schedule.local_day_bounds(monday, zone)[0]
    if any(horizon - _NEAR < at <= horizon + _NEAR for at, _ in zones[1:]):
        return None
    if zone_at(zones, datetime.combine(monday, time(12), tzinfo=UTC)).key != zone.key:
        return None
    return horizon


def mark_time(mark: Mark) -> datetime | None:
    """Where a mark lies in time: its occurrence, or when its quota check-in was logged."""
    if mark.occurrence is not None:
        return mark.occurrence
    return min((at for _, _, at in mark.credits), default=None)


def split(marks: Iterable[Mark], horizon: datetime) -> tuple[list[Mark], list[Mark]]:
    """The marks before ``horizon`` and the marks from it on (empty quota marks dropped)."""
    before: list[Mark] = []
    after: list[Mark] = []
    for mark in marks:
        at = mark_time(mark)
        if at is not None:
            (before if at < horizon else after).append(mark)
    return before, after


def settle(
    ritual: RitualState,
    before: Sequence[Mark],
    *,
    zones: Zones,
    freezes_per_month: int,
    now: datetime,
    horizon: datetime,
    start: Settled | None = None,
) -> Settled | None:
    """The tallies after the slots before ``horizon``: from ``start`` (an earlier horizon)
    and ``before`` (the marks from its horizon to this one), or from nothing and all the
    marks before ``horizon``. None when something in them is not settled yet."""
    if not settleable(ritual) or horizon > now - KEEP:
        return None
    if start is not None and (start.horizon > horizon or now < start.made_at):
        return None
    for mark in before:
        at = mark_time(mark)
        if at is None or at >= horizon or (start is not None and at < start.horizon):
            return None
        if any(when > now for _, _, when in mark.credits) or any(
            when > now for _, when in mark.skips
        ):
            return None  # logged after ``now``: not settled at ``now``
    partners = list(dict.fromkeys(p for d in ritual.definitions for p in d.participants))
    lines = fresh_lines(partners) if start is None else start.copy_lines()
    since = now - RECENT
    recent: dict[str, list[Due]] = {}
    for line, dues in ({} if start is None else start.recent).items():
        recent[line] = [due for due in dues if due[0] >= since]
    fold_slots(
        lines,
        ritual,
        list(before),
        zones=zones,
        freezes_per_month=freezes_per_month,
        now=now,
        low=None if start is None else start.horizon,
        high=horizon,
        recent=recent,
    )
    kept = {line: tuple(dues) for line, dues in recent.items() if dues}
    return Settled(horizon, now, digest(ritual, zones, freezes_per_month), lines, kept)


def follow(
    settled: Settled, tail: dict[str, Mark], events: Iterable[RecordedEvent], ritual_id: str
) -> dict[str, Mark] | None:
    """The marks from the horizon on (by read-model key) after ``events``, the couple's
    check-ins, skips, undos and tombstone since they were current; None when one of
    them reaches a slot before the horizon (or erased the couple)."""
    found = dict(tail)
    for recorded in events:
        event = recorded.event
        if isinstance(event, CoupleErased):
            return None
        if isinstance(event, CheckedIn | OccurrenceSkipped) and event.ritual_id == ritual_id:
            at = event.occurrence or (event.done_at if isinstance(event, CheckedIn) else None)
            if at is None or at < settled.horizon:
                return None
        elif isinstance(event, EntryRetracted) and event.ritual_id == ritual_id:
            (key,) = marks_model.keys(recorded) or ("",)
            gone_before = event.occurrence is not None and event.occurrence < settled.horizon
            if gone_before or (event.occurrence is None and key not in found):
                return None  # an undo of an entry before the horizon (or unknown)
        else:
            continue
        for key in marks_model.keys(recorded):
            mark = found.get(key)
            if mark is None or not _has(mark, recorded.event_id):
                found[key] = marks_model.evolve(mark, recorded)
    return found


def _has(mark: Mark, event_id: str) -> bool:
    """Whether the mark already holds that event (a tail read twice is read once)."""
    return any(c[0] == event_id for c in mark.credits) or any(s[0] == event_id for s in mark.skips)


# -- storage -------------------------------------------------------------------------------


def dump(settled: Settled, tail: dict[str, Mark], position: int) -> Json:
    """The tallies and the tail as short rows: each id once (``ids``), and a mark's key
    left out (null) where it is the one the read model gives it (its ritual and its
    occurrence, or its first check-in), since a status reads the tail every time."""
    ids: dict[str, int] = {}

    def ref(name: str) -> int:
        return ids.setdefault(name, len(ids))

    rows = []
    for key, mark in tail.items():
        rid = mark.ritual_id
        occurrence = None if mark.occurrence is None else mark.occurrence.isoformat()
        first = mark.credits[0][0] if mark.credits else None
        given = f"{rid}@{occurrence}" if occurrence else f"{rid}#{first}" if first else None
        rows.append(
            [
                None if key == given else key,
                ref(rid),
                occurrence,
                [
                    [eid, [ref(p) for p in partners], at.isoformat()]
                    for eid, partners, at in mark.credits
                ],
                [[eid, at.isoformat()] for eid, at in mark.skips],
            ]
        )
    return {
        "version": VERSION,
        "horizon": settled.horizon.isoformat(),
        "made_at": settled.made_at.isoformat(),
        "digest": settled.digest,
        "position": position,
        "lines": {line: _dump_tally(t) for line, t in settled.lines.items()},
        "recent": {
            line: [[at.isoformat(), done] for at, done in dues]
            for line, dues in settled.recent.items()
        },
        "ids": list(ids),
        "tail": rows,
    }


def load(data: Json) -> tuple[Settled, dict[str, Mark], int] | None:
    """The tallies, the marks after the horizon and their position; None for another
    version's shape."""
    if data.get("version") != VERSION:
        return None
    settled = Settled(
        horizon=datetime.fromisoformat(data["horizon"]),
        made_at=datetime.fromisoformat(data["made_at"]),
        digest=data["digest"],
        lines={line: _load_tally(t) for line, t in data["lines"].items()},
        recent={
            line: tuple((datetime.fromisoformat(at), done) for at, done in dues)
            for line, dues in data["recent"].items()
        },
    )
    ids: list[str] = data["ids"]
    moment = datetime.fromisoformat
    tail: dict[str, Mark] = {}
    for key, rid, occurrence, credits, skips in data["tail"]:
        ritual = ids[rid]
        mark = marks_model.Mark(
            ritual,
            None if occurrence is None else moment(occurrence),
            tuple((eid, tuple(ids[p] for p in ps), moment(at)) for eid, ps, at in credits),
            tuple((eid, moment(at)) for eid, at in skips),
        )
        if key is None:
            key = f"{ritual}@{occurrence}" if occurrence else f"{ritual}#{credits[0][0]}"
        tail[key] = mark
    return settled, tail, int(data["position"])


_MOMENTS = {"last_done"}
_DAYS = {"last_freeze", "held_by_freeze"}


def _dump_tally(tally: Tally) -> Json:
    out: Json = {}
    for f in fields(tally):
        value = getattr(tally, f.name)
        if f.name == "frozen":
            value = [[y, m, n] for (y, m), n in sorted(value.items())]
        elif value is not None and f.name in _MOMENTS | _DAYS:
            value = value.isoformat()
        out[f.name] = value
    return out


def _load_tally(data: Json) -> Tally:
    values = dict(data)
    values["frozen"] = Counter({(y, m): n for y, m, n in data["frozen"]})
    for name in _MOMENTS:
        values[name] = None if data[name] is None else datetime.fromisoformat(data[name])
    for name in _DAYS:
        values[name] = None if data[name] is None else date.fromisoformat(data[name])
    return Tally(**values)
