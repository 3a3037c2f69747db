"""Fixtures of the reliability suite: a fresh database on each backend.

Every test that takes ``db_url`` runs twice: on a SQLite file under ``tmp_path`` and on
PostgreSQL when ``RITUAL_TEST_POSTGRES_URL`` is set. On PostgreSQL each test gets its own
schema (selected with ``search_path`` in the URL), so tests never see each other's rows
and the shared test database is left as it was found. With ``RITUAL_REQUIRE_POSTGRES=1``
a missing URL fails the PostgreSQL run instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from cli import cli
from engine import Engine
from engine.api import open_sql_store
from engine.sql.event_store import SqlEventStore
from tests.moments import cli_at, cli_clock

ROOT = Path(__file__).resolve().parents[2]
WORKERS = Path(__file__).with_name("workers.py")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def postgres_url() -> str:
    """The PostgreSQL URL to test against, or a skip (a failure when it is required)."""
    url = os.environ.get("RITUAL_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    if os.environ.get("RITUAL_REQUIRE_POSTGRES"):
        pytest.fail("RITUAL_REQUIRE_POSTGRES is set but RITUAL_TEST_POSTGRES_URL is not")
    pytest.skip("set RITUAL_TEST_POSTGRES_URL to run the PostgreSQL backend")


def _admin(url: str, statement: str) -> None:
    sa_engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with sa_engine.begin() as conn:
            conn.exec_driver_sql(statement)
    finally:
        sa_engine.dispose()


def postgres_schema_url(base: str, schema: str) -> str:
    """``base`` with every connection's ``search_path`` set to ``schema``."""
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def empty_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database on ``backend``, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'rituals.db'}"
        return
    base = postgres_url()
    schema = f"reliability_{uuid.uuid4().hex[:12]}"
    _admin(base, f"CREATE SCHEMA {schema}")
    try:
        yield postgres_schema_url(base, schema)
    finally:
        _admin(base, f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(autouse=True)
def patient_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stress tests queue for the write lock on purpose, on a machine that may be busy:
    they wait up to a minute for it (see :func:`child_env`)."""
    if "RITUAL_LOCK_TIMEOUT" not in os.environ:
        monkeypatch.setenv("RITUAL_LOCK_TIMEOUT", "60")


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on ``backend``: nothing is created until the engine migrates it."""
    with empty_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[SqlEventStore]:
    """A migrated store on ``db_url``."""
    opened = open_sql_store(db_url)
    assert isinstance(opened, SqlEventStore)
    try:
        yield opened
    finally:
        opened.close()


@dataclass
class CoupleDb:
    """A database holding the couple Sam & Alex (Europe/Berlin) with two rituals:
    "Hourly hello" (every hour) and "Quota walk" (3 times a week)."""

    url: str
    folder: Path

    def run(self, *args: str) -> Result:
        """Run `ritual` in-process; an argument ``@name`` stands for a file in ``folder``."""
        args = tuple(str(self.folder / a[1:]) if a.startswith("@") else a for a in args)
        return CliRunner().invoke(
            cli, ["--db", self.url, *args], catch_exceptions=False, obj=cli_at()
        )

    def engine(self) -> Engine:
        return Engine.open(self.url, clock=cli_clock())

    def count(self) -> int:
        with self.engine() as eng:
            return eng.store.count()


@pytest.fixture(scope="module")
def couple_db(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CoupleDb]:
    """One database per backend, shared by the tests of a module."""
    folder = tmp_path_factory.mktemp("couple")
    with empty_database(backend, folder) as url:
        db = CoupleDb(url, folder)
        for args in (
            ("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex"),
            ("add", "Hourly hello", "--cron", "0 * * * *"),
            ("add", "Quota walk", "--per-week", "3"),
        ):
            extra = ("--tz", "Europe/Berlin") if args[0] == "init" else ()
            assert db.run(*args, *extra).exit_code == 0
        yield db


def child_env() -> dict[str, str]:
    """The environment of a child process: this checkout first on the import path.

    The stress workers hold the write lock on purpose and queue behind each other for as
    long as the test runs, on a machine that may be busy with other work: they wait up to
    a minute for a lock (``RITUAL_LOCK_TIMEOUT``) rather than the few seconds that a
    person at a command line is given. ``test_bounded_waits.py`` checks the default.
    """
    return {"RITUAL_LOCK_TIMEOUT": "60", **os.environ, "PYTHONPATH": str(ROOT)}


def spawn_worker(role: str, *args: str) -> subprocess.Popen[str]:
    """Start ``tests/reliability/workers.py ROLE ARGS...`` with pipes for a handshake."""
    return subprocess.Popen(
        [sys.executable, str(WORKERS), role, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )


def run_cli(db_url: str, args: Sequence[str]) -> subprocess.Popen[str]:
    """Start the real `ritual` command line in a child process."""
    return subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "--db", db_url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )


def finish(procs: list[subprocess.Popen[str]], timeout: float = 120) -> list[str]:
    """Wait for every child; fail with its stderr if one did not end cleanly."""
    outputs = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            pytest.fail("a child process did not finish in time")
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


def wait_ready(proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait for the child's ``ready`` line; a child silent for ``timeout`` seconds is killed."""
    assert proc.stdout is not None
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline().strip()
    finally:
        watchdog.cancel()
    if line != "ready":
        proc.kill()
        pytest.fail(f"a child did not start: {proc.communicate(timeout=10)[1][-2000:]}")


def start_together(procs: list[subprocess.Popen[str]]) -> None:
    """Wait until every child is ready, then let them all go at once."""
    for proc in procs:
        wait_ready(proc)
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
