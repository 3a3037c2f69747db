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
from typing import Any

import sqlalchemy as sa

from engine.projections.projection import Json, StateKey
from engine.projections.runner import Checkpoint
from engine.sql.access import SqlEngineAccess
from engine.sql.tables import projection_checkpoints, read_models

CHUNK = 500
"""Keys per ``IN (...)`` lookup, well under every driver's parameter limit."""

_UPDATE = (
    read_models.update()
    .where(
        read_models.c.projection == sa.bindparam("b_projection"),
        read_models.c.couple_id == sa.bindparam("b_couple"),
        read_models.c.key == sa.bindparam("b_key"),
    )
    .values(state=sa.bindparam("b_state"))
)


def _checkpoint(conn: sa.Connection, name: str) -> Checkpoint | None:
    row = conn.execute(
        sa.select(projection_checkpoints.c.position, projection_checkpoints.c.version).where(
            projection_checkpoints.c.projection == name
        )
    ).first()
    return None if row is None else Checkpoint(int(row.position), int(row.version))


class SqlReadModels:
    """Read models in SQL tables, written in the store's write transactions."""

    def __init__(self, access: SqlEngineAccess) -> None:
        self._db = access

    @contextmanager
    def transaction(self) -> Iterator[_SqlWriter]:
        with self._db.write(derived=True) as conn:  # the log can always fold them again
            yield _SqlWriter(conn)

    def checkpoint(self, name: str) -> Checkpoint | None:
        with self._db.read() as conn:
            return _checkpoint(conn, name)

    def states(
        self, name: str, couple_id: str, prefix: str = "", start: str = ""
    ) -> dict[str, Json]:
        query = sa.select(read_models.c.key, read_models.c.state).where(
            read_models.c.projection == name, read_models.c.couple_id == couple_id
        )
        if prefix:
            query = query.where(read_models.c.key.startswith(prefix, autoescape=True))
        if start:  # a range of the primary key: only the rows from ``start`` on are read
            query = query.where(read_models.c.key >= start)
        with self._db.read() as conn:
            return {row.key: row.state for row in conn.execute(query)}


class _SqlWriter:
    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def checkpoint(self, name: str) -> Checkpoint | None:
        return _checkpoint(self._conn, name)

    def load(self, name: str, keys: Collection[StateKey]) -> dict[StateKey, Json]:
        found: dict[StateKey, Json] = {}
        for couple_id, pairs in itertools.groupby(sorted(keys), key=lambda k: k[0]):
            wanted = [key for _, key in pairs]
            for start in range(0, len(wanted), CHUNK):
                query = sa.select(read_models.c.key, read_models.c.state).where(
                    read_models.c.projection == name,
                    read_models.c.couple_id == couple_id,
                    read_models.c.key.in_(wanted[start : start + CHUNK]),
                )
                found.update(((couple_id, row.key), row.state) for row in self._conn.execute(query))
        return found

    def save(
        self, name: str, rows: Mapping[StateKey, Json], existing: Collection[StateKey]
    ) -> None:
        updates: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        for (couple_id, key), state in rows.items():
            if (couple_id, key) in existing:
                updates.append(
                    {"b_projection": name, "b_key": key, "b_couple": couple_id, "b_state": state}
                )
            else:
                inserts.append(
                    {"projection": name, "key": key, "couple_id": couple_id, "state": state}
                )
        if updates:
            self._conn.execute(_UPDATE, updates)
        if inserts:
            self._conn.execute(read_models.insert(), inserts)

    def set_checkpoint(self, name: str, checkpoint: Checkpoint) -> None:
        values = {"position": checkpoint.position, "version": checkpoint.version}
        updated = self._conn.execute(
            projection_checkpoints.update()
            .where(projection_checkpoints.c.projection == name)
            .values(**values)
        )
        if updated.rowcount == 0:
            self._conn.execute(projection_checkpoints.insert().values(projection=name, **values))

    def forget(self, name: str, couple_id: str) -> None:
        self._conn.execute(
            read_models.delete().where(
                read_models.c.projection == name, read_models.c.couple_id == couple_id
            )
        )

    def drop(self, name: str) -> None:
        self._conn.execute(read_models.delete().where(read_models.c.projection == name))
