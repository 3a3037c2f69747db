"""How partners treat each other: appreciations, repair attempts, time-outs in difficult
talks, ground rules, and time capsules. All of it lives in the couple's stream."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from engine.catalog.kinds import REPAIR_ANSWERS, REPAIR_KINDS, RepairAnswer, RepairKind
from engine.domain import couple as couple_domain
from engine.domain.text import LETTER_MAX, clean_line, clean_optional_text, clean_text
from engine.errors import InvalidInput, NotAllowed
from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CapsuleOpened,
    CapsuleSealed,
    GroundRulesAgreed,
    RepairAnswered,
    RepairAttempted,
    TimeoutCalled,
    TimeoutEnded,
)
from engine.services.journal import APPRECIATION_STATE, CAPSULE_STATE, Journal
from engine.services.refs import MEMBERSHIP, CoupleRef, Decision, new_id
from engine.views.connection import CapsuleView

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.session import Session

MAX_RULES = 20
CAPSULE_MONTHS = 3


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


REPAIR_STATE = (*MEMBERSHIP, RepairAttempted.type_name, RepairAnswered.type_name)
TIMEOUT_STATE = (*MEMBERSHIP, TimeoutCalled.type_name, TimeoutEnded.type_name)
RULES_STATE = (*MEMBERSHIP, GroundRulesAgreed.type_name)


class Connection:
    """Appreciations, repairs, time-outs, ground rules and capsules."""

    def __init__(self, session: Session, journal: Journal) -> None:
        self._s = session
        self._journal = journal

    # -- appreciations -----------------------------------------------------------------

    def appreciate(
        self, couple: CoupleRef, *, by: str, to: str, text: str, private: bool = False
    ) -> str:
        body = clean_text(text, "appreciation")
        appreciation_id = new_id()

        def decide(state: CoupleState) -> Decision:
            author, recipient = state.partner(by), state.partner(to)
            if author.partner_id == recipient.partner_id:
                raise InvalidInput("an appreciation goes to the other partner")
            event = AppreciationGiven(
                appreciation_id=appreciation_id,
                author=author.partner_id,
                recipient=recipient.partner_id,
                text=body,
                shared=not private,
                at=self._s.now(),
            )
            return [event], author.partner_id

        self._s.couple_command(couple, decide, types=MEMBERSHIP)
        return appreciation_id

    def share_appreciation(self, couple: CoupleRef, appreciation_id: str, *, by: str) -> str:

        def decide(state: CoupleState) -> Decision:
            author = state.partner(by)
            aid = couple_domain.find_by_prefix(
                dict(state.appreciations), appreciation_id, "appreciation"
            )
            item = state.appreciations[aid]
            if item.author != author.partner_id:
                raise NotAllowed("only the partner who wrote an appreciation can share it")
            if item.shared:
                raise NotAllowed("that appreciation is already shared")
            return [AppreciationShared(appreciation_id=aid, at=self._s.now())], author.partner_id

        _, events = self._s.couple_command(couple, decide, types=APPRECIATION_STATE)
        shared = events[0]
        assert isinstance(shared, AppreciationShared)
        return shared.appreciation_id

    # -- repairs -----------------------------------------------------------------------

    def repair(
        self, couple: CoupleRef, *, by: str, kind: RepairKind, note: str | None = None
    ) -> str:
        if kind not in REPAIR_KINDS:
            raise InvalidInput(f"unknown repair kind; use one of: {', '.join(REPAIR_KINDS)}")
        text = clean_optional_text(note, "note")
        repair_id = new_id()

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(by)
            couple_domain.require_two(state, "a repair attempt")
            event = RepairAttempted(
                repair_id=repair_id, by=partner.partner_id, kind=kind, note=text, at=self._s.now()
            )
            return [event], partner.partner_id

        self._s.couple_command(couple, decide, types=MEMBERSHIP)
        return repair_id

    def respond_to_repair(
        self,
        couple: CoupleRef,
        repair_id: str,
        *,
        by: str,
        answer: RepairAnswer,
        note: str | None = None,
    ) -> str:
        """The other partner answers a repair attempt: "accepted" or "not-yet"."""
        if answer not in REPAIR_ANSWERS:
            raise InvalidInput(f"answer with one of: {', '.join(REPAIR_ANSWERS)}")
        text = clean_optional_text(note, "note")

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(by)
            repair = couple_domain.check_open_repair(state, repair_id, partner.partner_id)
            event = RepairAnswered(
                repair_id=repair.repair_id,
                by=partner.partner_id,
                answer=answer,
                note=text,
                at=self._s.now(),
            )
            return [event], partner.partner_id

        _, events = self._s.couple_command(couple, decide, types=REPAIR_STATE)
        answered = events[0]
        assert isinstance(answered, RepairAnswered)
        return answered.repair_id

    # -- time-outs and ground rules ----------------------------------------------------

    def call_timeout(self, couple: CoupleRef, *, by: str) -> str:

        timeout_id = new_id()

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(by)
            if state.open_timeout is not None:
                raise NotAllowed("a pause is already running; end it first")
            event = TimeoutCalled(timeout_id=timeout_id, by=partner.partner_id, at=self._s.now())
            return [event], partner.partner_id

        self._s.couple_command(couple, decide, types=TIMEOUT_STATE)
        return timeout_id

    def end_timeout(self, couple: CoupleRef, *, by: str) -> str:

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(by)
            if state.open_timeout is None:
                raise NotAllowed("no pause is running")
            event = TimeoutEnded(
                timeout_id=state.open_timeout[0], by=partner.partner_id, at=self._s.now()
            )
            return [event], partner.partner_id

        _, events = self._s.couple_command(couple, decide, types=TIMEOUT_STATE)
        ended = events[0]
        assert isinstance(ended, TimeoutEnded)
        return ended.timeout_id

    def agree_ground_rules(self, couple: CoupleRef, rules: Sequence[str]) -> int:
        cleaned = tuple(clean_line(r, "ground rule", max_len=300) for r in rules)
        if not cleaned:
            raise InvalidInput("give at least one ground rule")
        if len(cleaned) > MAX_RULES:
            raise InvalidInput(f"keep it to at most {MAX_RULES} ground rules")

        def decide(state: CoupleState) -> Decision:
            return [GroundRulesAgreed(rules=cleaned, at=self._s.now())], None

        self._s.couple_command(couple, decide, types=RULES_STATE)
        return len(cleaned)

    def ground_rules(self, couple: CoupleRef) -> tuple[str, ...]:
        return self._s.load_couple(couple, types=RULES_STATE).ground_rules

    # -- capsules ----------------------------------------------------------------------

    def seal_capsule(
        self, couple: CoupleRef, *, by: str, message: str, opens_on: date | None = None
    ) -> CapsuleView:
        body = clean_text(message, "capsule message", max_len=LETTER_MAX)

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(by)
            today = self._s.today(state)
            opening = opens_on or add_months(today, CAPSULE_MONTHS)
            if opening <= today:
                raise InvalidInput("a capsule opens on a date after today")
            if opening > add_months(today, 12 * 25):
                raise InvalidInput("a capsule opens within 25 years")
            event = CapsuleSealed(
                capsule_id=new_id(),
                author=partner.partner_id,
                message=body,
                opens_on=opening,
                at=self._s.now(),
            )
            return [event], partner.partner_id

        state, events = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        sealed = events[0]
        assert isinstance(sealed, CapsuleSealed)
        return CapsuleView(
            sealed.capsule_id, state.handle_of(sealed.author), sealed.opens_on, False, None
        )

    def open_capsule(self, couple: CoupleRef, capsule_id: str, *, by: str) -> CapsuleView:

        def decide(state: CoupleState) -> Decision:
            partner = state.partner(by)
            capsule = couple_domain.check_capsule_openable(state, capsule_id, self._s.today(state))
            if capsule.opened:
                return [], partner.partner_id
            event = CapsuleOpened(
                capsule_id=capsule.capsule_id, by=partner.partner_id, at=self._s.now()
            )
            return [event], partner.partner_id

        state = self._s.load_couple(couple, types=CAPSULE_STATE)
        cid = couple_domain.find_by_prefix(dict(state.capsules), capsule_id, "capsule")
        self._s.couple_command(couple, decide, types=CAPSULE_STATE)
        return next(c for c in self._journal.capsules(couple, None) if c.id == cid)
