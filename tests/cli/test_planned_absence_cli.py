"""`ritual skip` ahead of time, as docs/concepts/undo-and-absences.md tells it: a time near
an occurrence to come names it, and absences of several days let every ritual go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine.clock import FixedClock
from tests.moments import cli_at

if TYPE_CHECKING:
    from tests.cli.conftest import Run

MONDAY = datetime(2026, 11, 23, 6, 40, tzinfo=UTC)  # Mon 23 Nov, 07:40 in Berlin
USAGE, REFUSED = 2, 1


@pytest.fixture
def monday(db_url: str) -> Run:
    """`ritual` on a Monday morning, with a couple, its morning check and an evening ritual."""
    runner = CliRunner()
    seams = cli_at(FixedClock(MONDAY))

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False, obj=seams)

    init = ("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex")
    assert invoke(*init, "--tz", "Europe/Berlin").exit_code == 0
    assert invoke("add", "Morning check", "--cron", "30 7 * * *", "--duration", "2m").exit_code == 0
    assert invoke("add", "Evening", "--cron", "0 21 * * *").exit_code == 0
    return invoke


def test_a_time_to_come_lets_the_nearest_occurrence_of_that_day_go(monday: Run) -> None:
    got = monday(
        "skip", "Morning check", "--by", "alex", "--at", "2026-11-24T07:00", "--reason", "travel"
    )
    assert got.exit_code == 0, got.output
    assert got.output == "Let Morning check of Tue 24 Nov 07:30 go. Streak untouched.\n"
    again = monday("skip", "Morning check", "--at", "2026-11-24T07:30")
    assert again.exit_code == REFUSED
    assert again.stderr.strip().endswith("is already skipped")


def test_an_absence_of_several_days_lets_every_ritual_go_and_shows_in_the_feed(
    monday: Run,
) -> None:
    got = monday("skip", "--all", "--from", "2026-12-04", "--until", "2026-12-06")
    assert got.exit_code == 0, got.output
    assert got.output == (
        "Let 6 occurrences go from Fri 04 Dec to Sun 06 Dec (Morning check 3, Evening 3). "
        "Streaks untouched.\n"
    )
    feed = monday("feed").output
    assert feed.count("STATUS:CANCELLED") == 6
    one = monday("skip", "Evening", "--from", "2026-12-08")
    assert one.output == "Let 1 occurrence go on Tue 08 Dec (Evening 1). Streaks untouched.\n"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("skip", "--all"), "--from"),
        (("skip", "Evening", "--until", "2026-12-06"), "--from"),
        (("skip",), "name the ritual"),
        (("skip", "Evening", "--all", "--from", "2026-12-04"), "not both"),
        (("skip", "--from", "2026-12-04"), "name one ritual"),
        (("skip", "Evening", "--at", "2026-12-04T21:00", "--from", "2026-12-04"), "not both"),
        (("skip", "Evening", "--from", "2026-12-06", "--until", "2026-12-04"), "ends on or after"),
        (("skip", "Evening", "--from", "2027-06-01"), "90 days ahead"),
        (("skip", "Evening", "--from", "someday"), "date"),
        (("add", "Often", "--cron", "*/5 * * * *"), "at most once an hour"),
    ],
)
def test_a_skip_that_cannot_be_read_says_why_in_one_line(
    monday: Run, args: tuple[str, ...], words: str
) -> None:
    got = monday(*args)
    assert got.exit_code == USAGE
    assert words in got.stderr and got.stderr.count("\n") == 1
    assert "Traceback" not in got.output


def test_a_move_says_it_changes_the_future_only_and_the_past_keeps_its_times(
    db_url: str,
) -> None:
    clock = FixedClock(MONDAY)
    runner, seams = CliRunner(), cli_at(clock)

    def run(*args: str) -> Result:
        return runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False, obj=seams)

    init = ("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex")
    assert run(*init, "--tz", "Europe/Berlin").exit_code == 0
    assert run("add", "Evening", "--cron", "0 21 * * *").exit_code == 0
    clock.advance(timedelta(days=1))  # Tuesday morning
    before = [line for line in run("feed").output.splitlines() if "DTSTART" in line]
    got = run("settings", "--tz", "America/New_York")
    assert got.output.endswith(
        "From now on your rituals follow America/New_York time; what you already lived "
        "keeps its Europe/Berlin times.\n"
    )
    after = [line for line in run("feed").output.splitlines() if "DTSTART" in line]
    lived = "DTSTART:20261123T200000Z"  # Monday's 21:00 in Berlin
    assert lived in before and lived in after
    assert "DTSTART:20261124T200000Z" in before and "DTSTART:20261124T200000Z" not in after
    assert "DTSTART:20261125T020000Z" in after  # Tuesday's 21:00 in New York
    assert "Europe/Berlin" not in run("settings", "--freezes", "2").output
