"""What the engine hands a store and gets back: new events with their metadata, batches
of them for one stream, and recorded events with their place in the log. Pure.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.events.idempotency import drawn_ids
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.events.base import Event
    from engine.events.names import NameClaim, NameRelease


def new_event_id() -> str:
    """A fresh event id: a random UUID, or the next of a keyed run's ids (see
    ``engine.events.idempotency``)."""
    keyed = drawn_ids()
    return str(keyed.next() if keyed is not None else uuid.uuid4())


@frozen
class Metadata:
    """Who wrote a batch of events, through which door, as part of what."""

    actor: str | None = None  # a partner id, never a name
    via: str = "api"  # cli, api, server, import
    correlation_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"actor": self.actor, "via": self.via, "correlation_id": self.correlation_id}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Metadata:
        data = data or {}
        return cls(data.get("actor"), data.get("via", "api"), data.get("correlation_id"))


NO_METADATA = Metadata()


@frozen
class NewEvent:
    """An event about to be appended, with the moment the user says it happened."""

    event: Event
    occurred_at: datetime
    event_id: str = field(default_factory=new_event_id)
    recorded_at: datetime | None = None  # kept only by an append with ``keep_recorded``


@frozen
class Batch:
    """Events for one stream, appended together as one of several in one transaction."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int | None
    metadata: Metadata = field(default_factory=Metadata)
    claims: Sequence[NameClaim] = ()  # unique names taken with these events
    releases: Sequence[NameRelease] = ()  # and given up, before the claims


@frozen
class Recent:
    """The events that occurred after ``occurred`` or were recorded after ``recorded``.

    What a status reads of a long log: a fact an event states (an occurrence, a moment it
    was done) lies at most a day after when it occurred, or a few months after when it was
    recorded (a skip planned ahead), so the events outside both bounds state nothing
    after the earlier of the two moments plus those margins."""

    occurred: datetime
    recorded: datetime

    def holds(self, occurred_at: datetime, recorded_at: datetime) -> bool:
        return occurred_at > self.occurred or recorded_at > self.recorded


@frozen
class RecordedEvent:
    """An event as stored, with its place in the log."""

    position: int
    stream_id: str
    version: int
    couple_id: str
    event_id: str
    event: Event
    metadata: Metadata
    occurred_at: datetime
    recorded_at: datetime
