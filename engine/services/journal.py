"""Reading the intimate texts as someone: appreciations, notes and capsule letters, each
as the viewer may see them (the rules are in :mod:`engine.domain.visibility`).

The view builders take the recorded events they look through, so an export can build
the same views from the one read it makes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from engine.domain.visibility import Viewer, is_listed, texts_readable
from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CapsuleOpened,
    CapsuleSealed,
    CheckedIn,
    OccurrenceSkipped,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
)
from engine.services.refs import MEMBERSHIP, CoupleRef
from engine.views.connection import CapsuleView, JournalEntryView, NoteView

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.session import Session

APPRECIATION_STATE = (*MEMBERSHIP, AppreciationGiven.type_name, AppreciationShared.type_name)
CAPSULE_STATE = (*MEMBERSHIP, CapsuleSealed.type_name, CapsuleOpened.type_name)

NOTE_TYPES = (
    CheckedIn.type_name,
    OccurrenceSkipped.type_name,
    RepairAttempted.type_name,
    RepairAnswered.type_name,
)


def journal_views(
    state: CoupleState, viewer: Viewer, recorded: Iterable[RecordedEvent]
) -> list[JournalEntryView]:
    """The appreciations among ``recorded`` that ``viewer`` may read."""
    return [
        JournalEntryView(
            id=r.event.appreciation_id,
            author=state.handle_of(r.event.author),
            recipient=state.handle_of(r.event.recipient),
            text=r.event.text,
            shared=state.appreciations[r.event.appreciation_id].shared,
            written_at=r.occurred_at,
        )
        for r in recorded
        if isinstance(r.event, AppreciationGiven) and is_listed(r.event, viewer, state)
    ]


def note_views(
    state: CoupleState,
    viewer: Viewer,
    today: date,
    titles: dict[str, str],
    recorded: Iterable[RecordedEvent],
) -> list[NoteView]:
    """The notes among ``recorded`` that ``viewer`` may read."""
    views = (
        _note_view(state, titles, r)
        for r in recorded
        if texts_readable(r.event, viewer, state, today)
    )
    return [v for v in views if v is not None]


def _note_view(state: CoupleState, titles: dict[str, str], r: RecordedEvent) -> NoteView | None:
    event = r.event
    match event:
        case CheckedIn(note=str(text)):
            return NoteView(
                kind="check-in",
                author=state.handle_of(event.partner_id),
                text=text,
                shared=event.note_shared,
                at=r.occurred_at,
                ritual_id=event.ritual_id,
                ritual=titles.get(event.ritual_id),
            )
        case OccurrenceSkipped(reason=str(text)):
            who = event.partner_id
            return NoteView(
                kind="skip",
                author=state.handle_of(who) if who else None,
                text=text,
                shared=who is None,  # a reason is its author's; only old ones have none
                at=r.occurred_at,
                ritual_id=event.ritual_id,
                ritual=titles.get(event.ritual_id),
            )
        case RepairAttempted(note=str(text)) | RepairAnswered(note=str(text)):
            kind = "repair" if isinstance(event, RepairAttempted) else "repair-answer"
            return NoteView(kind, state.handle_of(event.by), text, False, r.occurred_at)
        case _:
            return None


def capsule_views(
    state: CoupleState, viewer: Viewer, today: date, recorded: Iterable[RecordedEvent]
) -> list[CapsuleView]:
    """The capsules among ``recorded``; a message only where ``viewer`` may read it."""
    return [
        CapsuleView(
            id=r.event.capsule_id,
            author=state.handle_of(r.event.author),
            opens_on=r.event.opens_on,
            opened=state.capsules[r.event.capsule_id].opened,
            message=r.event.message if texts_readable(r.event, viewer, state, today) else None,
        )
        for r in recorded
        if isinstance(r.event, CapsuleSealed)
    ]


class Journal:
    """Appreciations, notes and capsules, read as someone."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def journal(self, couple: CoupleRef, viewer: str | None) -> list[JournalEntryView]:
        state = self._s.load_couple(couple, types=APPRECIATION_STATE)
        found = self._s.lived.read_couple(state.couple_id, types=(AppreciationGiven.type_name,))
        return journal_views(state, self._s.viewer_id(state, viewer), found)

    def notes(self, couple: CoupleRef, viewer: str | None) -> list[NoteView]:
        state = self._s.load_members(couple)
        titles = {rid: s.title for rid, s in self._s.ritual_states(state.couple_id).items()}
        found = self._s.lived.read_couple(state.couple_id, types=NOTE_TYPES)
        vid = self._s.viewer_id(state, viewer)
        return note_views(state, vid, self._s.today(state), titles, found)

    def capsules(self, couple: CoupleRef, viewer: str | None) -> list[CapsuleView]:
        state = self._s.load_couple(couple, types=CAPSULE_STATE)
        found = self._s.store.read_couple(state.couple_id, types=(CapsuleSealed.type_name,))
        vid = self._s.viewer_id(state, viewer)
        return capsule_views(state, vid, self._s.today(state), found)
