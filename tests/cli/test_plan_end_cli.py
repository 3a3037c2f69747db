"""The plan's end, said plainly on `ritual plan status` and on the status screen."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner, Result

from cli import cli
from engine.clock import FixedClock
from tests.moments import CLI_NOW, cli_at


def test_after_the_last_day_the_plan_has_ended_and_finishing_is_suggested(db_url: str) -> None:
    clock = FixedClock(CLI_NOW)
    seams = cli_at(clock)

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False, obj=seams)

    run("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    assert run("plan", "start").exit_code == 0

    clock.now = CLI_NOW + timedelta(weeks=7, days=1)  # inside the last week
    last_week = run("plan", "status").output
    assert "week 8 of 8" in last_week and "This is the last week" in last_week

    clock.now = CLI_NOW + timedelta(weeks=9)  # a week after the last day
    ended = run("plan", "status").output
    assert "all 8 weeks have run their course (the last day was Tue 19 Jan)" in ended
    assert "ritual plan finish" in ended
    assert "extend" not in ended and "its last day" not in ended and "week 8 of 8" not in ended
    screen = run("status").output
    assert "Plan: Reconnect in eight weeks: all 8 weeks have run their course" in screen
    assert "week 8 of 8" not in screen
