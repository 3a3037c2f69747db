"""Read models in the event store's database (implements ``ReadModels``).

States live in ``read_models`` (projection, couple id, key, JSON state; the couple is
part of the primary key, so a key one couple's events produce can never name another
couple's row) and checkpoints
in ``projection_checkpoints``. A transaction is the store's write transaction, so on
SQLite it holds the write lock from its first statement and on PostgreSQL the append
lock: two processes catching up take turns, and the runner re-reads the checkpoint
inside the transaction before it writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from engine.projections.runner import Checkpoint
from engine.sql.state_memo import StateMemo
from engine.sql.statements import Access, Conn, Sql

if TYPE_CHECKING:
    from engine.projections.projection import Json, Projection, StateKey

S = TypeVar("S")

CHUNK = 500
"""Keys per ``IN (...)`` lookup, well under every driver's parameter limit."""

_CHECKPOINT = Sql(
    "SELECT position, version FROM ritual_projection_checkpoints WHERE projection = :name",
    columns=("position", "version"),
)
_STATES = (
    "SELECT key, state FROM ritual_read_models WHERE projection = :name AND couple_id = :couple"
)
_COLUMNS = ("key", "state")


def _reads(select: str, json: tuple[str, ...]) -> dict[tuple[bool, bool], Sql]:
    """The reads of one couple's states (``select``), by whether they take a key prefix
    and a first key: with a first key, a range of the primary key, so only the rows from
    it are read."""
    pattern = " AND key LIKE :pattern ESCAPE '/'"
    return {
        (prefixed, started): Sql(
            select + (pattern if prefixed else "") + (" AND key >= :start" if started else ""),
            columns=_COLUMNS,
            json=json,
        )
        for prefixed in (False, True)
        for started in (False, True)
    }


_READS = _reads(_STATES, ("state",))
_TEXT_READS = _reads(_STATES.replace("key, state", "key, CAST(state AS TEXT) AS state"), ())
"""The same reads, each state as the text it is stored as (on PostgreSQL, JSONB's)."""
_KEYS = Sql(f"{_STATES} AND key IN (:keys)", columns=_COLUMNS, json=("state",), lists=("keys",))
_UPDATE = Sql(
    "UPDATE ritual_read_models SET state = :state "
    "WHERE projection = :name AND couple_id = :couple AND key = :key",
    json=("state",),
)
_INSERT = Sql(
    "INSERT INTO ritual_read_models (projection, couple_id, key, state) "
    "VALUES (:name, :couple, :key, :state)",
    json=("state",),
)
_SET_CHECKPOINT = Sql(
    "UPDATE ritual_projection_checkpoints SET position = :position, version = :version "
    "WHERE projection = :name"
)
_NEW_CHECKPOINT = Sql(
    "INSERT INTO ritual_projection_checkpoints (projection, position, version) "
    "VALUES (:name, :position, :version)"
)
_FORGET = Sql("DELETE FROM ritual_read_models WHERE projection = :name AND couple_id = :couple")
_DROP = Sql("DELETE FROM ritual_read_models WHERE projection = :name")


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern for the keys starting with ``prefix``, its wildcards escaped."""
    escaped = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"{escaped}%"


def _checkpoint(conn: Conn, name: str) -> Checkpoint | None:
    row = conn.first(_CHECKPOINT, {"name": name})
    return None if row is None else Checkpoint(int(row.position), int(row.version))


class SqlReadModels:
    """Read models in SQL tables, written in the store's write transactions."""

    def __init__(self, access: Access) -> None:
        self._db = access
        self._memo = StateMemo()

    @contextmanager
    def transaction(self) -> Iterator[_SqlWriter]:
        with self._db.write(derived=True) as conn:  # the log can always fold them again
            yield _SqlWriter(conn, self._memo)

    def checkpoint(self, name: str) -> Checkpoint | None:
        with self._db.read() as conn:
            return _checkpoint(conn, name)

    def states(
        self, name: str, couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, Json]:
        with self._db.read() as conn:
            return {
                row.key: row.state
                for row in self._rows(conn, _READS, name, couple_id, prefix, start)
            }

    def loaded(
        self, projection: Projection[S], couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, S]:
        """The states, each loaded once for as long as its row reads the same
        (``engine.sql.state_memo``)."""
        with self._db.read() as conn:
            rows = self._rows(conn, _TEXT_READS, projection.name, couple_id, prefix, start)
        load = self._memo.load
        return {row.key: load(projection, couple_id, row.state) for row in rows}

    @staticmethod
    def _rows(
        conn: Conn,
        reads: dict[tuple[bool, bool], Sql],
        name: str,
        couple_id: str,
        prefix: str,
        start: str,
    ) -> list[Any]:
        params: dict[str, Any] = {"name": name, "couple": couple_id, "start": start}
        if prefix:
            params["pattern"] = _like_prefix(prefix)
        return conn.rows(reads[(bool(prefix), bool(start))], params)


class _SqlWriter:
    def __init__(self, conn: Conn, memo: StateMemo) -> None:
        self._conn = conn
        self._memo = memo

    def checkpoint(self, name: str) -> Checkpoint | None:
        return _checkpoint(self._conn, name)

    def load(self, name: str, keys: Collection[StateKey]) -> dict[StateKey, Json]:
        found: dict[StateKey, Json] = {}
        for couple_id, pairs in itertools.groupby(sorted(keys), key=lambda k: k[0]):
            wanted = [key for _, key in pairs]
            for start in range(0, len(wanted), CHUNK):
                params = {"name": name, "couple": couple_id, "keys": wanted[start : start + CHUNK]}
                found.update(((couple_id, r.key), r.state) for r in self._conn.rows(_KEYS, params))
        return found

    def save(
        self, name: str, rows: Mapping[StateKey, Json], existing: Collection[StateKey]
    ) -> None:
        updates: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        for (couple_id, key), state in rows.items():
            values = {"name": name, "couple": couple_id, "key": key, "state": state}
            (updates if (couple_id, key) in existing else inserts).append(values)
        self._conn.run(_UPDATE, updates)
        self._conn.run(_INSERT, inserts)

    def set_checkpoint(self, name: str, checkpoint: Checkpoint) -> None:
        values = {"name": name, "position": checkpoint.position, "version": checkpoint.version}
        if self._conn.run(_SET_CHECKPOINT, values) == 0:
            self._conn.run(_NEW_CHECKPOINT, values)

    def forget(self, name: str, couple_id: str) -> None:
        self._conn.run(_FORGET, {"name": name, "couple": couple_id})
        self._memo.forget(name, couple_id)

    def drop(self, name: str) -> None:
        self._conn.run(_DROP, {"name": name})
        self._memo.forget(name)
