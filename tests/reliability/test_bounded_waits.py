"""Waits that end: with the write lock held by another connection, commands end in a
clear "the database is busy" within the lock timeout, ``/healthz`` answers 503 with
``Retry-After`` at once, and feeds keep being served. Before, a held PostgreSQL append
lock made ``ritual checkin`` hang 45 s and the server answer nothing for minutes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from engine import Engine, StoreUnavailable
from engine.sql.access import APPEND_LOCK_ID
from engine.sql.waits import Waits
from engine.web.app import FeedApp
from tests.moments import cli_at, cli_clock

BUSY = "the database is busy; please try again in a moment"


@contextlib.contextmanager
def append_lock_held(db_url: str) -> Iterator[None]:
    """Another connection holds what every write needs: SQLite's write lock, or the
    PostgreSQL append lock (as a stuck writer would)."""
    if db_url.startswith("sqlite"):
        other = sqlite3.connect(sa.make_url(db_url).database or "", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.rollback()
            other.close()
        return
    sa_engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with sa_engine.connect() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_lock(APPEND_LOCK_ID)))
        try:
            yield
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(APPEND_LOCK_ID)))
    sa_engine.dispose()


def served(app: FeedApp, path: str) -> tuple[int, dict[str, str], float]:
    """Call the WSGI app; the status, the headers and how long the answer took."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
        seen["status"], seen["headers"] = status, dict(headers)
        return lambda data: None

    started = time.monotonic()
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http"}
    b"".join(app(environ, start_response))  # type: ignore[arg-type]
    return int(seen["status"][:3]), seen["headers"], time.monotonic() - started


@pytest.fixture
def eng(db_url: str) -> Iterator[Engine]:
    """A migrated engine holding one couple with one ritual, waiting at most 1 s."""
    with Engine.open(db_url, clock=cli_clock(), waits=Waits(lock=1.0)) as opened:
        couple = opened.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        opened.add_ritual(couple, "Evening walk", cron="0 19 * * *")
        yield opened


def test_a_write_behind_a_stuck_writer_ends_busy_within_the_lock_timeout(
    eng: Engine, db_url: str
) -> None:
    couple = eng.couples()[0]
    with append_lock_held(db_url):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as refused:
            eng.check_in(couple, "Evening walk", by="sam")
        waited = time.monotonic() - started

    assert str(refused.value) == BUSY
    assert 0.9 <= waited < 3.0
    eng.check_in(couple, "Evening walk", by="sam")  # and once it is free, writes go on


def test_by_default_a_write_waits_about_five_seconds_and_no_more(
    eng: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RITUAL_LOCK_TIMEOUT", raising=False)
    with Engine.open(db_url, clock=cli_clock()) as patient:
        patient.store  # noqa: B018 - connect before the lock is taken
        couple = patient.couples()[0]
        with append_lock_held(db_url):
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="busy"):
                patient.appreciate(couple, by="sam", to="alex", text="For the walk.")
            waited = time.monotonic() - started

    assert 4.5 <= waited < 9.0


def test_the_command_line_says_the_database_is_busy_instead_of_hanging(
    eng: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RITUAL_LOCK_TIMEOUT", "1")
    args = ["--db", db_url, "checkin", "Evening walk", "--by", "sam"]
    with append_lock_held(db_url):
        started = time.monotonic()
        result = CliRunner().invoke(cli, args, obj=cli_at())
        waited = time.monotonic() - started

    assert result.exit_code == 1 and BUSY in result.output
    assert "Traceback" not in result.output and waited < 5.0


def test_healthz_answers_503_at_once_and_feeds_are_still_served_while_a_writer_is_stuck(
    eng: Engine, db_url: str
) -> None:
    issued = eng.share_feed(eng.couples()[0], base_url="http://127.0.0.1:8080")
    feed = issued.url.removeprefix("http://127.0.0.1:8080")
    app = FeedApp(eng)
    assert served(app, "/healthz")[0] == 200

    with append_lock_held(db_url):
        health, headers, health_took = served(app, "/healthz")
        status, _, feed_took = served(app, feed)

    assert health == 503 and int(headers["Retry-After"]) > 0 and health_took < 3.0
    assert status == 200 and feed_took < 2.0  # the fetch note is skipped, not waited for
    assert served(app, "/healthz")[0] == 200


def test_a_table_locked_by_another_session_gives_feeds_a_503_not_a_hang(
    eng: Engine, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite readers are never blocked in WAL mode")
    issued = eng.share_feed(eng.couples()[0], base_url="http://127.0.0.1:8080")
    feed = issued.url.removeprefix("http://127.0.0.1:8080")
    app = FeedApp(eng, recheck=timedelta(0))
    sa_engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with sa_engine.connect() as conn, conn.begin():
            conn.execute(sa.text("LOCK TABLE ritual_events IN ACCESS EXCLUSIVE MODE"))
            status, headers, took = served(app, feed)
    finally:
        sa_engine.dispose()

    assert status == 503 and int(headers["Retry-After"]) > 0 and took < 3.0
    assert served(app, feed)[0] == 200
