"""The ``partner_invites`` table: how the web page finds an invite by its token's hash, and
a session by its invite id.

Like ``feed_links`` (see :mod:`engine.feed_link_table`), the rows are written by an append
hook of the SQL store, inside the transaction that appends the invite event, so a revoked
invite cannot keep opening the page because a second write failed. An erased couple's
invites, and those of a partner whose words were erased, go with the tombstone.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from engine.db import partner_invites
from engine.events import (
    CoupleErased,
    PartnerErased,
    PartnerInviteIssued,
    PartnerInviteRevoked,
    RecordedEvent,
)
from engine.events.sqlstore import SqlEngineAccess
from engine.facade.invites import InviteRow


def record_invite_events(conn: sa.Connection, recorded: Sequence[RecordedEvent]) -> None:
    """Append hook: mirror issued and revoked invites into ``partner_invites``, and drop
    the invites of an erased couple or of a partner whose words were erased."""
    for r in recorded:
        match r.event:
            case PartnerInviteIssued():
                conn.execute(
                    partner_invites.insert().values(
                        invite_id=r.event.invite_id,
                        token_hash=r.event.token_hash,
                        couple_id=r.couple_id,
                        partner_id=r.event.partner_id,
                        revoked=False,
                        created_at=r.event.at,
                    )
                )
            case PartnerInviteRevoked():
                conn.execute(
                    partner_invites.update()
                    .where(partner_invites.c.invite_id == r.event.invite_id)
                    .values(revoked=True)
                )
            case CoupleErased():
                conn.execute(
                    partner_invites.delete().where(partner_invites.c.couple_id == r.couple_id)
                )
            case PartnerErased():
                conn.execute(
                    partner_invites.delete().where(
                        partner_invites.c.couple_id == r.couple_id,
                        partner_invites.c.partner_id == r.event.partner_id,
                    )
                )


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
