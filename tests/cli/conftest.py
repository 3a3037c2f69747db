"""CLI tests run `ritual` in-process with click's CliRunner against a fresh database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine.api import open_sql_store
from tests.moments import cli_at

Run = Callable[..., Result]


@pytest.fixture
def db_url(sql_url: str) -> str:
    """Every CLI test runs on SQLite and, when configured, on PostgreSQL."""
    return sql_url


@pytest.fixture
def run(db_url: str) -> Run:
    """Run `ritual --db URL ARGS...`; returns click's Result (stdout and stderr apart)."""
    runner = CliRunner()
    seams = cli_at()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(
            cli, ["--db", db_url, *args], input=input, catch_exceptions=False, obj=seams
        )

    return invoke


@pytest.fixture
def event_count(db_url: str) -> Callable[[], int]:
    def count() -> int:
        store = open_sql_store(db_url)
        try:
            return store.count()
        finally:
            store.close()

    return count


@pytest.fixture
def couple(run: Run) -> Run:
    """A couple Sam & Alex in Europe/Berlin with an hourly ritual, ready for logging."""
    assert (
        run(
            "init",
            "--name",
            "Sam & Alex",
            "--partner",
            "sam",
            "--partner",
            "alex",
            "--tz",
            "Europe/Berlin",
        ).exit_code
        == 0
    )
    assert run("add", "Hourly hello", "--cron", "0 * * * *", "--duration", "2m").exit_code == 0
    return run
