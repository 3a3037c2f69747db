"""What the partner's page needs to know beyond the CLI's queries: the repair attempts
waiting for this partner's answer, and whether a pause is running."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from engine.events import RepairAnswered, RepairAttempted
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.services.refs import CoupleRef
    from engine.services.session import Session


@frozen
class RepairWaiting:
    """A repair attempt by the other partner that this partner has not accepted yet."""

    id: str
    by: str  # handle of who reached out
    kind: str
    at: datetime
    answer: str | None  # None: not answered; "not-yet": answered, open to a later answer


@frozen
class PageFacts:
    """The couple's open threads, as one partner sees them."""

    repairs: tuple[RepairWaiting, ...]  # oldest first
    pause_by: str | None  # handle of who called the running pause; None: no pause


class Page:
    """Queries of the partner's page."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def page_facts(self, couple: CoupleRef, *, partner: str) -> PageFacts:
        """The repair attempts ``partner`` may answer, and the running pause if any."""
        state = self._s.load_couple(couple)
        me = state.partner(partner).partner_id
        attempts: dict[str, RepairWaiting] = {}
        types = (RepairAttempted.type_name, RepairAnswered.type_name)
        for r in self._s.store.read_couple(state.couple_id, types=types, decrypt=False):
            match r.event:
                case RepairAttempted() if r.event.by != me:
                    e = r.event
                    attempts[e.repair_id] = RepairWaiting(
                        e.repair_id, state.handle_of(e.by), e.kind, e.at, None
                    )
                case RepairAnswered() if r.event.repair_id in attempts:
                    found = attempts[r.event.repair_id]
                    attempts[found.id] = RepairWaiting(
                        found.id, found.by, found.kind, found.at, r.event.answer
                    )
        waiting = tuple(a for a in attempts.values() if a.answer != "accepted")
        pause = state.open_timeout
        return PageFacts(waiting, state.handle_of(pause[1]) if pause else None)
