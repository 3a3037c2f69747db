"""The embedded default on the standard library's ``sqlite3``, without SQLAlchemy.

A command on the SQLite file spends most of its start importing SQLAlchemy, so the store
opened for a plain SQLite file URL talks to ``sqlite3`` directly, running the same
statements (``engine.sql.statements``) as the SQLAlchemy driver and storing values as
SQLAlchemy's SQLite dialect does, so one file works through either. It keeps the same
careful settings (``engine.sql.sqlite``): WAL, a busy timeout from the ``Waits``,
``synchronous=FULL`` (``NORMAL`` for derived writes), ``secure_delete``, and write
transactions that begin ``IMMEDIATE``. Migrations, PostgreSQL and hosts' engines stay
on SQLAlchemy; a URL this module does not read plainly (an in-memory database, driver
options) goes there too.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine.errors import ConnectionLost, StoreUnavailable
from engine.sql.failures import NOT_A_DATABASE, UNREACHABLE, reason
from engine.sql.statements import Conflict, Params, Sql
from engine.sql.waits import Waits, milliseconds

if TYPE_CHECKING:
    import logging

    from engine.config import LiteTarget

MOMENT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy's SQLite dialect writes a DateTime (in UTC here, as the store gives it)."""

NORMAL, FULL = 1, 2

_log: logging.Logger | None = None


def _statements_log() -> logging.Logger | None:
    """The ``engine.sql`` logger, which shows every statement's text at DEBUG (as
    SQLAlchemy's ``echo`` does), never a value; None while it shows no DEBUG.

    Loading :mod:`logging` costs a command's start a few milliseconds, so it is not
    loaded here: a process that has not loaded it has configured no logging either.
    """
    global _log
    if _log is None:
        logging_module = sys.modules.get("logging")
        if logging_module is None:
            return None
        _log = logging_module.getLogger("engine.sql")
    return _log if _log.isEnabledFor(10) else None  # 10: logging.DEBUG


def set_pragmas(
    raw: sqlite3.Connection,
    *,
    busy_timeout_ms: int,
    synchronous: str | int = FULL,
    file_backed: bool = True,
) -> None:
    """The settings every new connection to the SQLite file starts with, on either driver
    (``engine.sql.sqlite`` gives them to SQLAlchemy's connections too): a bounded busy
    wait, WAL for a file, the sync level, foreign keys, and deletes that zero freed pages."""
    raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if file_backed:
        raw.execute("PRAGMA journal_mode = WAL")
    raw.execute(f"PRAGMA synchronous = {synchronous}")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("PRAGMA secure_delete = ON")


def _moment(value: datetime) -> str:
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime(MOMENT_FORMAT)


_WRITE: dict[str, Callable[[Any], Any]] = {
    "json": json.dumps,
    "moment": _moment,
    "flag": lambda value: int(bool(value)),
}
_READ: dict[str, Callable[[Any], Any]] = {
    "json": lambda text: json.loads(text) if isinstance(text, str | bytes) else text,
    "moment": lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC),
    "flag": bool,
}


def _params(sql: Sql, params: Params) -> tuple[str, dict[str, Any]]:
    text, flat = sql.expanded(params)
    for name, value in flat.items():
        kind = sql.kind(name)
        if kind is not None and value is not None:
            flat[name] = _WRITE[kind](value)
        elif isinstance(value, datetime):  # sqlite3 would write it unlike a stored moment
            raise TypeError(f"the parameter {name} is a moment: name it in the statement's moments")
    return text, flat


@contextlib.contextmanager
def translate_sqlite_errors() -> Iterator[None]:
    """``sqlite3`` failures as the SQLAlchemy driver reports them: a state of the database
    in one line (busy, full, read-only, cannot open), a refused unique key as
    :class:`Conflict`, a file that is not a database, or any other operational failure as
    a lost connection; programming errors pass through (a bug in a statement)."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise Conflict(type(exc).__name__) from exc
    except (sqlite3.ProgrammingError, sqlite3.InterfaceError, sqlite3.DataError):
        raise
    except sqlite3.Error as exc:
        found = reason(exc)
        if found is not None:
            raise StoreUnavailable(found) from exc
        if type(exc) is sqlite3.DatabaseError:
            raise StoreUnavailable(NOT_A_DATABASE) from exc
        raise ConnectionLost(UNREACHABLE) from exc


class LiteConn:
    """A :class:`~engine.sql.statements.Conn` over one ``sqlite3`` connection."""

    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def _cursor(self, sql: Sql, params: Params | None) -> sqlite3.Cursor:
        text, flat = _params(sql, params or {})
        if (log := _statements_log()) is not None:
            log.debug("%s", text)
        with translate_sqlite_errors():
            return self.raw.execute(text, flat)

    def _record(self, sql: Sql, values: Sequence[Any]) -> Any:
        if sql.json or sql.moments or sql.flags:
            values = [
                value if value is None or (kind := sql.kind(name)) is None else _READ[kind](value)
                for name, value in zip(sql.columns, values, strict=True)
            ]
        return sql.record(values)

    def rows(self, sql: Sql, params: Params | None = None) -> list[Any]:
        cursor = self._cursor(sql, params)
        with translate_sqlite_errors():
            found = cursor.fetchall()
        return [self._record(sql, r) for r in found]

    def _one(self, sql: Sql, params: Params | None) -> Sequence[Any] | None:
        cursor = self._cursor(sql, params)
        with translate_sqlite_errors():
            found: Sequence[Any] | None = cursor.fetchone()
            cursor.close()
        return found

    def first(self, sql: Sql, params: Params | None = None) -> Any | None:
        found = self._one(sql, params)
        return None if found is None else self._record(sql, found)

    def scalar(self, sql: Sql, params: Params | None = None) -> Any:
        found = self._one(sql, params)
        if found is None:
            return None
        value = found[0]
        kind = sql.kind(sql.columns[0]) if sql.columns else None
        return value if value is None or kind is None else _READ[kind](value)

    def run(self, sql: Sql, params: Params | Sequence[Params] | None = None) -> int:
        if not isinstance(params, Sequence):
            return self._cursor(sql, params).rowcount
        if not params:
            return 0
        text, _ = sql.expanded(params[0])
        values = [_params(sql, p)[1] for p in params]
        if (log := _statements_log()) is not None:
            log.debug("%s (%d times)", text, len(values))
        with translate_sqlite_errors():
            return self.raw.executemany(text, values).rowcount


class LiteAccess:
    """Transactions on a SQLite database through ``sqlite3``, with a small pool of
    connections shared by threads (each used by one thread at a time)."""

    is_postgres = False
    driver_errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, target: LiteTarget, waits: Waits | None = None) -> None:
        self.target = target
        self.waits = waits or Waits.from_env()
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        with translate_sqlite_errors():
            raw = sqlite3.connect(
                self.target.database,
                timeout=self.waits.lock,
                isolation_level=None,  # transactions begin where this module says
                check_same_thread=False,
                uri=self.target.uri,
            )
            try:
                set_pragmas(raw, busy_timeout_ms=milliseconds(self.waits.lock))
            except BaseException:
                raw.close()
                raise
        return raw

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            raw = self._idle.pop() if self._idle else None
        if raw is None:
            raw = self._connect()
        try:
            yield raw
        except BaseException:
            if raw.in_transaction:  # a failed rollback: the connection is not reused
                raw.close()
                raise
            self._give_back(raw)
            raise
        self._give_back(raw)

    def _give_back(self, raw: sqlite3.Connection) -> None:
        with self._lock:
            self._idle.append(raw)

    @contextlib.contextmanager
    def _transaction(self, raw: sqlite3.Connection, begin: str) -> Iterator[LiteConn]:
        with translate_sqlite_errors():
            raw.execute(begin)
        try:
            yield LiteConn(raw)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                raw.execute("ROLLBACK")
            raise
        with translate_sqlite_errors():
            raw.execute("COMMIT")

    @contextlib.contextmanager
    def write(self, *, wait: float | None = None, derived: bool = False) -> Iterator[LiteConn]:
        """A write transaction holding SQLite's write lock from its start; ``wait``
        (seconds) overrides how long it waits for that lock; a ``derived`` write (read
        models, which the log gives again) commits without waiting for the disk."""
        with self._connection() as raw:
            busy = None if wait is None else milliseconds(wait)
            with (
                _pragma(raw, "busy_timeout", busy, milliseconds(self.waits.lock)),
                _pragma(raw, "synchronous", NORMAL if derived else None, FULL),
                self._transaction(raw, "BEGIN IMMEDIATE") as conn,
            ):
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[LiteConn]:
        """A read transaction."""
        with self._connection() as raw, self._transaction(raw, "BEGIN") as conn:
            yield conn

    def checkpoint_wal(self) -> bool:
        """Copy the write-ahead log into the database file and truncate it; False when a
        reader kept it from finishing."""
        with self._connection() as raw, translate_sqlite_errors():
            busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy

    def dispose(self) -> None:
        """Close the idle connections, as SQLAlchemy's ``dispose`` empties its pool: a
        connection in use goes back to the pool when its transaction ends, and the next
        transaction opens a new one when none is idle."""
        with self._lock:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()


@contextlib.contextmanager
def _pragma(raw: sqlite3.Connection, name: str, value: int | None, usual: int) -> Iterator[None]:
    """``PRAGMA name = value`` while the block runs, then back at ``usual`` (the value
    every pooled connection keeps); nothing when ``value`` is None or already usual."""
    if value is None or value == usual:
        yield
        return
    with translate_sqlite_errors():
        raw.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            raw.execute(f"PRAGMA {name} = {int(usual)}")
