"""The ``partner_invites`` table: how the web page finds an invite by its token's hash, and
a session by its invite id.

Like ``feed_links`` (see :mod:`engine.sql.feed_links`), the rows are written by an append
hook of the SQL store, inside the transaction that appends the invite event, so a revoked
invite cannot keep opening the page because a second write failed. An erased couple's
invites, and those of a partner whose words were erased, go with the tombstone.
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.domain.invites import InviteRow
from engine.sql.access import SqlEngineAccess
from engine.sql.tables import partner_invites

_COLUMNS = (
    partner_invites.c.token_hash,
    partner_invites.c.invite_id,
    partner_invites.c.couple_id,
    partner_invites.c.partner_id,
    partner_invites.c.revoked,
)


class SqlInviteIndex:
    """Invites by token hash or id, from ``partner_invites`` (implements ``InviteIndex``)."""

    def __init__(self, access: SqlEngineAccess) -> None:
        self._db = access

    def _one(self, where: sa.ColumnElement[bool]) -> InviteRow | None:
        with self._db.read() as conn:
            row = conn.execute(sa.select(*_COLUMNS).where(where)).first()
        if row is None:
            return None
        return InviteRow(row[0], row[1], row[2], row[3], bool(row[4]))

    def find(self, token_hash: str) -> InviteRow | None:
        return self._one(partner_invites.c.token_hash == token_hash)

    def get(self, invite_id: str) -> InviteRow | None:
        return self._one(partner_invites.c.invite_id == invite_id)
