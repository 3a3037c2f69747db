"""Frozen views returned by the Engine: plain values, never ORM rows or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class PartnerView:
    handle: str
    display_name: str


@dataclass(frozen=True)
class CoupleView:
    id: str
    name: str
    time_zone: str
    partners: tuple[PartnerView, ...]
    freezes_per_month: int = 1
    proxy_checkins: bool = False

    @property
    def handles(self) -> tuple[str, ...]:
        return tuple(p.handle for p in self.partners)


@dataclass(frozen=True)
class RitualView:
    id: str
    title: str
    kind: str
    cron: str | None
    per_week: int | None
    schedule: str  # a human description: "every day at 07:30", "3 times a week"
    duration: timedelta | None
    participants: tuple[str, ...]  # handles
    together: bool
    reminder: timedelta | None
    prompts: tuple[str, ...]
    status: str  # active, paused, retired
    paused_until: datetime | None
    template: str | None
    since: datetime

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class CheckInView:
    ritual_id: str
    title: str
    partner: str
    occurrence: datetime | None  # UTC instant of the occurrence; None for quota rituals
    local: datetime | None  # the occurrence in the couple's zone
    done_at: datetime


@dataclass(frozen=True)
class SkipView:
    ritual_id: str
    title: str
    occurrence: datetime
    local: datetime


@dataclass(frozen=True)
class CapsuleView:
    id: str
    author: str
    opens_on: date
    opened: bool
    message: str | None  # None while sealed


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class JournalEntryView:
    """An appreciation the viewer may read."""

    id: str
    author: str  # a handle
    recipient: str  # a handle
    text: str
    shared: bool  # False: still in the author's private journal
    written_at: datetime


@dataclass(frozen=True)
class NoteView:
    """A note or reason the viewer may read."""

    kind: str  # check-in, skip, repair, repair-answer
    author: str | None  # a handle; None for a skip let go for the couple
    text: str
    shared: bool  # True: everyone in the couple may read it
    at: datetime  # when it was written down
    ritual_id: str | None = None
    ritual: str | None = None  # the ritual's title, for check-ins and skips


@dataclass(frozen=True)
class ErasureView:
    """What an erasure did."""

    couple_id: str
    partner: str | None  # the handle of the partner who left; None: the whole couple
    keys_destroyed: int
    storage_scrubbed: bool  # the database's own files were rewritten without the keys
