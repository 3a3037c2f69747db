"""What a backend keeps of an event (a row, before decoding), and what every backend does
alike with rows: encode a batch, check its ids, a replay and an import's record times,
find the tombstones, decode a row. Pure: the backends differ only in where rows live.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine.errors import DuplicateEvent, InvalidInput
from engine.events.codec import decode, encode
from engine.events.records import Batch, Metadata, NewEvent, RecordedEvent
from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.events.base import Payload
    from engine.events.sealing import KeyringCipher


@frozen
class Row:
    """A stored event before decoding: what a backend keeps."""

    position: int
    stream_id: str
    version: int
    couple_id: str
    event_id: str
    type_name: str
    schema: int
    payload: Payload
    metadata: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime


def encode_batch(
    cipher: KeyringCipher, couple_id: str, events: Sequence[NewEvent]
) -> list[tuple[NewEvent, Payload]]:
    """Encode each new event's payload (sealing its secret fields).

    Raises DuplicateEvent when the batch itself repeats an event id.
    """
    ids = [e.event_id for e in events]
    if len(set(ids)) != len(ids):
        raise DuplicateEvent("a batch repeats an event id; every event needs its own id")
    return [
        (e, encode(e.event, couple_id=couple_id, event_id=e.event_id, cipher=cipher))
        for e in events
    ]


def check_batch_ids(batches: Sequence[Batch]) -> None:
    """One transaction never carries one event id twice."""
    ids = [e.event_id for b in batches for e in b.events]
    if len(set(ids)) != len(ids):
        raise DuplicateEvent("a batch repeats an event id; every event needs its own id")


def kept_times(events: Sequence[NewEvent], now: datetime, after: datetime | None) -> list[datetime]:
    """The record times an import keeps for one batch of a stream whose newest event was
    recorded at ``after``: each given with its zone, none in the future of the store's
    clock ``now``, and none before the one it follows. InvalidInput otherwise."""
    times = []
    for new in events:
        at = new.recorded_at
        if at is None or at.tzinfo is None:
            raise InvalidInput("every imported event needs the time it was recorded, with its zone")
        at = at.astimezone(UTC)
        if at > now:
            raise InvalidInput(
                "an imported event was recorded later than this database's clock says it is "
                "now; nothing was imported"
            )
        if after is not None and at < after:
            raise InvalidInput(
                "imported record times go back in time within one stream; nothing was imported"
            )
        times.append(at)
        after = at
    return times


def check_replay(
    existing: dict[str, Row],
    couple_id: str,
    batch: Batch,
    encoded: Sequence[tuple[NewEvent, Payload]],
) -> list[int] | None:
    """Decide what an append whose event ids already exist means.

    Returns the original positions when the whole batch was stored before as the very
    same events (a safe retry: same couple, stream, type, content, moment and author);
    None when no id exists; raises DuplicateEvent otherwise.
    """
    if not existing:
        return None
    positions = []
    for new, payload in encoded:
        row = existing.get(new.event_id)
        if (
            row is None
            or row.couple_id != couple_id
            or row.stream_id != batch.stream_id
            or row.type_name != new.event.type_name
            or row.payload != payload
            or row.occurred_at != new.occurred_at
            or row.metadata.get("actor") != batch.metadata.actor
        ):
            raise DuplicateEvent(
                f"event id {new.event_id} was already used for another event; "
                "a retry must repeat the very same events"
            )
        positions.append(row.position)
    return positions


def erased_owners(rows: Sequence[Row]) -> list[tuple[str, str | None]]:
    """(couple id, partner id or None for the whole couple) of each tombstone in ``rows``."""
    return [
        (r.couple_id, None if r.type_name == "couple.erased" else str(r.payload["partner_id"]))
        for r in rows
        if r.type_name in ("couple.erased", "couple.partner_erased")
    ]


def decode_row(row: Row, cipher: KeyringCipher | None) -> RecordedEvent:
    """Turn a stored row into a typed event."""
    event = decode(
        row.type_name,
        row.schema,
        row.payload,
        couple_id=row.couple_id,
        event_id=row.event_id,
        cipher=cipher,
    )
    return RecordedEvent(
        position=row.position,
        stream_id=row.stream_id,
        version=row.version,
        couple_id=row.couple_id,
        event_id=row.event_id,
        event=event,
        metadata=Metadata.from_json(row.metadata),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
    )
