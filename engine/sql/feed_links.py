"""The ``feed_links`` table: how the server finds a sharing link by the hash of its token.

Why a table beside the log: a request must find its link with one indexed lookup, not by
folding every couple's stream. Why it cannot drift from the log: :func:`record_link_events`
is an append hook of the SQL store (``engine.api.open_sql_store`` installs it), so a link
row is written, and a revocation flips ``revoked``, inside the very transaction that
appends the sharing event. Either both commit or neither does; a revoked link cannot keep
working because a second write failed. ``last_fetched_at`` is the one column that is not
derived from events: the server sets it when a calendar app fetches the feed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from engine.domain.sharing import LinkRow
from engine.sql.statements import Access, Sql

FETCH_WAIT = 0.25
"""Seconds noting a fetch waits for the write lock: a best-effort note that a busy
database skips (StoreUnavailable) rather than keep a calendar app waiting."""

_COLUMNS = (
    "token_hash",
    "link_id",
    "couple_id",
    "partner_id",
    "revoked",
    "last_fetched_at",
    "base_url",
)
_FIND = Sql(
    f"SELECT {', '.join(_COLUMNS)} FROM ritual_feed_links WHERE token_hash = :token_hash",
    columns=_COLUMNS,
    moments=("last_fetched_at",),
    flags=("revoked",),
)
_FETCHED = Sql(
    "UPDATE ritual_feed_links SET last_fetched_at = :at "
    "WHERE couple_id = :couple AND link_id = :link_id",
    moments=("at",),
)
_LAST_FETCHED = Sql(
    "SELECT link_id, last_fetched_at FROM ritual_feed_links "
    "WHERE couple_id = :couple AND last_fetched_at IS NOT NULL",
    columns=("link_id", "last_fetched_at"),
    moments=("last_fetched_at",),
)


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)  # SQLite hands back naive UTC


class SqlLinkIndex:
    """Links by token hash, from the ``feed_links`` table (implements ``LinkIndex``)."""

    def __init__(self, access: Access) -> None:
        self._db = access

    def find(self, token_hash: str) -> LinkRow | None:
        with self._db.read() as conn:
            row = conn.first(_FIND, {"token_hash": token_hash})
        if row is None:
            return None
        return LinkRow(
            token_hash=row.token_hash,
            link_id=row.link_id,
            couple_id=row.couple_id,
            partner_id=row.partner_id,
            revoked=bool(row.revoked),
            last_fetched_at=_utc(row.last_fetched_at),
            base_url=row.base_url,
        )

    def fetched(self, couple_id: str, link_id: str, at: datetime) -> None:
        with self._db.write(wait=FETCH_WAIT) as conn:
            conn.run(_FETCHED, {"couple": couple_id, "link_id": link_id, "at": at})

    def last_fetched(self, couple_id: str) -> dict[str, datetime]:
        with self._db.read() as conn:
            rows = conn.rows(_LAST_FETCHED, {"couple": couple_id})
        return {link_id: at for link_id, at in ((r[0], _utc(r[1])) for r in rows) if at}
