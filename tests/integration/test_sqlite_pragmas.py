"""SQLite as a careful embedded store: the pragmas and the immediate write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import Engine, FixedClock
from engine.api import open_sql_store
from engine.clock import utc_now
from engine.events import NewEvent, TimeoutCalled
from engine.sql.event_store import SqlEventStore
from engine.sql.open import sql_store
from engine.sql.statements import Conn, Sql
from engine.sql.tables import create_sa_engine
from engine.sql.waits import Waits

AT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "rituals.db"


@pytest.fixture(params=["sqlite3", "sqlalchemy"])
def sqlite_store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[SqlEventStore]:
    """The store on the SQLite file through either driver: the standard library's, as
    ``Engine.open`` makes it, and SQLAlchemy's, as a host's engine from
    ``create_sa_engine`` gives it."""
    url = f"sqlite:///{db_path}"
    if request.param == "sqlite3":
        store = open_sql_store(url)
    else:
        open_sql_store(url).close()  # made and migrated
        store = sql_store(create_sa_engine(url), clock=utc_now, migrate=False)
    assert isinstance(store, SqlEventStore)
    try:
        yield store
    finally:
        store.close()


def level(conn: Conn, name: str) -> object:
    return conn.scalar(Sql(f"PRAGMA {name}"))


def pragma(store: SqlEventStore, name: str) -> object:
    with store.db.read() as conn:
        return level(conn, name)


def timeout_called(n: int) -> NewEvent:
    return NewEvent(TimeoutCalled(timeout_id=f"t{n}", by="sam", at=AT), occurred_at=AT)


def test_a_file_database_runs_in_wal_mode(sqlite_store: SqlEventStore, db_path: Path) -> None:
    assert db_path.is_file()  # the folder was created on first use
    assert pragma(sqlite_store, "journal_mode") == "wal"


def test_a_file_database_syncs_fully(sqlite_store: SqlEventStore) -> None:
    assert pragma(sqlite_store, "synchronous") == 2  # FULL


def test_a_read_model_write_commits_without_a_flush_and_an_append_keeps_it(
    sqlite_store: SqlEventStore,
) -> None:
    with sqlite_store.db.write(derived=True) as conn:
        assert level(conn, "synchronous") == 1  # NORMAL: read models are folded again
    with sqlite_store.db.write() as conn:
        assert level(conn, "synchronous") == 2  # FULL again for whatever the connection writes next
    assert pragma(sqlite_store, "synchronous") == 2


def test_a_file_database_deletes_securely(sqlite_store: SqlEventStore) -> None:
    assert pragma(sqlite_store, "secure_delete") == 1


def test_a_file_database_waits_a_few_seconds_for_a_lock_and_not_for_ever(
    sqlite_store: SqlEventStore,
) -> None:
    busy_timeout = pragma(sqlite_store, "busy_timeout")
    assert isinstance(busy_timeout, int)
    assert 2_000 <= busy_timeout <= 10_000


def test_a_write_transaction_takes_the_write_lock_when_it_begins(
    sqlite_store: SqlEventStore, db_path: Path
) -> None:
    probe = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        # no statement runs inside the write: only BEGIN IMMEDIATE can hold the lock
        with sqlite_store.db.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")
        probe.execute("BEGIN IMMEDIATE")  # released on commit
        probe.execute("ROLLBACK")
    finally:
        probe.close()


def test_a_second_writer_waits_for_the_first_instead_of_failing(
    sqlite_store: SqlEventStore, db_path: Path
) -> None:
    other = open_sql_store(f"sqlite:///{db_path}")
    outcome: list[object] = []

    def second_writer() -> None:
        try:
            outcome.append(other.append("c", "s", [timeout_called(2)], expected_version=None))
        except Exception as exc:
            outcome.append(exc)

    try:
        with sqlite_store.db.write() as conn:
            conn.scalar(Sql("SELECT 1"))
            writer = threading.Thread(target=second_writer)
            writer.start()
            time.sleep(0.5)
            assert writer.is_alive(), f"the second writer did not wait: {outcome}"
        writer.join(timeout=20)
        assert not writer.is_alive()
    finally:
        other.close()

    assert len(outcome) == 1
    assert isinstance(outcome[0], list), outcome[0]
    assert sqlite_store.count() == 1


def test_reading_sealed_text_takes_no_write_lock(db_path: Path) -> None:
    clock = FixedClock(AT)
    with Engine.open(f"sqlite:///{db_path}", clock=clock) as eng:
        eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with Engine.open(f"sqlite:///{db_path}", clock=clock, waits=Waits(lock=0.2)) as eng:
            assert [c.name for c in eng.couples()] == ["Sam & Alex"]  # names are sealed
    finally:
        writer.execute("ROLLBACK")
        writer.close()
