"""Logging rituals: check-ins and skips (a check-in reports the partner's new streak)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from engine.calendar import schedule
from engine.domain import ritual as ritual_domain
from engine.domain.text import clean_optional_text
from engine.errors import InvalidInput, NotAllowed
from engine.services.rituals import PROMPT_MAX, check_years
from engine.services.session import CoupleRef, RitualRef, Session, ritual_stream
from engine.services.streaks import Streaks
from engine.views import CheckInView, SkipView


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
            state = self._s.load_ritual(rid, couple_state.couple_id)
            others = tuple(p for p in state.current.participants if p != partner.partner_id)
            event = ritual_domain.decide_check_in(
                state,
                zones,
                partner.partner_id,
                own=own,
                now=self._s.now(),
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
                local=occ.astimezone(schedule.zone_at(own, occ)) if occ else None,
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
            state = self._s.load_ritual(rid, couple_state.couple_id)
            event = ritual_domain.decide_skip(
                state,
                zones,
                partner_id,
                own=own,
                now=self._s.now(),
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
                local=event.occurrence.astimezone(schedule.zone_at(own, event.occurrence)),
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
                state = self._s.load_ritual(rid, couple_state.couple_id)
                whose: list[str | None] = [partner_id]
                if partner_id is None and state.current.each_local:
                    whose = list(state.current.participants)  # everyone's own local days
                events = [
                    event
                    for one in whose
                    for event in ritual_domain.decide_absence(
                        state,
                        zones,
                        partner_id,
                        now=self._s.now(),
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
                        local=e.occurrence.astimezone(
                            schedule.zone_at(book.of(partner_id), e.occurrence)
                        ),
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
