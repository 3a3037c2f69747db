"""The reading half of the SQL event store: streams, a couple's log, types across
couples, the whole log in pages, and its counts. Each read is one short transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from engine.events.rows import Row, decode_row
from engine.sql.event_rows import row_of, utc
from engine.sql.statements import Access, Params, Sql, select_events

if TYPE_CHECKING:
    from engine.events.records import Recent, RecordedEvent
    from engine.events.sealing import KeyringCipher

_STREAM = select_events("stream_id = :stream", tail="ORDER BY version")
_COUPLE = select_events("couple_id = :couple AND position > :after", tail="ORDER BY position")
# Each side of the OR names the couple, so that SQLite reads each from its
# (couple_id, occurred_at) and (couple_id, recorded_at) index and joins them, rather than
# walk the couple's whole history by position.
_RECENT = (
    "((couple_id = :couple AND occurred_at > :occurred) "
    "OR (couple_id = :couple AND recorded_at > :recorded)) AND position + 0 > :after"
)
_MOMENTS = ("occurred", "recorded")
_RECENT_ALL = select_events(_RECENT, moments=_MOMENTS, tail="ORDER BY position")
_RECENT_TYPES = select_events(
    f"{_RECENT} AND type IN (:types)", lists=("types",), moments=_MOMENTS, tail="ORDER BY position"
)
# A few types of one couple come from the (couple_id, type, position) index. Written as
# ``position + 0``, the position cannot lure SQLite's planner (which has no statistics)
# into walking the couple's whole history by position instead; but after a position (the
# tail since a read model's checkpoint), the bound is kept for the index, or every event
# of those types ever would be scanned.
_TYPES_FROM_START = select_events(
    "couple_id = :couple AND type IN (:types) AND position + 0 > :after",
    lists=("types",),
    tail="ORDER BY position + 0",
)
_TYPES_AFTER = select_events(
    "couple_id = :couple AND type IN (:types) AND position > :after",
    lists=("types",),
    tail="ORDER BY position",
)
_ANY_COUPLE_TYPES = select_events("type IN (:types)", lists=("types",), tail="ORDER BY position")
_PAGE = select_events("position > :after", tail="ORDER BY position LIMIT :limit")
_LAST = Sql("SELECT coalesce(max(position), 0) FROM ritual_events")
_VERSION = Sql("SELECT max(version) FROM ritual_events WHERE stream_id = :stream")
_COUNT = Sql("SELECT count(*) FROM ritual_events")


class SqlEventReads:
    """The store's reads, over the access and the cipher that ``SqlEventStore`` sets up."""

    db: Access
    cipher: KeyringCipher

    def _select(self, sql: Sql, params: Params, decrypt: bool) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        with self.db.read() as conn:
            rows = conn.rows(sql, params)
        return [decode_row(row_of(r), cipher) for r in rows]

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        return self._select(_STREAM, {"stream": stream_id}, decrypt)

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        params: dict[str, object] = {"couple": couple_id, "after": after}
        if types is not None:
            params["types"] = list(types)
        if recent is not None:
            params.update(occurred=utc(recent.occurred), recorded=utc(recent.recorded))
            return self._select(_RECENT_ALL if types is None else _RECENT_TYPES, params, decrypt)
        if types is None:
            return self._select(_COUPLE, params, decrypt)
        return self._select(_TYPES_FROM_START if after == 0 else _TYPES_AFTER, params, decrypt)

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        return self._select(_ANY_COUPLE_TYPES, {"types": list(types)}, decrypt)

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        return self._select(_PAGE, {"after": after, "limit": limit}, decrypt)

    def read_rows(self, after: int = 0, limit: int = 1000) -> list[Row]:
        """Raw rows without decoding, for tools that copy or inspect the log."""
        with self.db.read() as conn:
            return [row_of(r) for r in conn.rows(_PAGE, {"after": after, "limit": limit})]

    def last_position(self) -> int:
        with self.db.read() as conn:
            return int(conn.scalar(_LAST) or 0)

    def stream_version(self, stream_id: str) -> int:
        with self.db.read() as conn:
            return int(conn.scalar(_VERSION, {"stream": stream_id}) or 0)

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.scalar(_COUNT) or 0)
