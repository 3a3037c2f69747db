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
class TemplateView:
    """A catalog template, described for choosing."""

    key: str
    title: str
    kind: str
    summary: str
    cron: str | None
    per_week: int | None
    schedule: str  # a human description, as in `ritual list`
    duration: timedelta | None
    who: str  # both (together) or each (every partner on their own)
    starter: bool


@dataclass(frozen=True)
class UpcomingView:
    """One occurrence still to come."""

    ritual_id: str
    title: str
    at: datetime  # the UTC instant
    local: datetime  # the same instant in the couple's zone
    duration: timedelta | None
    prompt: str | None


@dataclass(frozen=True)
class FeedLinkView:
    """A calendar sharing link, without its token (which is never stored)."""

    id: str
    label: str | None
    partner: str | None  # a handle; None for the couple's whole calendar
    created_at: datetime
    last_fetched_at: datetime | None
    revoked_at: datetime | None

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class IssuedFeedLink:
    """A link just issued: the only moment its URLs (which hold the token) are known."""

    link: FeedLinkView
    url: str = field(repr=False)
    webcal_url: str = field(repr=False)


@dataclass(frozen=True)
class FeedTarget:
    """What a live link opens, for the feed server."""

    link_id: str
    couple_id: str
    partner_id: str | None
    last_fetched_at: datetime | None
