"""The event history, undoing an entry, and the read models' progress."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from typing import Any

from engine.frozen import frozen


@frozen
class HistoryEntry:
    """One event in the couple's history, without any private text."""

    position: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None  # a partner handle
    via: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    entry_id: str = ""  # the event id, for `ritual undo`
    undone: bool = False  # a partner took this entry back
    time_zone: str = ""  # the couple's zone in force when it happened (IANA key)


@frozen
class UndoView:
    """An entry that was just undone."""

    entry_id: str
    type: str
    summary: str  # what it was, without any private text
    occurred_at: datetime


@frozen
class ReadModelView:
    """A read model and how far it has folded the event log."""

    name: str
    version: int
    position: int  # the last event folded in
    behind: int  # events in the log after it
