"""Data keys in the ``ritual_data_keys`` table, each wrapped by the master key.

The table never holds a usable key: every row's ``material`` is the data key sealed with
AES-256-GCM by the master key (``engine.sql.master_key``), which lives outside the database.
The first time a process needs a key it unlocks the keyring: it finds the master key and
checks it against one stored key, so a wrong master key is a clear error at once rather
than texts that silently fail to open. Older databases kept raw keys (``wrapping`` is
``""``); unlocking wraps them in place, once, in one transaction. A master key is made
only for a database that holds no key yet, never one that would orphan existing keys.

Erasure deletes rows: without its wrapped key, a text is gone for good.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from engine.clock import Clock, utc_now
from engine.errors import KeysUnavailable, NotAllowed
from engine.events.sealing import WRAPPING, new_key, unwrap_key, wrap_key
from engine.sql.access import SqlEngineAccess
from engine.sql.master_key import ENV_MASTER_KEY, MasterKeySource
from engine.sql.tables import data_keys, events


class SqlKeyring:
    """Wrapped data keys in their own table (implements ``engine.events.sealing.Keyring``)."""

    def __init__(
        self, access: SqlEngineAccess, clock: Clock = utc_now, master: MasterKeySource | None = None
    ) -> None:
        self._db = access
        self._clock = clock
        self._source = master or MasterKeySource.from_env()
        self._master: bytes | None = None
        self._lock = threading.Lock()

    def get(self, couple_id: str, owner: str) -> bytes | None:
        with self._db.read() as conn:
            row = conn.execute(_select(couple_id, owner)).first()
        return None if row is None else self._open(couple_id, owner, row)

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        key = self.get(couple_id, owner)
        if key is not None:
            return key
        master = self.unlock()
        with self._db.write() as conn:
            row = conn.execute(_select(couple_id, owner)).first()
            if row is not None:  # another process made it meanwhile
                return self._open(couple_id, owner, row)
            _refuse_if_erased(conn, couple_id, owner)
            key = new_key()
            conn.execute(
                data_keys.insert().values(
                    couple_id=couple_id,
                    owner=owner,
                    material=wrap_key(master, couple_id, owner, key),
                    wrapping=WRAPPING,
                    created_at=self._clock(),
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

    def unlock(self) -> bytes:
        """The master key, checked against the stored keys; raw keys get wrapped."""
        with self._lock:
            if self._master is None:
                self._master = self._find_master()
            return self._master

    def _find_master(self) -> bytes:
        master = self._source.load()
        with self._db.read() as conn:
            sample = conn.execute(
                sa.select(data_keys.c.couple_id, data_keys.c.owner, data_keys.c.material)
                .where(data_keys.c.wrapping == WRAPPING)
                .limit(1)
            ).first()
        where = self._source.describe()
        if master is None:
            if sample is not None:
                raise KeysUnavailable(
                    f"this database's keys are locked with a master key that is not in {where}; "
                    f"restore that key file or set {ENV_MASTER_KEY}"
                )
            with self._db.write():  # one process at a time makes the first master key
                master = self._source.load() or self._source.create()
        elif sample is not None and unwrap_key(master, *sample) is None:
            raise KeysUnavailable(
                f"the master key from {where} does not open this database's keys; "
                "use the master key this database was made with"
            )
        self._wrap_raw_keys(master)
        return master

    def _wrap_raw_keys(self, master: bytes) -> None:
        """Wrap the raw keys an older version stored, in one transaction. A read looks
        first, so that a process with nothing to wrap (nearly every one) never waits for
        the write lock, and a read-only database user can still open the keys."""
        unwrapped = sa.select(data_keys.c.couple_id, data_keys.c.owner, data_keys.c.material).where(
            data_keys.c.wrapping == ""
        )
        with self._db.read() as conn:
            if conn.execute(unwrapped.limit(1)).first() is None:
                return
        with self._db.write() as conn:
            raw = conn.execute(unwrapped).all()
            for couple_id, owner, material in raw:
                conn.execute(
                    data_keys.update()
                    .where(data_keys.c.couple_id == couple_id, data_keys.c.owner == owner)
                    .values(
                        material=wrap_key(master, couple_id, owner, material), wrapping=WRAPPING
                    )
                )
        if raw and not self._db.is_postgres:  # old pages with raw keys leave the -wal file
            with self._db.sa_engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _open(self, couple_id: str, owner: str, row: sa.Row[Any]) -> bytes:
        if row.wrapping != WRAPPING:  # a raw key written before this process unlocked
            self.unlock()
            return bytes(row.material)
        key = unwrap_key(self.unlock(), couple_id, owner, row.material)
        if key is None:
            raise KeysUnavailable(
                f"the master key from {self._source.describe()} does not open this "
                "database's keys; use the master key this database was made with"
            )
        return key


def destroy_keys(conn: sa.Connection, couple_id: str, owner: str | None) -> int:
    """Delete a couple's data keys (or one owner's) inside the caller's transaction."""
    query = data_keys.delete().where(data_keys.c.couple_id == couple_id)
    if owner is not None:
        query = query.where(data_keys.c.owner == owner)
    return conn.execute(query).rowcount


def _select(couple_id: str, owner: str) -> sa.Select[Any]:
    return sa.select(data_keys.c.material, data_keys.c.wrapping).where(
        data_keys.c.couple_id == couple_id, data_keys.c.owner == owner
    )


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
