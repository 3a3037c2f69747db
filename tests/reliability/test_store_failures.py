"""A store that cannot be written says why, in one line: a read-only file, a full disk,
refused credentials, a busy lock. Before, all of them said "cannot reach the database;
please try again", which sends a person retrying something a retry cannot fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from engine import Engine, StoreUnavailable
from engine.sql.access import translate_errors
from engine.sql.event_store import SqlEventStore
from engine.sql.failures import BUSY, DISK_FULL, READ_ONLY, REFUSED
from engine.sql.statements import Conflict
from engine.sql.tables import create_sa_engine
from tests.moments import cli_clock


def made(path: Path) -> str:
    """A SQLite file with one couple in it; returns its URL."""
    url = f"sqlite:///{path}"
    with Engine.open(url, clock=cli_clock()) as eng:
        eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    return url


def test_a_database_opened_read_only_says_it_cannot_be_written(tmp_path: Path) -> None:
    made(tmp_path / "rituals.db")
    read_only = f"sqlite:///file:{tmp_path / 'rituals.db'}?mode=ro&uri=true"

    with Engine.open(read_only, clock=cli_clock()) as eng:
        assert [c.name for c in eng.couples()] == ["Sam & Alex"]  # reading still works
        with pytest.raises(StoreUnavailable) as refused:
            eng.create_couple("Kim & Lee", ["kim", "lee"], "Europe/Berlin")

    assert str(refused.value) == READ_ONLY
    assert not (Path.cwd() / "file:").exists()  # a URI is never taken for a folder to make


def test_a_full_disk_says_so(tmp_path: Path) -> None:
    url = made(tmp_path / "rituals.db")
    sa_engine = create_sa_engine(url)

    @sa.event.listens_for(sa_engine, "connect")
    def _no_room_to_grow(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")  # as a full disk would

    clock = cli_clock()
    with Engine(SqlEventStore(sa_engine, clock), clock) as eng:
        couple = eng.couples()[0]
        with pytest.raises(StoreUnavailable) as refused:
            for n in range(200):
                eng.appreciate(couple, by="sam", to="alex", text=f"thank you {n} " * 40)

    assert str(refused.value) == DISK_FULL


def test_a_wrong_postgres_password_says_the_credentials_were_refused() -> None:
    base = os.environ.get("RITUAL_TEST_POSTGRES_URL", "").strip()
    if not base:
        pytest.skip("set RITUAL_TEST_POSTGRES_URL to run the PostgreSQL backend")
    wrong = sa.make_url(base).set(password="not-the-password-9431")
    probe = sa.create_engine(wrong, poolclass=sa.pool.NullPool)
    try:
        with probe.connect():
            pytest.skip("this server lets the test user in without a password")
    except sa_exc.OperationalError:
        pass
    finally:
        probe.dispose()

    with (
        Engine.open(wrong.render_as_string(hide_password=False), clock=cli_clock()) as eng,
        pytest.raises(StoreUnavailable) as refused,
    ):
        eng.couples()

    assert str(refused.value) == REFUSED
    assert "not-the-password-9431" not in str(refused.value)


class DriverError(Exception):
    """What psycopg raises: an exception with the SQLSTATE of the failure."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "wrapper, message, sqlstate, expected",
    [
        (sa_exc.OperationalError, "canceling statement due to lock timeout", "55P03", BUSY),
        (sa_exc.OperationalError, "canceling statement due to statement timeout", "57014", BUSY),
        (
            sa_exc.OperationalError,
            "could not extend file: No space left on device",
            "53100",
            DISK_FULL,
        ),
        (
            sa_exc.InternalError,
            "cannot execute INSERT in a read-only transaction",
            "25006",
            READ_ONLY,
        ),
        (sa_exc.ProgrammingError, "permission denied for table ritual_events", "42501", READ_ONLY),
        (
            sa_exc.OperationalError,
            'FATAL: password authentication failed for user "sam"',
            None,
            REFUSED,
        ),
        (sa_exc.OperationalError, "database or disk is full", None, DISK_FULL),
        (sa_exc.OperationalError, "attempt to write a readonly database", None, READ_ONLY),
        (sa_exc.OperationalError, "database is locked", None, BUSY),
    ],
)
def test_each_driver_failure_gets_its_own_one_line_message(
    wrapper: type[sa_exc.DBAPIError], message: str, sqlstate: str | None, expected: str
) -> None:
    with pytest.raises(StoreUnavailable) as translated, translate_errors():
        raise wrapper("INSERT INTO ritual_events ...", {}, DriverError(message, sqlstate))

    assert str(translated.value) == expected and "\n" not in expected


def test_a_constraint_violation_becomes_the_concurrency_check() -> None:
    with pytest.raises(Conflict), translate_errors():
        raise sa_exc.IntegrityError("INSERT", {}, DriverError("UNIQUE constraint failed", "23505"))
