"""Following the log from another process: public records of every event, in log order.

A search index, an analytics job or a notifier keeps its own checkpoint (the position of
the last record it handled) and asks for what came after it::

    follower = eng.follow(after=saved_position)
    for record in follower.poll():
        handle(record)
        saved_position = record.position

Positions only grow and become visible in the order they were given (the store
serialises appends), so a follower that reads "after my checkpoint" sees every event
exactly once, including one that committed late. Sealed fields (notes, appreciations,
names, capsule messages ...) read :data:`~engine.events.SEALED` unless the caller asks
``reveal=True`` and the keys are there; a destroyed key reads
:data:`~engine.events.ERASED` whatever is asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from engine.errors import InvalidInput
from engine.events import SEALED, EventStore, RecordedEvent
from engine.events.base import secret_fields
from engine.frozen import frozen

MAX_PAGE = 10_000
"""The most records one call returns."""


@frozen
class LogRecord:
    """One event as a follower sees it: where it is in the log, what it is, and its
    fields (sealed ones redacted unless revealed)."""

    position: int
    event_id: str
    stream_id: str
    couple_id: str
    type: str  # the stable dotted name, e.g. "ritual.checked_in"
    schema: int  # the shape of ``fields`` (older shapes are upcast to it)
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None  # the acting partner's id, or None
    via: str  # cli, api, server, import
    fields: Mapping[str, Any] = field(repr=False)


def public_record(recorded: RecordedEvent, *, reveal: bool) -> LogRecord:
    """A :class:`LogRecord` of one stored event; ``recorded`` was read with keys only
    when ``reveal`` is true, and its sealed fields are redacted again when it is not."""
    event = recorded.event
    hidden = () if reveal else secret_fields(type(event))
    values = {
        f.name: SEALED if f.name in hidden else getattr(event, f.name)
        for f in dataclasses.fields(event)
    }
    return LogRecord(
        position=recorded.position,
        event_id=recorded.event_id,
        stream_id=recorded.stream_id,
        couple_id=recorded.couple_id,
        type=event.type_name,
        schema=event.schema,
        occurred_at=recorded.occurred_at,
        recorded_at=recorded.recorded_at,
        actor=recorded.metadata.actor,
        via=recorded.metadata.via,
        fields=MappingProxyType(values),
    )


def read_log(
    store: EventStore, *, after: int = 0, limit: int = 1000, reveal: bool = False
) -> list[LogRecord]:
    """Up to ``limit`` records with a position after ``after``, oldest first."""
    _check(after, limit)
    found = store.read_all(after, limit, decrypt=reveal)
    return [public_record(r, reveal=reveal) for r in found]


def _check(after: int, limit: int) -> None:
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise InvalidInput("after must be a log position: a whole number, 0 or more")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be a whole number from 1 to {MAX_PAGE}")


class Follower:
    """Follows the log from a checkpoint; ``position`` is the last record handed out.

    Each :meth:`poll` returns the next page and moves ``position`` on; iterating reads
    pages until the follower has caught up. Save ``position`` (or the position of the
    last record you handled) to carry on from there in the next run.
    """

    def __init__(
        self, store: EventStore, *, after: int = 0, limit: int = 1000, reveal: bool = False
    ) -> None:
        _check(after, limit)
        self._store = store
        self.position = after
        self.limit = limit
        self.reveal = reveal

    def poll(self) -> list[LogRecord]:
        """The records committed after ``position`` (at most ``limit``), oldest first."""
        page = read_log(self._store, after=self.position, limit=self.limit, reveal=self.reveal)
        if page:
            self.position = page[-1].position
        return page

    def __iter__(self) -> Iterator[LogRecord]:
        while page := self.poll():
            yield from page
