"""Data keys in their own table, ``ritual_data_keys``."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from engine.clock import Clock, utc_now
from engine.db import data_keys, events
from engine.errors import NotAllowed
from engine.events.sqlaccess import SqlEngineAccess
from engine.events.store import Row


class SqlKeyring:
    """Data keys in their own table (implements ``engine.crypto.Keyring``)."""

    def __init__(self, access: SqlEngineAccess, clock: Clock = utc_now) -> None:
        self._db = access
        self._clock = clock

    def get(self, couple_id: str, owner: str) -> bytes | None:
        with self._db.read() as conn:
            return conn.scalar(
                sa.select(data_keys.c.material).where(
                    data_keys.c.couple_id == couple_id, data_keys.c.owner == owner
                )
            )

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        from engine.crypto import new_key

        key = self.get(couple_id, owner)
        if key is not None:
            return key
        with self._db.write() as conn:
            key = conn.scalar(
                sa.select(data_keys.c.material).where(
                    data_keys.c.couple_id == couple_id, data_keys.c.owner == owner
                )
            )
            if key is None:
                _refuse_if_erased(conn, couple_id, owner)
                key = new_key()
                conn.execute(
                    data_keys.insert().values(
                        couple_id=couple_id, owner=owner, material=key, created_at=self._clock()
                    )
                )
            return key

    def destroy(self, couple_id: str, owner: str | None = None) -> int:
        with self._db.write() as conn:
            return destroy_keys(conn, couple_id, owner)

    def count(self, couple_id: str, owner: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(data_keys)
        query = query.where(data_keys.c.couple_id == couple_id)
        if owner is not None:
            query = query.where(data_keys.c.owner == owner)
        with self._db.read() as conn:
            return int(conn.scalar(query) or 0)


def destroy_keys(conn: sa.Connection, couple_id: str, owner: str | None) -> int:
    """Delete a couple's data keys (or one owner's) inside the caller's transaction."""
    query = data_keys.delete().where(data_keys.c.couple_id == couple_id)
    if owner is not None:
        query = query.where(data_keys.c.owner == owner)
    return conn.execute(query).rowcount


def erased_owners(rows: Sequence[Row]) -> list[tuple[str, str | None]]:
    """(couple id, partner id or None for the whole couple) of each tombstone in ``rows``."""
    return [
        (r.couple_id, None if r.type_name == "couple.erased" else str(r.payload["partner_id"]))
        for r in rows
        if r.type_name in ("couple.erased", "couple.partner_erased")
    ]


def _refuse_if_erased(conn: sa.Connection, couple_id: str, owner: str) -> None:
    """Never create a key again for a couple or partner that was erased.

    Runs in the write transaction that would create the key, so a writer racing an
    erasure either made its key before the tombstone (and the eraser destroys it once
    more after appending it) or is refused here.
    """
    tombstones = sa.select(events.c.type).where(
        events.c.couple_id == couple_id,
        events.c.type.in_(("couple.erased", "couple.partner_erased")),
        sa.or_(
            events.c.type == "couple.erased",
            events.c.payload["partner_id"].as_string() == owner,
        ),
    )
    if conn.execute(tombstones.limit(1)).first() is not None:
        raise NotAllowed("what was erased stays erased; nothing more can be written for it")
