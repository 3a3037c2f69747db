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

from engine.clock import Clock, utc_now
from engine.errors import KeysUnavailable, NotAllowed
from engine.events.sealing import WRAPPING, new_key, unwrap_key, wrap_key
from engine.sql.master_key import ENV_MASTER_KEY, MasterKeySource
from engine.sql.statements import Access, Conn, Sql

_KEY = Sql(
    "SELECT material, wrapping FROM ritual_data_keys WHERE couple_id = :couple AND owner = :owner",
    columns=("material", "wrapping"),
)
_MAKE = Sql(
    "INSERT INTO ritual_data_keys (couple_id, owner, material, wrapping, created_at) "
    "VALUES (:couple, :owner, :material, :wrapping, :created_at)",
    moments=("created_at",),
)
_COUNT = Sql("SELECT count(*) FROM ritual_data_keys WHERE couple_id = :couple")
_COUNT_OWNER = Sql(
    "SELECT count(*) FROM ritual_data_keys WHERE couple_id = :couple AND owner = :owner"
)
_SAMPLE = Sql(
    "SELECT couple_id, owner, material FROM ritual_data_keys WHERE wrapping = :wrapping LIMIT 1",
    columns=("couple_id", "owner", "material"),
)
_RAW = Sql(
    "SELECT couple_id, owner, material FROM ritual_data_keys WHERE wrapping = ''",
    columns=("couple_id", "owner", "material"),
)
_WRAP = Sql(
    "UPDATE ritual_data_keys SET material = :material, wrapping = :wrapping "
    "WHERE couple_id = :couple AND owner = :owner"
)
_DESTROY = Sql("DELETE FROM ritual_data_keys WHERE couple_id = :couple")
_DESTROY_OWNER = Sql("DELETE FROM ritual_data_keys WHERE couple_id = :couple AND owner = :owner")
_TOMBSTONES = Sql(
    "SELECT type, payload FROM ritual_events WHERE couple_id = :couple "
    "AND type IN ('couple.erased', 'couple.partner_erased')",
    columns=("type", "payload"),
    json=("payload",),
)


class SqlKeyring:
    """Wrapped data keys in their own table (implements ``engine.events.sealing.Keyring``)."""

    def __init__(
        self, access: Access, clock: Clock = utc_now, master: MasterKeySource | None = None
    ) -> None:
        self._db = access
        self._clock = clock
        self._source = master or MasterKeySource.from_env()
        self._master: bytes | None = None
        self._lock = threading.Lock()

    def get(self, couple_id: str, owner: str) -> bytes | None:
        with self._db.read() as conn:
            row = conn.first(_KEY, {"couple": couple_id, "owner": owner})
        return None if row is None else self._open(couple_id, owner, row)

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        key = self.get(couple_id, owner)
        if key is not None:
            return key
        master = self.unlock()
        with self._db.write() as conn:
            row = conn.first(_KEY, {"couple": couple_id, "owner": owner})
            if row is not None:  # another process made it meanwhile
                return self._open(couple_id, owner, row)
            _refuse_if_erased(conn, couple_id, owner)
            key = new_key()
            conn.run(
                _MAKE,
                {
                    "couple": couple_id,
                    "owner": owner,
                    "material": wrap_key(master, couple_id, owner, key),
                    "wrapping": WRAPPING,
                    "created_at": self._clock(),
                },
            )
            return key

    def destroy(self, couple_id: str, owner: str | None = None) -> int:
        with self._db.write() as conn:
            return destroy_keys(conn, couple_id, owner)

    def count(self, couple_id: str, owner: str | None = None) -> int:
        with self._db.read() as conn:
            if owner is None:
                return int(conn.scalar(_COUNT, {"couple": couple_id}) or 0)
            return int(conn.scalar(_COUNT_OWNER, {"couple": couple_id, "owner": owner}) or 0)

    def unlock(self) -> bytes:
        """The master key, checked against the stored keys; raw keys get wrapped."""
        with self._lock:
            if self._master is None:
                self._master = self._find_master()
            return self._master

    def _find_master(self) -> bytes:
        master = self._source.load()
        with self._db.read() as conn:
            sample = conn.first(_SAMPLE, {"wrapping": WRAPPING})
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
        with self._db.read() as conn:
            if conn.first(_RAW) is None:
                return
        with self._db.write() as conn:
            raw = conn.rows(_RAW)
            for couple_id, owner, material in raw:
                conn.run(
                    _WRAP,
                    {
                        "couple": couple_id,
                        "owner": owner,
                        "material": wrap_key(master, couple_id, owner, bytes(material)),
                        "wrapping": WRAPPING,
                    },
                )
        if raw:  # old pages with raw keys leave the -wal file
            self._db.checkpoint_wal()

    def _open(self, couple_id: str, owner: str, row: Any) -> bytes:
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


def destroy_keys(conn: Conn, couple_id: str, owner: str | None) -> int:
    """Delete a couple's data keys (or one owner's) inside the caller's transaction."""
    if owner is None:
        return conn.run(_DESTROY, {"couple": couple_id})
    return conn.run(_DESTROY_OWNER, {"couple": couple_id, "owner": owner})


def _refuse_if_erased(conn: Conn, couple_id: str, owner: str) -> None:
    """Never create a key again for a couple or partner that was erased.

    Runs in the write transaction that would create the key, so a writer racing an
    erasure either made its key before the tombstone (and the eraser destroys it once
    more after appending it) or is refused here.
    """
    for kind, payload in conn.rows(_TOMBSTONES, {"couple": couple_id}):
        if kind == "couple.erased" or payload.get("partner_id") == owner:
            break
    else:
        return
    raise NotAllowed("what was erased stays erased; nothing more can be written for it")
