"""Rows of the ``ritual_events`` table to and from the store contract's rows and
recorded events; times read back from a database always come out in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine.events.records import Metadata, RecordedEvent
from engine.events.rows import Row

if TYPE_CHECKING:
    from engine.events.base import Event


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def row_of(r: Any) -> Row:
    """A row read by a statement of ``engine.sql.statements.select_events``."""
    return Row(
        position=r.position,
        stream_id=r.stream_id,
        version=r.version,
        couple_id=r.couple_id,
        event_id=r.event_id,
        type_name=r.type,
        schema=r.schema,
        payload=r.payload,
        metadata=r.metadata,
        occurred_at=utc(r.occurred_at),
        recorded_at=utc(r.recorded_at),
    )


def values_of(row: Row) -> dict[str, Any]:
    return {
        "stream_id": row.stream_id,
        "version": row.version,
        "couple_id": row.couple_id,
        "event_id": row.event_id,
        "type": row.type_name,
        "schema": row.schema,
        "payload": row.payload,
        "metadata": row.metadata,
        "occurred_at": row.occurred_at,
        "recorded_at": row.recorded_at,
    }


def recorded_event(row: Row, position: int, event: Event, metadata: Metadata) -> RecordedEvent:
    return RecordedEvent(
        position=position,
        stream_id=row.stream_id,
        version=row.version,
        couple_id=row.couple_id,
        event_id=row.event_id,
        event=event,
        metadata=metadata,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
    )
