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
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(WRITE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
