"""Logging rituals: check-ins and skips (a check-in reports the partner's new streak)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from engine.calendar import schedule
from engine.calendar.zones import ZoneLike, zone_at
from engine.domain import ritual_decisions
from engine.domain.anchoring import landing_periods
from engine.domain.text import clean_optional_text
from engine.errors import InvalidInput, NotAllowed
from engine.services.refs import CoupleRef, RitualRef, ritual_stream
from engine.services.rituals import PROMPT_MAX, check_years
from engine.views.rituals import CheckInView, SkipView

if TYPE_CHECKING:
    from engine.domain.ritual import RitualState
    from engine.services.session import Session
    from engine.services.streaks import Streaks

LOOK_BACK = timedelta(days=3)
"""How far before the earliest moment a logging decision reads marks (past any late-entry
window, which is at most two local days plus a zone's offset)."""


class CheckIns:
    """Check-ins and skips: load the ritual's state, decide, append."""

    def __init__(self, session: Session, streaks: Streaks) -> None:
        self._s = session
        self._streaks = streaks

    def check_in(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        by: str,
        at: datetime | None,
        occurrence: datetime | None,
        closeness: int | None,
        note: str | None,
        note_shared: bool,
        for_both: bool,
    ) -> CheckInView:
        check_years(at, occurrence)
        if closeness is not None and type(closeness) is not int:  # not a bool, not 2.5
            raise InvalidInput("closeness is a whole number from 1 to 5")
        couple_state = self._s.load_members(couple)
        partner = couple_state.partner(by)
        text = clean_optional_text(note, "note")
        rid = self._s.find_ritual_id(couple_state.couple_id, ritual)
        if for_both and not couple_state.proxy_checkins:
            raise NotAllowed("this couple checks in one by one; proxy check-ins are turned off")
        book = self._streaks.zone_book(couple_state.couple_id)
        zones, own = book.couple, book.of(partner.partner_id)

        def attempt() -> CheckInView:
            now = self._s.now()
            state = self._logging_state(
                couple_state.couple_id, rid, (zones, own), now, at, occurrence
            )
            others = tuple(p for p in state.current.participants if p != partner.partner_id)
            event = ritual_decisions.decide_check_in(
                state,
                zones,
                partner.partner_id,
                own=own,
                now=now,
                at=at,
                occurrence=occurrence,
                closeness=closeness,
                note=text,
                note_shared=note_shared,
                for_partners=others if for_both else (),
            )
            self._s.append(
                couple_state.couple_id,
                ritual_stream(rid),
                [event],
                expected_version=state.version,
                actor=partner.partner_id,
                occurred_at=event.done_at,
            )
            occ = event.occurrence
            return CheckInView(
                ritual_id=rid,
                title=state.title,
                partner=partner.handle,
                partners=tuple(
                    couple_state.handle_of(p) for p in (partner.partner_id, *event.for_partners)
                ),
                occurrence=occ,
                local=occ.astimezone(zone_at(own, occ)) if occ else None,
                done_at=event.done_at,
            )

        done = self._s.retrying(attempt)
        streak = self._streaks.after_check_in(couple_state, rid, partner.partner_id)
        return replace(done, streak=streak)

    def skip(
        self,
        couple: CoupleRef,
        ritual: RitualRef,
        *,
        by: str | None,
        at: datetime | None,
        occurrence: datetime | None,
        reason: str | None,
    ) -> SkipView:
        check_years(at, occurrence)
        couple_state = self._s.load_members(couple)
        partner_id = couple_state.partner(by).partner_id if by else None
        text = clean_optional_text(reason, "reason", max_len=PROMPT_MAX)
        rid = self._s.find_ritual_id(couple_state.couple_id, ritual)
        book = self._streaks.zone_book(couple_state.couple_id)
        zones, own = book.couple, book.of(partner_id)

        def attempt() -> SkipView:
            now = self._s.now()
            state = self._logging_state(
                couple_state.couple_id, rid, (zones, own), now, at, occurrence
            )
            event = ritual_decisions.decide_skip(
                state,
                zones,
                partner_id,
                own=own,
                now=now,
                at=at,
                occurrence=occurrence,
                reason=text,
            )
            self._s.append(
                couple_state.couple_id,
                ritual_stream(rid),
                [event],
                expected_version=state.version,
                actor=partner_id,
            )
            return SkipView(
                ritual_id=rid,
                title=state.title,
                occurrence=event.occurrence,
                local=event.occurrence.astimezone(zone_at(own, event.occurrence)),
            )

        return self._s.retrying(attempt)

    def plan_absence(
        self,
        couple: CoupleRef,
        ritual: RitualRef | None,
        *,
        since: date,
        until: date,
        by: str | None,
        reason: str | None,
    ) -> list[SkipView]:
        check_years(since, until)
        couple_state = self._s.load_members(couple)
        partner_id = couple_state.partner(by).partner_id if by else None
        text = clean_optional_text(reason, "reason", max_len=PROMPT_MAX)
        book = self._streaks.zone_book(couple_state.couple_id)
        zones = book.couple
        now = self._s.now()
        if ritual is not None:
            rids = [self._s.find_ritual_id(couple_state.couple_id, ritual)]
        else:
            states = self._s.ritual_states(couple_state.couple_id)
            rids = [
                rid
                for rid, st in states.items()
                if st.status(now) != "retired" and st.current.cron is not None
            ]
        views: list[SkipView] = []
        for rid in rids:

            def attempt(rid: str = rid) -> list[SkipView]:
                now = self._s.now()
                state = self._logging_state(couple_state.couple_id, rid, (zones,), now)
                whose: list[str | None] = [partner_id]
                if partner_id is None and state.current.each_local:
                    whose = list(state.current.participants)  # everyone's own local days
                events = [
                    event
                    for one in whose
                    for event in ritual_decisions.decide_absence(
                        state,
                        zones,
                        partner_id,
                        now=now,
                        first=since,
                        last=until,
                        reason=text,
                        own=book.of(one),
                        whose=one,
                    )
                ]
                events = list({e.occurrence: e for e in events}.values())  # one zone: once
                if events:
                    self._s.append(
                        couple_state.couple_id,
                        ritual_stream(rid),
                        events,
                        expected_version=state.version,
                        actor=partner_id,
                    )
                return [
                    SkipView(
                        ritual_id=rid,
                        title=state.title,
                        occurrence=e.occurrence,
                        local=e.occurrence.astimezone(zone_at(book.of(partner_id), e.occurrence)),
                    )
                    for e in events
                ]

            views += self._s.retrying(attempt)
        if not views:
            what = f"'{self._s.load_ritual(rids[0]).title}' has nothing" if ritual else ""
            what = what or "no ritual has anything"
            days = f"from {since:%a %d %b} to {until:%a %d %b}" if until != since else ""
            raise NotAllowed(f"{what} left to let go {days or f'on {since:%a %d %b}'}")
        return sorted(views, key=lambda v: (v.occurrence, v.title))

    def _logging_state(
        self,
        couple_id: str,
        rid: str,
        zones: tuple[ZoneLike, ...],
        now: datetime,
        *moments: datetime | None,
    ) -> RitualState:
        """The ritual's state as the logging deciders need it, whatever its history: the
        definitions, and what was logged for the occurrences a decision about ``now`` and
        ``moments`` can look at. The deciders compare only occurrences still open (a late
        entry closes by the end of the next local day), planned ones ahead, and the ones
        next to the moment logged, the previous one included (in the couple's zones or the
        partner's own); older marks cannot change a decision, so they are not read. A
        ritual without fixed times needs none."""
        state = self._s.load_definitions(rid, couple_id)
        if not state.periods():
            return state
        # A time without a zone is the decider's to refuse, with its own words.
        earliest = min(m for m in (now, *moments) if m is not None and m.tzinfo is not None)
        since = earliest
        for zone in zones:
            periods = landing_periods(state, zone)
            before = schedule.previous_occurrence(periods, zone, earliest) if periods else None
            since = min(since, before.at if before else since)
        marks = self._streaks.marks_since(couple_id, rid, since - LOOK_BACK)
        run = self._s.keyed_run()  # a replay decides without what its key wrote
        hidden = run.hidden if run is not None else frozenset()
        checkins = frozenset(
            (m.occurrence, partner)
            for m in marks
            for event_id, partners, _ in m.credits
            if event_id not in hidden
            for partner in partners
        )
        skips = frozenset(
            m.occurrence
            for m in marks
            if m.occurrence and any(event_id not in hidden for event_id, _ in m.skips)
        )
        return replace(state, checkins=checkins, skips=skips)
