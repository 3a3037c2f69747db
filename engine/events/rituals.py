"""Events of a ritual's stream (``ritual-<id>``): its definition, life and practice."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.events.base import Event, Payload, event_type, secret, upcaster
from engine.frozen import frozen


@frozen(kw_only=True)
class RitualDefined(Event):
    """A full ritual definition, in force from ``effective_from``."""

    ritual_id: str
    title: str = secret()
    kind: str
    cron: str | None  # a schedule in the couple's zone (each participant's, if each_local)
    per_week: int | None  # a weekly quota instead of fixed times, or None (occasional)
    duration: timedelta | None
    participants: tuple[str, ...]  # partner ids
    together: bool  # True: done together; False: each participant on their own
    reminder: timedelta | None
    prompts: tuple[str, ...] = secret(default=())
    template: str | None = None
    effective_from: datetime
    each_local: bool = False  # True: one occurrence per participant, at their own local time


@event_type("ritual.added", schema=2)
@frozen(kw_only=True)
class RitualAdded(RitualDefined):
    """A ritual was created with its first definition."""


@event_type("ritual.edited", schema=2)
@frozen(kw_only=True)
class RitualEdited(RitualDefined):
    """A ritual got a new definition; history keeps the old one."""


@upcaster("ritual.added", from_schema=1)
def _added_in_the_couples_zone(payload: Payload) -> Payload:
    """Schema 1 had one zone for everyone: the ritual is anchored to the couple's."""
    return {**payload, "each_local": False}


@upcaster("ritual.edited", from_schema=1)
def _edited_in_the_couples_zone(payload: Payload) -> Payload:
    """Schema 1 had one zone for everyone: the ritual is anchored to the couple's."""
    return {**payload, "each_local": False}


@event_type("ritual.paused")
@frozen(kw_only=True)
class RitualPaused(Event):
    """A ritual was paused, optionally until a set instant (the start of a local day)."""

    ritual_id: str
    since: datetime
    until: datetime | None = None


@event_type("ritual.resumed")
@frozen(kw_only=True)
class RitualResumed(Event):
    """A paused ritual came back."""

    ritual_id: str
    at: datetime


@event_type("ritual.retired")
@frozen(kw_only=True)
class RitualRetired(Event):
    """A ritual ended for good; its history stays."""

    ritual_id: str
    at: datetime


@event_type("ritual.checked_in")
@frozen(kw_only=True)
class CheckedIn(Event):
    """A partner recorded that an occurrence happened (or, for quota rituals, one more time)."""

    ritual_id: str
    partner_id: str
    occurrence: datetime | None  # the UTC instant of the occurrence; None for quota rituals
    done_at: datetime
    closeness: int | None = None
    note: str | None = secret(owner="partner_id", default=None)
    note_shared: bool = False
    for_partners: tuple[str, ...] = ()  # partners this check-in also counts for (proxy)


@event_type("ritual.skipped", schema=2)
@frozen(kw_only=True)
class OccurrenceSkipped(Event):
    """An occurrence was deliberately let go: neutral, never a failure.

    The reason is its author's: sealed with the skipping partner's own key (``reason_key``
    is that partner's id), so only they read it and erasing them erases it. Schema 1
    sealed every reason with the couple's key; those keep ``reason_key == ""``.
    """

    ritual_id: str
    occurrence: datetime
    partner_id: str | None = None
    reason: str | None = secret(owner="reason_key", default=None)
    reason_key: str = ""  # whose key seals the reason: the author's id; "" the couple's


@upcaster("ritual.skipped", from_schema=1)
def _skip_reasons_were_the_couples(payload: Payload) -> Payload:
    """Schema 1 sealed a skip reason with the couple's key: say so, so it still opens."""
    return {**payload, "reason_key": ""}
