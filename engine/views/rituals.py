"""Rituals, the catalog's templates, occurrences to come and what logging one returns."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime, timedelta
from types import MappingProxyType

from engine.frozen import frozen

LOCAL_TIME = MappingProxyType({"zone": "own"})
"""Field metadata of a local time: written as JSON in the zone it holds (the couple's, or
a partner's own), never converted to the zone the output is in."""


@frozen
class RitualView:
    """A ritual as it stands now: its current definition, status and schedule in words."""

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
    each_local: bool = False  # one occurrence per participant, at their own local time

    @property
    def short_id(self) -> str:
        return self.id[:8]


@frozen
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


@frozen
class UpcomingView:
    """One occurrence still to come."""

    ritual_id: str
    title: str
    at: datetime  # the UTC instant
    # the same instant in the couple's zone (asked for one partner: in theirs)
    local: datetime = field(metadata=LOCAL_TIME)
    duration: timedelta | None
    prompt: str | None
    partner: str | None = None  # whose occurrence, for a ritual kept at each one's local time
    # (handle, local time) of each participant, when their local times differ
    times: tuple[tuple[str, datetime], ...] = field(default=(), metadata=LOCAL_TIME)


@frozen
class CheckInView:
    """What a check-in landed on: the occurrence, when, and the partner's streak after it."""

    ritual_id: str
    title: str
    partner: str
    occurrence: datetime | None  # UTC instant of the occurrence; None for quota rituals
    local: datetime | None = field(metadata=LOCAL_TIME)  # the occurrence in the couple's zone
    done_at: datetime
    streak: int = 0  # the partner's current streak on this ritual, this check-in included
    partners: tuple[str, ...] = ()  # every handle this check-in counts for, the partner first


@frozen
class SkipView:
    """One occurrence let go: its UTC instant and its local time."""

    ritual_id: str
    title: str
    occurrence: datetime
    local: datetime = field(metadata=LOCAL_TIME)
