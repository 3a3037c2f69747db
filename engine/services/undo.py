"""Undoing a mistaken entry: the author's own, within a week, by an appended retraction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.domain.ids import ID_MIN, prefix_matches, typed_id
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CheckedIn,
    EntryRetracted,
    OccurrenceSkipped,
    PlanTaskDone,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
    retractions_stream,
)
from engine.events.records import Recent
from engine.events.retractions import retracted_ids
from engine.services.history import describe_event
from engine.views.history import UndoView

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.refs import CoupleRef
    from engine.services.session import Session

UNDO_WINDOW = timedelta(days=7)
"""How long after it was logged an entry can still be undone."""

UNDOABLE = (
    CheckedIn.type_name,
    OccurrenceSkipped.type_name,
    AppreciationGiven.type_name,
    RepairAttempted.type_name,
    RepairAnswered.type_name,
    PlanTaskDone.type_name,
)


def author(r: RecordedEvent) -> str | None:
    """The partner id who made an undoable entry (None: done together, by nobody alone)."""
    event = r.event
    match event:
        case CheckedIn():
            return event.partner_id
        case OccurrenceSkipped() | PlanTaskDone():
            found = event.partner_id if isinstance(event, OccurrenceSkipped) else event.by
            return found or r.metadata.actor
        case AppreciationGiven():
            return event.author
        case RepairAttempted() | RepairAnswered():
            return event.by
        case _:
            return None


def _retraction(r: RecordedEvent, by: str, now: datetime) -> EntryRetracted:
    event = r.event
    ritual_id = occurrence = None
    if isinstance(event, CheckedIn | OccurrenceSkipped):
        ritual_id, occurrence = event.ritual_id, event.occurrence
    return EntryRetracted(
        retracted_event_id=r.event_id,
        retracted_type=event.type_name,
        by=by,
        at=now,
        ritual_id=ritual_id,
        occurrence=occurrence,
    )


class Undo:
    """``undo``: take back one's own entry; nothing is deleted."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def undo(self, couple: CoupleRef, *, by: str, entry: str | None = None) -> UndoView:
        """Undo ``by``'s newest entry of the last week, or the entry with id (prefix) ``entry``.

        Check-ins, skips, appreciations, repair attempts and answers, and plan tasks can
        be undone by their author for :data:`UNDO_WINDOW` after they were logged. An undo
        itself cannot be undone: log the entry again instead.
        """
        state = self._s.load_couple(couple)
        partner = state.partner(by)
        cid = state.couple_id

        def attempt() -> UndoView:
            stream = retractions_stream(cid)
            version = self._s.store.stream_version(stream)
            now = self._s.now()
            # The latest entry of yours lies within the window, and so does everything
            # that can have retracted or shared it since; an entry named by id is looked
            # up in the whole log, so that an old or ambiguous id is told apart.
            since = now - UNDO_WINDOW - timedelta(microseconds=1)  # the window's first moment too
            window = None if entry is not None else Recent(occurred=since, recorded=since)
            recorded = self._s.store.read_couple(cid, decrypt=False, recent=window)
            target = self._undo_target(state, recorded, partner.partner_id, entry)
            events = [_retraction(target, partner.partner_id, now)]
            if isinstance(target.event, AppreciationGiven):  # its later sharing goes with it
                aid = target.event.appreciation_id
                gone = retracted_ids(recorded)
                events += [
                    _retraction(r, partner.partner_id, now)
                    for r in recorded
                    if isinstance(r.event, AppreciationShared)
                    and r.event.appreciation_id == aid
                    and r.event_id not in gone
                ]
            self._s.append(cid, stream, events, expected_version=version, actor=partner.partner_id)
            return self._undo_view(state, target)

        return self._s.retrying(attempt)

    def _undo_target(
        self,
        state: CoupleState,
        recorded: list[RecordedEvent],
        partner_id: str,
        entry: str | None,
    ) -> RecordedEvent:
        gone = retracted_ids(recorded)
        now = self._s.now()
        if entry is None:
            mine = [
                r
                for r in recorded
                if r.event.type_name in UNDOABLE
                and r.event_id not in gone
                and author(r) in (partner_id, None)
                and now - r.recorded_at <= UNDO_WINDOW
            ]
            if not mine:
                raise NotFound("there is nothing of yours from the last 7 days to undo")
            return max(mine, key=lambda r: r.position)
        wanted = typed_id(entry)
        if len(wanted) < ID_MIN:
            raise InvalidInput(f"give at least {ID_MIN} characters of the id")
        by_id = {r.event_id.lower(): r for r in recorded}
        matches = [by_id[key] for key in prefix_matches(wanted, by_id)]
        if not matches:
            raise NotFound(f"no entry with the id '{wanted[:40]}'; see `ritual log`")
        if len(matches) > 1:
            raise InvalidInput("that id prefix matches several entries; give more of it")
        found = matches[0]
        if isinstance(found.event, EntryRetracted):
            raise NotAllowed("an undo cannot itself be undone; log the entry again instead")
        if found.event.type_name not in UNDOABLE:
            raise NotAllowed(
                "only check-ins, skips, appreciations, repairs, repair answers and plan "
                "tasks can be undone"
            )
        if found.event_id in gone:
            raise NotAllowed("that entry was already undone")
        made_by = author(found)
        if made_by not in (partner_id, None):
            raise NotAllowed(f"only {state.handle_of(made_by)} can undo their own entry")
        if now - found.recorded_at > UNDO_WINDOW:
            raise NotAllowed("an entry can be undone for 7 days after it was logged")
        if isinstance(found.event, RepairAttempted):
            rid = found.event.repair_id
            if any(
                isinstance(r.event, RepairAnswered)
                and r.event.repair_id == rid
                and r.event_id not in gone
                for r in recorded
            ):
                raise NotAllowed("that repair attempt was answered; it stays as it was")
        return found

    def _undo_view(self, state: CoupleState, target: RecordedEvent) -> UndoView:
        titles = {rid: s.title for rid, s in self._s.ritual_states(state.couple_id).items()}
        summary = describe_event(
            target.event, state.handle_of, lambda rid: titles.get(rid, "a ritual"), state.zone
        )
        return UndoView(
            entry_id=target.event_id,
            type=target.event.type_name,
            summary=summary,
            occurred_at=target.occurred_at,
        )
