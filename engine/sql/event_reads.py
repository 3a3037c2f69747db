"""The reading half of the SQL event store: streams, a couple's log, types across
couples, the whole log in pages, and its counts. Each read is one short transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from engine.events.records import Recent, RecordedEvent
from engine.events.rows import Row, decode_row
from engine.events.sealing import KeyringCipher
from engine.sql.access import SqlEngineAccess
from engine.sql.event_rows import row_of, utc
from engine.sql.tables import events


class SqlEventReads:
    """The store's reads, over the access and the cipher that ``SqlEventStore`` sets up."""

    db: SqlEngineAccess
    cipher: KeyringCipher

    def _select(self, query: sa.Select[Any], decrypt: bool) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [decode_row(row_of(r), cipher) for r in rows]

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        query = sa.select(events).where(events.c.stream_id == stream_id).order_by(events.c.version)
        return self._select(query, decrypt)

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        if recent is not None:
            # Each side of the OR names the couple, so that SQLite reads each from its
            # (couple_id, occurred_at) and (couple_id, recorded_at) index and joins them,
            # rather than walk the couple's whole history by position.
            query = sa.select(events).where(
                sa.or_(
                    sa.and_(
                        events.c.couple_id == couple_id,
                        events.c.occurred_at > utc(recent.occurred),
                    ),
                    sa.and_(
                        events.c.couple_id == couple_id,
                        events.c.recorded_at > utc(recent.recorded),
                    ),
                ),
                events.c.position + 0 > after,
            )
            if types is not None:
                query = query.where(events.c.type.in_(list(types)))
            return self._select(query.order_by(events.c.position), decrypt)
        if types is None:
            query = sa.select(events).where(
                events.c.couple_id == couple_id, events.c.position > after
            )
            return self._select(query.order_by(events.c.position), decrypt)
        # A few types of one couple come from the (couple_id, type, position) index. Written
        # as ``position + 0``, the position cannot lure SQLite's planner (which has no
        # statistics) into walking the couple's whole history by position instead; but
        # after a position (the tail since a read model's checkpoint), the bound is kept
        # for the index, or every event of those types ever would be scanned.
        position = events.c.position + 0 if after == 0 else events.c.position
        query = sa.select(events).where(
            events.c.couple_id == couple_id, events.c.type.in_(list(types)), position > after
        )
        return self._select(query.order_by(position), decrypt)

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        query = sa.select(events).where(events.c.type.in_(list(types))).order_by(events.c.position)
        return self._select(query, decrypt)

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        query = (
            sa.select(events)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        return self._select(query, decrypt)

    def read_rows(self, after: int = 0, limit: int = 1000) -> list[Row]:
        """Raw rows without decoding, for tools that copy or inspect the log."""
        query = (
            sa.select(events)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        with self.db.read() as conn:
            return [row_of(r) for r in conn.execute(query)]

    def last_position(self) -> int:
        with self.db.read() as conn:
            return int(
                conn.scalar(sa.select(sa.func.coalesce(sa.func.max(events.c.position), 0))) or 0
            )

    def stream_version(self, stream_id: str) -> int:
        query = sa.select(sa.func.max(events.c.version)).where(events.c.stream_id == stream_id)
        with self.db.read() as conn:
            return int(conn.scalar(query) or 0)

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(events)) or 0)
