"""How the SQL store and its side tables talk to the database: transactions with bounded
waits, and driver failures turned into one-line ``StoreUnavailable`` messages.

Appends are serialised: SQLite takes its write lock when the transaction begins, and
PostgreSQL takes a transaction-scoped advisory lock (:data:`APPEND_LOCK_ID`). Every wait
for a lock ends within the engine's ``Waits`` (``engine.sql.waits``), so one stuck writer makes
the others fail with "the database is busy" instead of freezing them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from engine.errors import ConnectionLost, StoreUnavailable
from engine.sql.failures import BUSY, NOT_A_DATABASE, UNREACHABLE, reason
from engine.sql.sqlite import WRITE
from engine.sql.statements import Conflict, Kind, Params, Sql
from engine.sql.tables import JsonType, connection_waits
from engine.sql.waits import Waits, milliseconds

APPEND_LOCK_ID = 726_104_211
"""The PostgreSQL advisory lock that serialises appends."""


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver-level failures into the engine's StoreUnavailable, with a message that
    says what is wrong: busy (a lock or statement timeout ran out), a full disk, a store
    that cannot be written, refused credentials, a file that cannot be opened or is not
    a database, or a server that cannot be reached. Never the URL, never a parameter.

    An integrity error (a unique key refused a row: the optimistic-concurrency check)
    becomes :class:`~engine.sql.statements.Conflict`; programming and data errors pass
    through, as they are bugs in a statement.
    """
    try:
        yield
    except sa_exc.DBAPIError as exc:
        found = reason(exc.orig)
        if found is not None:
            raise StoreUnavailable(found) from exc
        if isinstance(exc, sa_exc.IntegrityError):
            raise Conflict(type(exc.orig).__name__) from exc
        if isinstance(exc, sa_exc.ProgrammingError | sa_exc.DataError):
            raise
        if type(exc) is sa_exc.DatabaseError:  # "file is not a database" and the like
            raise StoreUnavailable(NOT_A_DATABASE) from exc
        raise ConnectionLost(UNREACHABLE) from exc
    except sa_exc.TimeoutError as exc:  # no connection free in the pool
        raise StoreUnavailable(BUSY) from exc


_SET_WAITS = sa.text(
    "SELECT set_config('lock_timeout', :lock, true), "
    "set_config('statement_timeout', :statement, true)"
)


_TYPES: dict[Kind, Callable[[], sa.types.TypeEngine[Any]]] = {
    "json": JsonType,
    "moment": lambda: sa.DateTime(timezone=True),
    "flag": sa.Boolean,
}


@functools.lru_cache(maxsize=1024)
def _clause(sql: Sql, text: str) -> sa.TextClause | sa.TextualSelect:
    """``text`` (``sql`` with its lists spelt out) as SQLAlchemy ``text()``, its marked
    parameters and columns typed, so JSON, moments and flags go through SQLAlchemy's types."""
    clause = sa.text(text)
    binds = [
        sa.bindparam(name, type_=_TYPES[kind]())
        for name in (*sql.json, *sql.moments, *sql.flags)
        if f":{name}" in text and (kind := sql.kind(name)) is not None
    ]
    if binds:
        clause = clause.bindparams(*binds)
    if not sql.columns:
        return clause
    columns = []
    for name in sql.columns:
        kind = sql.kind(name)
        columns.append(sa.column(name) if kind is None else sa.column(name, _TYPES[kind]()))
    return clause.columns(*columns)


class SaConn:
    """A :class:`~engine.sql.statements.Conn` over one SQLAlchemy connection. Rows are
    SQLAlchemy's own (read by column name); moments from SQLite come back naive, and the
    readers make them UTC."""

    def __init__(self, conn: sa.Connection) -> None:
        self.sa = conn
        self.dialect = conn.dialect.name

    def _result(self, sql: Sql, params: Params | None) -> sa.CursorResult[Any]:
        text, flat = sql.expanded(params or {})
        with translate_errors():
            return self.sa.execute(_clause(sql, text), flat)

    def rows(self, sql: Sql, params: Params | None = None) -> list[Any]:
        return list(self._result(sql, params))

    def first(self, sql: Sql, params: Params | None = None) -> Any | None:
        return self._result(sql, params).first()

    def scalar(self, sql: Sql, params: Params | None = None) -> Any:
        return self._result(sql, params).scalar()

    def run(self, sql: Sql, params: Params | Sequence[Params] | None = None) -> int:
        if isinstance(params, Sequence):
            if not params:
                return 0
            text, _ = sql.expanded(params[0])
            with translate_errors():
                done = self.sa.execute(_clause(sql, text), [sql.expanded(p)[1] for p in params])
            return done.rowcount
        return self._result(sql, params).rowcount


class SqlEngineAccess:
    """Shared transaction helpers for the store and the other SQL-backed components.

    Every transaction waits a bounded time for locks (``Waits``): connections of engines
    made by ``engine.sql.tables.create_sa_engine`` carry their waits from the start; on a host's
    engine each transaction sets them with ``SET LOCAL`` semantics, so the host's own
    sessions keep theirs.
    """

    driver_errors: tuple[type[Exception], ...] = (sa_exc.DBAPIError,)

    def __init__(self, sa_engine: sa.Engine, waits: Waits | None = None) -> None:
        self.sa_engine = sa_engine
        self.is_postgres = sa_engine.dialect.name == "postgresql"
        built_with = connection_waits(sa_engine)
        self.waits = waits or built_with or Waits()
        self._set_per_transaction = self.is_postgres and (
            built_with is None or (waits is not None and waits != built_with)
        )

    def _bound(self, conn: sa.Connection, lock: float | None) -> None:
        if self.is_postgres and (self._set_per_transaction or lock is not None):
            conn.execute(
                _SET_WAITS,
                {
                    "lock": f"{milliseconds(self.waits.lock if lock is None else lock)}ms",
                    "statement": f"{milliseconds(self.waits.statement)}ms",
                },
            )

    @contextlib.contextmanager
    def write(self, *, wait: float | None = None, derived: bool = False) -> Iterator[SaConn]:
        """A write transaction that holds the append lock from its first statement;
        ``wait`` (seconds) overrides how long it waits for that lock. A ``derived`` write
        holds only what the log can give again (read models with their checkpoints): on
        SQLite its commit does not wait for the disk (see :data:`NORMAL`)."""
        busy = None if wait is None else (lambda _: milliseconds(wait))
        flush = (lambda level: min(level, NORMAL)) if derived else None
        with (
            translate_errors(),
            self.sa_engine.connect() as plain,
            _sqlite_pragma(plain, "busy_timeout", busy),
            _sqlite_pragma(plain, "synchronous", flush),
        ):
            conn = plain.execution_options(**{WRITE: True})
            with conn.begin():
                self._bound(conn, wait)
                if self.is_postgres:
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(APPEND_LOCK_ID)))
                yield SaConn(conn)

    @contextlib.contextmanager
    def read(self) -> Iterator[SaConn]:
        """A read transaction."""
        with translate_errors(), self.sa_engine.connect() as conn, conn.begin():
            self._bound(conn, None)
            yield SaConn(conn)

    def checkpoint_wal(self) -> bool:
        """SQLite: copy the write-ahead log into the database file and truncate it; False
        when a reader kept it from finishing. Nothing to do on PostgreSQL (True)."""
        if self.is_postgres:
            return True
        with translate_errors(), self.sa_engine.connect() as conn:
            busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return not busy

    def dispose(self) -> None:
        """Close the pool's connections."""
        self.sa_engine.dispose()


NORMAL = 1
"""``PRAGMA synchronous`` NORMAL: in WAL mode a commit is written but not flushed to disk.

A derived write commits with it: a power cut may then lose the latest such commits, never
corrupt the file, as WAL frames are written in order and the next durable commit flushes
the earlier ones with it. What is lost is a read model's rows together with its
checkpoint, so the next catch-up folds those events again. Appends keep the connection's
own level (``FULL``)."""


@contextlib.contextmanager
def _sqlite_pragma(
    conn: sa.Connection, name: str, wanted: Callable[[int], int] | None
) -> Iterator[None]:
    """On SQLite, ``PRAGMA name`` at ``wanted(its value)`` for this connection while it
    lasts, then back at the value it had; nothing at all when ``wanted`` is None."""
    if wanted is None or conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    before = int(raw.execute(f"PRAGMA {name}").fetchone()[0])
    value = wanted(before)
    if value == before:
        yield
        return
    raw.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA {name} = {before}")
