"""Issue 12, item 1: `ritual log` and the Markdown keepsake tell each past moment in the
zone in force when it happened. A couple that moves from Berlin to New York keeps its
Berlin evenings as Berlin evenings; what happens after the move is in New York time."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine.clock import FixedClock
from tests.moments import cli_at

BEFORE = datetime(2026, 11, 10, 18, 0, tzinfo=UTC)  # 19:00 in Berlin, 13:00 in New York
MOVE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 20:30 the day before in New York


@pytest.fixture
def moved(sql_url: str) -> tuple[FixedClock, list[str]]:
    clock = FixedClock(BEFORE)
    runner = CliRunner()

    def run(*args: str) -> Result:
        result = runner.invoke(cli, ["--db", sql_url, *args], obj=cli_at(clock))
        assert result.exit_code == 0, result.output
        return result

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
    )
    run("appreciate", "For the soup.", "--from", "sam", "--to", "alex")
    clock.now = MOVE
    run("settings", "--tz", "America/New_York")
    clock.now = AFTER
    run("appreciate", "For unpacking.", "--from", "alex", "--to", "sam")

    def reads(*args: str) -> str:
        return run(*args).output

    return clock, [
        reads("log"),
        reads("log", "--json"),
        reads("export", "--format", "markdown"),
    ]


def test_the_log_tells_each_moment_in_the_zone_in_force_then(
    moved: tuple[FixedClock, list[str]],
) -> None:
    _, (log, _, _) = moved
    lines = log.splitlines()
    (before,) = [line for line in lines if "sam appreciated alex" in line]
    (after,) = [line for line in lines if "alex appreciated sam" in line]
    assert before.startswith("2026-11-10 19:00  ")  # Berlin, as it was lived
    assert after.startswith("2026-11-23 20:30  ")  # New York, after the move
    assert not any(line.startswith("2026-11-10 13:00") for line in lines)


def test_the_log_as_json_says_which_zone_each_moment_is_in(
    moved: tuple[FixedClock, list[str]],
) -> None:
    _, (_, as_json, _) = moved
    entries = json.loads(as_json)
    first, last = entries[-1], entries[0]
    assert (first["time_zone"], first["occurred_at"]) == (
        "Europe/Berlin",
        "2026-11-10T19:00:00+01:00",
    )
    assert (last["time_zone"], last["occurred_at"]) == (
        "America/New_York",
        "2026-11-23T20:30:00-05:00",
    )


def test_the_keepsake_tells_the_past_in_the_zone_in_force_then(
    moved: tuple[FixedClock, list[str]],
) -> None:
    _, (_, _, keepsake) = moved
    timeline = keepsake.split("## Along the way", 1)[1]
    assert "- 2026-11-10 19:00: sam appreciated alex" in timeline
    assert "- 2026-11-23 20:30: alex appreciated sam" in timeline
    assert "2026-11-10 13:00" not in timeline
    assert "Your rituals follow America/New_York time." in keepsake
