"""Shared fixtures: a fixed clock, and event stores on every backend.

The PostgreSQL backend runs only when ``RITUAL_TEST_POSTGRES_URL`` names a database
(a ``postgresql+psycopg://`` URL) whose tables the test role may drop; every test
starts from an empty schema. With ``RITUAL_REQUIRE_POSTGRES`` set (CI sets it), a
missing URL fails those tests instead of skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.clock import FixedClock
from engine.events import EventStore, MemoryEventStore

POSTGRES_ENV = "RITUAL_TEST_POSTGRES_URL"
POSTGRES_SKIP = "set RITUAL_TEST_POSTGRES_URL to run the PostgreSQL backend"
REQUIRE_ENV = "RITUAL_REQUIRE_POSTGRES"  # CI sets it: a skipped PostgreSQL run is a failure

SQL_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
ALL_BACKENDS = [
    pytest.param("memory", id="memory"),
    *SQL_BACKENDS,
    pytest.param("sqlite-sqlalchemy", id="sqlite-sqlalchemy"),
]
"""Every store: in memory, the SQLite file of ``Engine.open`` (on ``sqlite3``),
PostgreSQL, and SQLite through SQLAlchemy (as a host's engine gives it)."""


def postgres_url() -> str:
    """The test PostgreSQL URL, or skip the test when none is configured."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url and os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{REQUIRE_ENV} is set but {POSTGRES_ENV} is not")
    if not url:
        pytest.skip(POSTGRES_SKIP)
    return url


def reset_postgres(url: str) -> None:
    """Drop every table in the test database, so migrations start from empty."""
    from engine.sql.tables import metadata

    sa_engine = sa.create_engine(url)
    try:
        with sa_engine.begin() as conn:
            metadata.drop_all(conn)
            found = sa.MetaData()
            found.reflect(conn)  # tables other code or older runs may have left
            found.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            conn.exec_driver_sql("DROP TABLE IF EXISTS ritual_alembic_version")
    finally:
        sa_engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def master_key_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every process a test starts) keeps its master key in a key file
    under the session's temporary folder: never the user's config folder or keyring."""
    from engine.sql.master_key import ENV_MASTER_KEY, ENV_MASTER_KEY_FILE

    key_file = tmp_path_factory.mktemp("config") / "master.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(ENV_MASTER_KEY, raising=False)
        patch.setenv(ENV_MASTER_KEY_FILE, str(key_file))
        yield key_file


@pytest.fixture
def fixed_clock() -> FixedClock:
    """A clock stopped at 2026-03-02 09:00 UTC."""
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty SQL database (a SQLite file, or a clean PostgreSQL schema)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 't.db'}"
    url = postgres_url()
    reset_postgres(url)
    return url


@pytest.fixture(params=ALL_BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path: Path, fixed_clock: FixedClock
) -> Iterator[EventStore]:
    """An empty event store on each backend, using ``fixed_clock``; closed afterwards."""
    from engine.api import open_sql_store

    opened: EventStore
    if request.param == "memory":
        opened = MemoryEventStore(clock=fixed_clock)
    elif request.param == "sqlite":
        opened = open_sql_store(f"sqlite:///{tmp_path / 't.db'}", clock=fixed_clock)
    elif request.param == "sqlite-sqlalchemy":
        from engine.sql.open import sql_store
        from engine.sql.tables import create_sa_engine

        url = f"sqlite:///{tmp_path / 't.db'}"
        opened = sql_store(create_sa_engine(url), clock=fixed_clock, migrate=True)
    else:
        url = postgres_url()
        reset_postgres(url)
        opened = open_sql_store(url, clock=fixed_clock)
    try:
        yield opened
    finally:
        opened.close()
