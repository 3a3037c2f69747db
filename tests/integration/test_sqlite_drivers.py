"""The SQLite file through either driver: the standard library's ``sqlite3`` (what
``Engine.open`` uses, so a command never loads SQLAlchemy) and SQLAlchemy's (a host's
engine, migrations). Both run the same statements and store values alike, so a file
written through one reads the same through the other."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine import Engine, FixedClock
from engine.api import open_sql_store
from engine.config import LiteTarget, lite_target
from engine.errors import ConnectionLost, StoreUnavailable
from engine.events import AppreciationGiven, NewEvent
from engine.sql.event_store import SqlEventStore
from engine.sql.failures import BUSY, NOT_A_DATABASE
from engine.sql.lite import LiteAccess, translate_sqlite_errors
from engine.sql.open import sql_store
from engine.sql.statements import Conflict, Sql
from engine.sql.tables import create_sa_engine
from engine.sql.waits import Waits

AT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///rituals.db", LiteTarget("rituals.db")),
        ("sqlite:////tmp/x/rituals.db", LiteTarget("/tmp/x/rituals.db")),
        ("sqlite+pysqlite:///a.db", LiteTarget("a.db")),
        ("sqlite:///file:a.db?mode=ro&uri=true", LiteTarget("file:a.db?mode=ro", uri=True)),
        ("sqlite:///file:a.db?uri=true", LiteTarget("file:a.db", uri=True)),
        ("sqlite://", None),  # in memory: SQLAlchemy keeps one connection for it
        ("sqlite:///:memory:", None),
        ("sqlite:///a.db?timeout=3", None),  # driver options: SQLAlchemy reads them
        ("sqlite:///a%20b.db", None),  # escapes: SQLAlchemy undoes them
        ("sqlite:///file:a.db", None),  # a URI without uri=true
        ("postgresql+psycopg://u@h/db", None),
        ("not a url", None),
    ],
)
def test_only_a_plain_sqlite_url_goes_to_the_standard_driver(
    url: str, expected: LiteTarget | None
) -> None:
    assert lite_target(url) == expected


def test_a_plain_sqlite_url_opens_on_the_standard_driver(tmp_path: Path) -> None:
    store = open_sql_store(f"sqlite:///{tmp_path / 'r.db'}")
    assert isinstance(store, SqlEventStore) and isinstance(store.db, LiteAccess)
    store.close()


def thanks(n: int, text: str) -> NewEvent:
    at = AT + timedelta(minutes=n)
    event = AppreciationGiven(
        appreciation_id=f"a{n}", author="sam", recipient="alex", text=text, shared=True, at=at
    )
    return NewEvent(event, occurred_at=at)


@pytest.mark.parametrize("writer", ["sqlite3", "sqlalchemy"])
def test_what_one_driver_writes_the_other_reads_the_same(tmp_path: Path, writer: str) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    clock = FixedClock(AT + timedelta(days=1, microseconds=123_456))
    lite = open_sql_store(url, clock=clock)
    alchemy = sql_store(create_sa_engine(url), clock=clock, migrate=False)
    first, second = (lite, alchemy) if writer == "sqlite3" else (alchemy, lite)
    try:
        first.append("c1", "couple-c1", [thanks(0, "for the tea")], expected_version=0)
        second.append("c1", "couple-c1", [thanks(1, "for the walk")], expected_version=1)
        for reader in (first, second):
            read = reader.read_couple("c1")
            assert [r.event.text for r in read] == ["for the tea", "for the walk"]  # type: ignore[attr-defined]
            assert [r.occurred_at for r in read] == [AT, AT + timedelta(minutes=1)]
            assert {r.recorded_at for r in read} == {clock.now}
            assert all(r.recorded_at.tzinfo is UTC for r in read)
        one, other = Engine(first, clock), Engine(second, clock)
        couple = one.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        token = one.share_feed(couple, base_url="https://cal.example.org").url
        token = token.rsplit("/", 1)[1].removesuffix(".ics")
        target = other.feed_target(token)
        assert target is not None and target.couple_id == couple.id
        other.record_feed_fetch(target.couple_id, target.link_id, clock.now)
        assert one.feed_links(couple)[0].last_fetched_at == clock.now
        one.revoke_feed_link(couple, target.link_id)
        assert other.feed_target(token) is None
    finally:
        lite.close()
        alchemy.close()


def test_a_held_write_lock_is_busy_after_the_wait_not_for_ever(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    open_sql_store(f"sqlite:///{path}").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    access = LiteAccess(LiteTarget(str(path)), Waits(lock=0.2))
    try:
        with pytest.raises(StoreUnavailable, match="busy") as refused, access.write():
            pass
        assert str(refused.value) == BUSY
        with access.read() as conn:  # readers are never blocked in WAL mode
            assert conn.scalar(Sql("SELECT count(*) FROM ritual_events")) == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        access.dispose()


def test_a_file_that_is_not_a_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreUnavailable) as refused:
        open_sql_store(f"sqlite:///{path}")
    assert str(refused.value) == NOT_A_DATABASE


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (sqlite3.IntegrityError("UNIQUE constraint failed"), Conflict),
        (sqlite3.OperationalError("database is locked"), StoreUnavailable),
        (sqlite3.DatabaseError("file is not a database"), StoreUnavailable),
        (sqlite3.OperationalError("disk I/O error"), ConnectionLost),
        (sqlite3.ProgrammingError("Incorrect number of bindings"), sqlite3.ProgrammingError),
    ],
)
def test_each_sqlite3_failure_becomes_what_the_other_driver_makes_of_it(
    error: Exception, expected: type[Exception]
) -> None:
    with pytest.raises(expected), translate_sqlite_errors():
        raise error


def test_a_failed_write_rolls_back_and_the_connection_serves_again(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    open_sql_store(f"sqlite:///{path}").close()
    access = LiteAccess(LiteTarget(str(path)))
    insert = Sql(
        "INSERT INTO ritual_names (scope, key, couple_id, owner) VALUES ('s', 'k', 'c', 'o')"
    )
    try:
        with pytest.raises(Conflict), access.write() as conn:
            conn.run(insert)
            conn.run(insert)  # the primary key refuses the second
        with access.read() as conn:
            assert conn.scalar(Sql("SELECT count(*) FROM ritual_names")) == 0
        with access.write() as conn:
            assert conn.run(insert) == 1
    finally:
        access.dispose()


def test_the_standard_driver_shows_each_statement_at_debug_and_never_a_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'logged.db'}"
    with Engine.open(url, clock=FixedClock(AT)) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        caplog.set_level(logging.INFO, logger="engine.sql")
        eng.appreciate(couple, by="sam", to="alex", text="quietly kept words")
        assert not [r for r in caplog.records if r.name == "engine.sql"]  # not at INFO
        caplog.set_level(logging.DEBUG, logger="engine.sql")
        eng.appreciate(couple, by="sam", to="alex", text="quietly kept words")
    shown = [r.getMessage() for r in caplog.records if r.name == "engine.sql"]
    assert any(line.startswith("INSERT INTO ritual_events") for line in shown), shown
    assert not [line for line in shown if "quietly kept" in line or "Sam & Alex" in line]
