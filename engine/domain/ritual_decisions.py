"""The deciders of a ritual's stream: check in, skip (now or planned ahead), a planned
absence over local days, pause, resume, retire. Each checks the state and says what to
record, or refuses. Pure: no I/O, and ``now`` comes in as an argument.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from engine.domain.anchoring import Line, definition_at
from engine.domain.occurrences import (
    aware,
    exact_occurrence,
    logged_moment,
    occurrence_for,
    planned_occurrence,
)
from engine.domain.ritual import CLOCK_SKEW, PLAN_AHEAD, RitualState
from engine.errors import InvalidInput, NotAllowed
from engine.events import CheckedIn, OccurrenceSkipped, RitualPaused, RitualResumed, RitualRetired

if TYPE_CHECKING:
    from engine.calendar.schedule import Occurrence
    from engine.calendar.zones import ZoneLike


def _require_usable(state: RitualState, now: datetime) -> None:
    if state.status(now) == "retired":
        raise NotAllowed(f"'{state.title}' is retired; add it again to bring it back")


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
    moment = logged_moment(at, now)
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
        occ = occurrence_for(state, line, moment, occurrence, now, mine)
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
    if ahead is not None and aware(ahead) > now + CLOCK_SKEW:
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
        moment = logged_moment(at, now) if occurrence is None else now
        occ = occurrence_for(state, line, moment, occurrence, now)
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
