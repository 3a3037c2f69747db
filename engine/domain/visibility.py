"""Who may read which intimate text. Pure: no I/O, no clock (``today`` is passed in).

Every read is made as a *viewer*: a partner id, or ``None`` for the couple's shared
view (what every partner may see). The rules:

- an appreciation kept in the writer's journal is seen by its writer only, until it is
  shared; until then the others do not even see that it exists;
- a time capsule's message is seen by nobody, not even its writer, before its opening
  date, and by everyone in the couple from that date on;
- a check-in note is seen by its writer only, unless it was shared;
- a note on a repair attempt or on an answer is seen by its writer only;
- a skip reason is seen by the partner who gave it only (a reason recorded without a
  partner by an older version stays the couple's); once that partner is erased, by
  nobody, not even in a full export, whichever key it was sealed with;
- everything else (names, titles, prompts, ground rules) belongs to the couple and is
  seen by all of them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from engine.events import (
    AppreciationGiven,
    CapsuleSealed,
    CheckedIn,
    EntryRetracted,
    Event,
    FeedLinkIssued,
    OccurrenceSkipped,
    RepairAnswered,
    RepairAttempted,
    secret_fields,
)

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState

Viewer = str | None
"""A partner id, :data:`EVERYONE`, or None for the couple's shared view."""

EVERYONE = "*"
"""The viewer of a full export (for moving to another database): every text is read."""


def is_listed(event: Event, viewer: Viewer, state: CoupleState) -> bool:
    """Whether ``viewer`` may know that ``event`` happened at all."""
    if viewer == EVERYONE:
        return True
    if isinstance(event, AppreciationGiven):
        item = state.appreciations.get(event.appreciation_id)
        return event.shared or viewer == event.author or (item is not None and item.shared)
    if isinstance(event, EntryRetracted) and event.retracted_type.startswith("appreciation."):
        return viewer == event.by  # an undone journal entry stays the writer's own
    return True


def texts_readable(event: Event, viewer: Viewer, state: CoupleState, today: date) -> bool:
    """Whether ``viewer`` may read the intimate texts of ``event`` on ``today``."""
    if isinstance(event, OccurrenceSkipped) and event.partner_id is not None:
        if any(p.partner_id == event.partner_id for p in state.former):
            return False  # its author was erased: their reason goes with them
        return viewer in (EVERYONE, event.partner_id)
    if viewer == EVERYONE:
        return True
    match event:
        case AppreciationGiven():
            return is_listed(event, viewer, state)
        case CapsuleSealed():
            return today >= event.opens_on
        case CheckedIn():
            return event.note_shared or viewer == event.partner_id
        case RepairAttempted() | RepairAnswered():
            return viewer == event.by
        case _:
            return True


def hidden_fields(event: Event, viewer: Viewer, state: CoupleState, today: date) -> tuple[str, ...]:
    """The secret fields of ``event`` that ``viewer`` may not read (empty: all readable).

    A sharing link's token hash is for the server and for moving the couple only: it is
    hidden from every reader but a full export's."""
    hidden = () if texts_readable(event, viewer, state, today) else secret_fields(type(event))
    if isinstance(event, FeedLinkIssued) and viewer != EVERYONE and "token_hash" not in hidden:
        hidden = (*hidden, "token_hash")
    return hidden
