"""The ``partner_invites`` table: how the web page finds an invite by its token's hash, and
a session by its invite id.

Like ``feed_links`` (see :mod:`engine.sql.feed_links`), the rows are written by an append
hook of the SQL store, inside the transaction that appends the invite event, so a revoked
invite cannot keep opening the page because a second write failed. An erased couple's
invites, and those of a partner whose words were erased, go with the tombstone.
"""

from __future__ import annotations

from engine.domain.invites import InviteRow
from engine.sql.statements import Access, Sql


def _select(where: str) -> Sql:
    columns = ("token_hash", "invite_id", "couple_id", "partner_id", "revoked")
    return Sql(
        f"SELECT {', '.join(columns)} FROM ritual_partner_invites WHERE {where}",
        columns=columns,
        flags=("revoked",),
    )


_BY_TOKEN = _select("token_hash = :key")
_BY_ID = _select("invite_id = :key")


class SqlInviteIndex:
    """Invites by token hash or id, from ``partner_invites`` (implements ``InviteIndex``)."""

    def __init__(self, access: Access) -> None:
        self._db = access

    def _one(self, sql: Sql, key: str) -> InviteRow | None:
        with self._db.read() as conn:
            row = conn.first(sql, {"key": key})
        if row is None:
            return None
        return InviteRow(row[0], row[1], row[2], row[3], bool(row[4]))

    def find(self, token_hash: str) -> InviteRow | None:
        return self._one(_BY_TOKEN, token_hash)

    def get(self, invite_id: str) -> InviteRow | None:
        return self._one(_BY_ID, invite_id)
