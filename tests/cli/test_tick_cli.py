"""`ritual tick` records what time brought about; looking at a plan never does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from cli import cli
from engine.api import open_sql_store
from tests.moments import cli_at, cli_clock


def test_a_week_that_began_is_recorded_by_tick_and_never_by_a_look(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"
    clock = cli_clock()
    seams = cli_at(clock)

    def run(*args: str) -> Result:
        result = CliRunner().invoke(cli, ["--db", url, *args], obj=seams)
        assert result.exit_code == 0, result.output
        return result

    def count() -> int:
        store = open_sql_store(url)
        try:
            return store.count()
        finally:
            store.close()

    run("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    run("plan", "start")
    clock.advance(timedelta(days=7))
    before = count()
    assert "week 2 of 8" in run("plan", "status").stdout
    run("status")
    assert count() == before

    ticked = run("tick").stdout
    assert "week 2 of 8 is under way" in ticked
    assert "New with this week: Listening check, Gratitude check-in." in ticked
    assert count() > before
    assert run("tick").stdout == "Nothing new to record; every plan is up to date.\n"
