"""Whose clock a ritual keeps: the couple's (one shared instant) or each participant's.

A ritual anchored to the couple's zone has one occurrence per fire time of its
schedule in the couple's zone, shared by everyone. A ritual kept at each one's local
time (``each_local``) has one occurrence per participant, at the schedule's wall time
in that partner's zone (DST-exact there). A :class:`Line` is what one partner logs
against: the shared occurrences they take part in and their own local ones, with the
late-entry window closing at the end of the next day in *their* zone. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.schedule import Occurrence, Period
from engine.calendar.zones import ZoneLike, zone_at
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.events import RitualDefined

Owned = tuple[Occurrence, str | None]
"""An occurrence and whose it is: a partner id, or None for the couple's shared instant."""


def definition_at(state: RitualState, moment: datetime) -> RitualDefined:
    """The definition in force at ``moment`` (the first one before the ritual existed)."""
    chosen = state.definitions[0]
    for definition in state.definitions[1:]:
        if definition.effective_from > moment:
            break
        chosen = definition
    return chosen


def landing_periods(state: RitualState, tz: ZoneLike) -> list[Period]:
    """The ritual's periods, the first one reaching back to the start of the local day it
    was added on: a ritual added at 18:30 with a 07:00 schedule may log this morning's
    07:00, which streaks count only when it was logged."""
    periods = state.periods()
    if not periods or periods[0].start != state.definitions[0].effective_from:
        return periods
    first = periods[0]
    zone = zone_at(tz, first.start)
    day_start = schedule.local_day_bounds(first.start.astimezone(zone).date(), zone)[0]
    return [replace(first, start=day_start), *periods[1:]]


def each_local_ever(state: RitualState) -> bool:
    return any(d.each_local for d in state.definitions)


def _periods(state: RitualState, tz: ZoneLike, landing: bool) -> list[Period]:
    return landing_periods(state, tz) if landing else state.periods()


def shared_periods(state: RitualState, tz: ZoneLike, *, landing: bool = False) -> list[Period]:
    """The periods whose occurrences are shared instants in the couple's zone."""
    return [p for p in _periods(state, tz, landing) if not definition_at(state, p.start).each_local]


def own_periods(
    state: RitualState, partner_id: str, tz: ZoneLike, *, landing: bool = False
) -> list[Period]:
    """The periods kept at each one's local time that ``partner_id`` takes part in."""
    return [
        p
        for p in _periods(state, tz, landing)
        if (d := definition_at(state, p.start)).each_local and partner_id in d.participants
    ]


def participants_ever(state: RitualState) -> list[str]:
    return list(dict.fromkeys(p for d in state.definitions for p in d.participants))


def anchored_occurrences(
    state: RitualState,
    couple: ZoneLike,
    zones_of: Mapping[str, ZoneLike],
    start: datetime,
    end: datetime,
    *,
    partner_id: str | None = None,
    landing: bool = False,
) -> list[Owned]:
    """Every occurrence in [start, end) with whose it is, in time order.

    Shared occurrences come once (owner None); each-local ones once per participant, in
    that partner's zones (``zones_of``; the couple's for a partner not in it). With
    ``partner_id``, only that partner's own local occurrences are kept (shared ones are
    all returned: the caller checks who takes part in them).
    """
    found: list[Owned] = [
        (occ, None)
        for occ in schedule.occurrences(
            shared_periods(state, couple, landing=landing), couple, start, end
        )
    ]
    if each_local_ever(state):
        for pid in participants_ever(state):
            if partner_id is not None and pid != partner_id:
                continue
            zones = zones_of.get(pid, couple)
            mine = own_periods(state, pid, zones, landing=landing)
            if mine:
                found += [(occ, pid) for occ in schedule.occurrences(mine, zones, start, end)]
    found.sort(key=lambda owned: (owned[0].at, owned[1] or ""))
    return found


def local_times(
    at: datetime, partners: Sequence[str], zones_of: Mapping[str, ZoneLike], couple: ZoneLike
) -> tuple[tuple[str, datetime], ...]:
    """(partner id, local time) of a shared instant for each partner, or () when every
    partner's clock shows the same wall time then (nothing worth spelling out)."""
    found = tuple((p, at.astimezone(zone_at(zones_of.get(p, couple), at))) for p in partners)
    walls = {local.replace(tzinfo=None) for _, local in found}
    return found if len(walls) > 1 else ()


def times_line(
    times: Sequence[tuple[str, datetime]], viewer: str | None, handles: Mapping[str, str]
) -> str | None:
    """Local times said plainly: "21:00 for you, 15:00 for alex." (the viewer first), with
    the weekday when a clock shows another day than the viewer's. None for no times."""
    if not times:
        return None
    ordered = sorted(times, key=lambda t: t[0] != viewer)
    first_day = ordered[0][1].date()
    parts = []
    for partner, local in ordered:
        who = "you" if partner == viewer else handles.get(partner, "your partner")
        other_day = any(t.date() != first_day for _, t in ordered)
        when = f"{local:%a %H:%M}" if other_day else f"{local:%H:%M}"
        parts.append(f"{when} for {who}")
    return ", ".join(parts) + "."


@frozen
class Line:
    """The occurrences one partner logs against, and the zones of their local days."""

    shared: tuple[Period, ...]
    couple: ZoneLike
    own: tuple[Period, ...]
    window: ZoneLike  # the partner's zones: local days, late-entry windows

    @classmethod
    def of(
        cls,
        state: RitualState,
        couple: ZoneLike,
        own: ZoneLike | None = None,
        partner_id: str | None = None,
        *,
        landing: bool = True,
    ) -> Line:
        window = couple if own is None else own
        mine = (
            own_periods(state, partner_id, window, landing=landing)
            if partner_id is not None and each_local_ever(state)
            else []
        )
        if not each_local_ever(state):
            shared = _periods(state, couple, landing)
        else:
            shared = shared_periods(state, couple, landing=landing)
        return cls(tuple(shared), couple, tuple(mine), window)

    def occurrences(self, low: datetime, high: datetime) -> list[Occurrence]:
        found = schedule.occurrences(self.shared, self.couple, low, high)
        if self.own:
            found = sorted({*found, *schedule.occurrences(self.own, self.window, low, high)})
        return found

    def previous(self, before: datetime) -> Occurrence | None:
        if not self.own:
            return schedule.previous_occurrence(self.shared, self.couple, before)
        return schedule.previous_in(self.occurrences, before)

    def next(self, after: datetime) -> Occurrence | None:
        if not self.own:
            return schedule.next_occurrence(self.shared, self.couple, after)
        return schedule.next_in(self.occurrences, after)

    def day(self, moment: datetime) -> date:
        """The partner's local date at ``moment``."""
        return moment.astimezone(zone_at(self.window, moment)).date()

    def local(self, occ: Occurrence) -> datetime:
        """The occurrence in the partner's own zone."""
        return occ.at.astimezone(zone_at(self.window, occ.at))

    def deadline(self, occ: Occurrence) -> datetime:
        """When late entries close for the partner: the end of their next local day."""
        return schedule.late_entry_deadline(occ, self.window)

    def day_bounds(self, day: date, moment: datetime) -> tuple[datetime, datetime]:
        return schedule.local_day_bounds(day, zone_at(self.window, moment))
