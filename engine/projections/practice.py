"""What a couple practised, day by day: today's rituals and the heatmap of recent weeks.

Pure: no I/O, and the clock comes in as an argument. What was logged comes from the
``ritual_marks`` read model, which holds no text.

An occurrence is *done* when every participant checked in, *skipped* when let go,
*pending* while its late-entry window is open (until the end of the next local day),
and *missed* after that, as for streaks. A heatmap cell is the share of practice on one
local day::

    share = (done + check-ins) / (due + check-ins)

- ``due`` counts the day's done and missed occurrences (each on the local day it was
  scheduled for); skipped and pending ones are left out, and paused ones do not exist;
- ``done`` counts each done occurrence as 1 and a missed one by the part of it that was
  logged (a together ritual only one of two partners logged adds 0.5); a pending one
  that one partner already logged counts the same way, so that day shows as partly
  done rather than quiet;
- ``check-ins`` are those of quota and occasional rituals logged that day: each adds one
  done to the day;
- a day with nothing due and nothing logged is 0, a quiet day; days still to come and
  days before the couple began are None.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.zones import Zones, zone_at
from engine.domain.anchoring import anchored_occurrences, local_times
from engine.frozen import frozen
from engine.projections.spans import in_force
from engine.views.status import HeatmapView, TodayItem

if TYPE_CHECKING:
    from engine.calendar.schedule import Occurrence
    from engine.domain.ritual import RitualState
    from engine.projections.marks import Mark

WEEKS = 12
"""Weeks in the heatmap, the current one last."""

DONE, SKIPPED, PENDING, MISSED = "done", "skipped", "pending", "missed"

_DAY = timedelta(days=1)


@frozen
class Logged:
    """One scheduled occurrence of a ritual and what was logged for it by ``now``."""

    ritual: RitualState
    occurrence: Occurrence
    participants: tuple[str, ...]  # partner ids, of the definition in force then
    done: tuple[str, ...]  # the participants who checked in, in participant order
    status: str  # done, skipped, pending or missed
    owner: str | None = None  # whose own local occurrence; None: shared by the participants

    def practice(self) -> float | None:
        """What it adds to its day's done count; None when it is not due (skipped, pending)."""
        if self.status == DONE:
            return 1.0
        if self.status == MISSED or (self.status == PENDING and self.done):
            return len(self.done) / len(self.participants)  # partly done, never quiet
        return None


@frozen
class Logbook:
    """A couple's rituals and marks, indexed once for the questions below."""

    rituals: Sequence[RitualState]
    scheduled: Mapping[tuple[str, datetime], Mark]  # (ritual id, occurrence) -> its mark
    check_ins: Sequence[datetime]  # when each quota or occasional check-in was logged
    zones: Zones
    now: datetime
    partner_zones: Mapping[str, Zones] = field(default_factory=dict)  # partners' own zones

    @classmethod
    def of(
        cls,
        rituals: Iterable[RitualState],
        marks: Iterable[Mark],
        zones: Zones,
        now: datetime,
        partner_zones: Mapping[str, Zones] | None = None,
        *,
        done: Iterable[datetime] = (),
    ) -> Logbook:
        """The book of ``marks``, and of quota and occasional check-ins known only by when
        they were done (``done``, as ``engine.projections.logged_weeks`` files them)."""
        scheduled: dict[tuple[str, datetime], Mark] = {}
        check_ins = [at for at in done if at <= now]
        for mark in marks:
            if mark.occurrence is not None:
                scheduled[(mark.ritual_id, mark.occurrence)] = mark
            elif logged := mark.done_by(now):
                check_ins.append(min(logged.values()))
        return cls(
            tuple(rituals), scheduled, tuple(check_ins), zones, now, dict(partner_zones or {})
        )

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(zone_at(self.zones, moment)).date()

    def occurrences(self, low: datetime, high: datetime) -> Iterator[Logged]:
        """Every ritual's occurrences with low <= at < high, ritual by ritual, in time order
        (a ritual kept at each one's local time: each participant's own occurrences)."""
        for ritual in self.rituals:
            if not ritual.periods():
                continue
            added = ritual.definitions[0].effective_from
            found = anchored_occurrences(
                ritual, self.zones, self.partner_zones, low, high, landing=True
            )
            for occ, owner in found:
                logged = self._logged(ritual, occ, owner)
                if occ.at >= added or logged.done or logged.status == SKIPPED:
                    yield logged  # before it was added, a slot counts only when logged

    def zones_of(self, partner_id: str) -> Zones:
        return self.partner_zones.get(partner_id, self.zones)

    def _logged(self, ritual: RitualState, occ: Occurrence, owner: str | None) -> Logged:
        definition = in_force(ritual, occ.at) or ritual.definitions[0]
        who = definition.participants if owner is None else (owner,)
        mark = self.scheduled.get((ritual.ritual_id, occ.at))
        logged = mark.done_by(self.now) if mark else {}
        done = tuple(p for p in who if p in logged)
        deadline = schedule.late_entry_deadline(occ, self.zones)
        if owner is not None or self.partner_zones:  # each line closes in its own zone
            own = [schedule.late_entry_deadline(occ, self.zones_of(p)) for p in who]
            deadline = max(own) if owner is not None else max(deadline, *own)
        if len(done) == len(who):
            status = DONE
        elif mark is not None and mark.skipped_by(self.now):
            status = SKIPPED
        elif deadline > self.now:
            status = PENDING
        else:
            status = MISSED
        return Logged(ritual, occ, who, done, status, owner)


def today(book: Logbook, handles: Mapping[str, str]) -> list[TodayItem]:
    """The occurrences of the couple's local day at ``now``, soonest first."""
    zone = zone_at(book.zones, book.now)
    low, high = schedule.local_day_bounds(book.now.astimezone(zone).date(), zone)
    found = sorted(book.occurrences(low, high), key=lambda logged: logged.occurrence)
    return [
        TodayItem(
            ritual_id=logged.ritual.ritual_id,
            title=logged.ritual.title,
            at=logged.occurrence.at,
            local=logged.occurrence.local,
            status=logged.status,
            by=tuple(handles.get(p, p) for p in logged.done),
            participants=tuple(handles.get(p, p) for p in logged.participants),
            partner=handles.get(logged.owner, logged.owner) if logged.owner else None,
            times=tuple(
                (handles.get(p, p), local)
                for p, local in local_times(
                    logged.occurrence.at, logged.participants, book.partner_zones, book.zones
                )
            )
            if logged.owner is None and book.partner_zones
            else (),
        )
        for logged in found
    ]


def earliest(zones: Zones, now: datetime, weeks: int = WEEKS) -> datetime:
    """A moment before every one :func:`heatmap` and :func:`today` look at (a day's slack
    and more for any zone's offset): their marks are those from here on."""
    last = now.astimezone(zone_at(zones, now)).date()
    start = last - timedelta(days=last.weekday() + 7 * (weeks - 1))
    return datetime.combine(start - 2 * _DAY, time(), tzinfo=UTC)


def heatmap(book: Logbook, *, began: datetime, weeks: int = WEEKS) -> HeatmapView:
    """The share of practice on each local day of the last ``weeks`` weeks (Monday first)."""
    last = book.local_day(book.now)
    start = last - timedelta(days=last.weekday() + 7 * (weeks - 1))
    first = max(start, book.local_day(began))
    due: dict[date, float] = defaultdict(float)
    done: dict[date, float] = defaultdict(float)
    # A day's bounds depend on the zone of that time: look a day wider, then keep by date.
    low = datetime.combine(start - _DAY, time(), tzinfo=UTC)
    for logged in book.occurrences(low, book.now + 2 * _DAY):
        day, part = logged.occurrence.local.date(), logged.practice()
        if part is not None and first <= day <= last:
            due[day] += 1
            done[day] += part
    for day, count in _days(book, first, last).items():
        if first <= day <= last:
            due[day] += count
            if done[day].is_integer():  # whole numbers add up exactly, all at once
                done[day] += count
            else:  # one at a time, as every other share is added
                for _ in range(count):
                    done[day] += 1
    cells = [
        None if not first <= day <= last else done[day] / due[day] if due[day] else 0.0
        for day in (start + timedelta(days=n) for n in range(7 * weeks))
    ]
    return HeatmapView(start, tuple(tuple(cells[i : i + 7]) for i in range(0, len(cells), 7)))


def _days(book: Logbook, first: date, last: date) -> Counter[date]:
    """How many quota and occasional check-ins were logged on each local day (at least
    those from ``first`` to ``last``). In one zone, by where the days begin: a few dozen
    midnights however many check-ins a busy couple logs (see :func:`_by_midnights`)."""
    if len(book.zones) == 1 and first <= last:
        return _by_midnights(sorted(book.check_ins), book.zones[0][1], first, last)
    return Counter(map(book.local_day, book.check_ins))


def _by_midnights(
    moments: Sequence[datetime], zone: tzinfo, first: date, last: date
) -> Counter[date]:
    """The sorted ``moments`` counted by their local day in ``zone``, the days from
    ``first`` to ``last`` only: a day holds the moments from its first instant (local
    midnight, or the end of a gap that swallowed it) to the next day's. A day whose
    clocks changed (its two midnights' offsets differ) has its moments converted one by
    one: a clock set back just after midnight (as parts of Canada once did at 00:01)
    gives some of them the day before."""
    # a day either side: a changed clock can move some of their moments into the range
    days = [first + timedelta(days=n) for n in range(-1, (last - first).days + 3)]
    midnights = [datetime.combine(day, time(), tzinfo=zone) for day in days]
    offsets = [m.utcoffset() for m in midnights]
    edges = [bisect_left(moments, m.astimezone(UTC)) for m in midnights]
    found: Counter[date] = Counter()
    for n, day in enumerate(days[:-1]):
        low, high = edges[n], edges[n + 1]
        if offsets[n] != offsets[n + 1]:
            found.update(m.astimezone(zone).date() for m in moments[low:high])
        elif high > low:
            found[day] += high - low
    return Counter({day: n for day, n in found.items() if first <= day <= last})
