"""What partners write to each other that a reader may see: capsules, journal entries, notes."""

from __future__ import annotations

from datetime import date, datetime

from engine.frozen import frozen


@frozen
class CapsuleView:
    """A time capsule; its message is None while it is sealed for the reader."""

    id: str
    author: str
    opens_on: date
    opened: bool
    message: str | None  # None while sealed


@frozen
class JournalEntryView:
    """An appreciation the viewer may read."""

    id: str
    author: str  # a handle
    recipient: str  # a handle
    text: str
    shared: bool  # False: still in the author's private journal
    written_at: datetime


@frozen
class NoteView:
    """A note or reason the viewer may read."""

    kind: str  # check-in, skip, repair, repair-answer
    author: str | None  # a handle; None for a skip let go for the couple
    text: str
    shared: bool  # True: everyone in the couple may read it
    at: datetime  # when it was written down
    ritual_id: str | None = None
    ritual: str | None = None  # the ritual's title, for check-ins and skips
