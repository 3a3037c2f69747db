"""SQLite as a careful embedded store.

WAL so readers never block the writer; a busy timeout so a second process waits its
turn instead of failing, for a few seconds and not for ever; ``synchronous=FULL`` so
nothing reported as saved can vanish in a power cut (read models, which the log gives
again, commit with ``NORMAL``: ``SqlEngineAccess.write(derived=True)``);
``secure_delete`` so destroyed keys do not linger in free pages; and write transactions
that take the write lock when they begin (``BEGIN IMMEDIATE``), so two writers queue
instead of deadlocking on a lock upgrade.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa

from engine.sql.lite import set_pragmas

WRITE = "ritual_write"
"""Execution option that makes a connection's transactions begin immediately."""

BUSY_TIMEOUT_MS = 5_000
"""How long a connection waits for another's write lock before "the database is busy"."""


def configure_sqlite(
    engine: sa.Engine, synchronous: str = "FULL", *, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> None:
    """Install the pragmas and the transaction handling on a SQLite engine."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        set_pragmas(
            dbapi_connection,
            busy_timeout_ms=busy_timeout_ms,
            synchronous=synchronous,
            file_backed=engine.url.database not in (None, "", ":memory:"),
        )

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(WRITE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
