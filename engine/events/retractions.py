"""Undoing a mistaken entry: a retraction is appended, nothing is deleted.

Retractions live in their own stream per couple (``retractions-<couple id>``), so the
version of the stream that holds the retracted event (a ritual, the couple, a plan)
does not move, and every reader drops the retracted event through :func:`honoured`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from engine.events.base import Event, event_type
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.events.records import RecordedEvent


@event_type("entry.retracted")
@frozen(kw_only=True)
class EntryRetracted(Event):
    """A partner took back one of their own entries (a check-in, skip, appreciation,
    repair, repair answer or plan task): it no longer counts anywhere."""

    retracted_event_id: str
    retracted_type: str
    by: str  # the partner who undid it: always the entry's author
    at: datetime
    ritual_id: str | None = None  # for check-ins and skips: where the mark lives
    occurrence: datetime | None = None


def retractions_stream(couple_id: str) -> str:
    return f"retractions-{couple_id}"


def retracted_ids(recorded: Iterable[RecordedEvent]) -> set[str]:
    """The ids of the events that some retraction among ``recorded`` took back."""
    return {r.event.retracted_event_id for r in recorded if isinstance(r.event, EntryRetracted)}


def honoured(
    recorded: Iterable[RecordedEvent], retracted: set[str] | None = None
) -> list[RecordedEvent]:
    """``recorded`` without retracted events and without the retractions themselves.

    ``retracted`` defaults to the retractions found among ``recorded``.
    """
    found = list(recorded)
    gone = retracted_ids(found) if retracted is None else retracted
    return [r for r in found if r.event_id not in gone and not isinstance(r.event, EntryRetracted)]
