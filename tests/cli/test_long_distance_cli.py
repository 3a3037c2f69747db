"""Long-distance couples from the command line: zones at `init`, `partner set-zone`,
`add --each-local`, and both local times in `next`, `status` and the feeds.

The CLI clock stands at Wednesday 25 November 2026, 17:30 UTC: 18:30 in Berlin, 12:30
in New York (6 hours apart in late November).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli
from tests.feed_check import parse_feed
from tests.moments import cli_at

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    runner = CliRunner()
    seams = cli_at()
    url = f"sqlite:///{tmp_path}/x.db"

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", url, *args], obj=seams)

    return invoke


@pytest.fixture
def apart(run: Run) -> Run:
    """Sam in Berlin (the couple's zone) and Alex in New York."""
    made = run("init", "--name", "Sam & Alex", "--partner", "sam",
               "--partner", "alex@America/New_York", "--tz", "Europe/Berlin")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "alex lives by America/New_York time" in made.output
    return run


def test_init_takes_each_partners_zone_and_settings_show_it(apart: Run) -> None:
    settings = json.loads(apart("settings", "--json").output)
    assert settings["partners"] == ["sam", "alex"]
    assert settings["partner_zones"] == {"alex": "America/New_York"}
    assert "alex lives by America/New_York time" in apart("settings").output


@pytest.mark.parametrize(
    "args",
    [
        ("init", "--name", "Kai & Lee", "--partner", "kai@Mars/Base", "--partner", "lee",
         "--tz", "UTC"),
        ("init", "--name", "Kai & Lee", "--partner", "kai@", "--partner", "lee", "--tz", "UTC"),
        ("partner", "set-zone", "alex", "Europe/Nowhere"),
        ("partner", "set-zone", "alex", "America/New_York\nX"),
    ],
)  # fmt: skip
def test_a_bad_zone_is_refused_in_one_line_and_changes_nothing(
    apart: Run, args: tuple[str, ...]
) -> None:
    before = apart("settings", "--json").output
    result = apart(*args)
    assert result.exit_code == 2
    assert "unknown time zone" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert apart("couples").output.count("Kai & Lee") == 0
    assert apart("settings", "--json").output == before


def test_set_zone_and_clear_zone_change_where_a_partner_lives(apart: Run) -> None:
    moved = apart("partner", "set-zone", "alex", "America/Los_Angeles")
    assert moved.exit_code == 0, moved.output
    assert "alex now lives by America/Los_Angeles time" in moved.output
    assert json.loads(apart("settings", "--json").output)["partner_zones"] == {
        "alex": "America/Los_Angeles"
    }
    cleared = apart("partner", "clear-zone", "alex")
    assert "alex follows Europe/Berlin time again" in cleared.output
    assert json.loads(apart("settings", "--json").output)["partner_zones"] == {}
    again = apart("partner", "clear-zone", "alex")
    assert again.exit_code == 1 and "already lives by the couple's zone" in again.output


def test_next_shows_each_partners_own_morning_and_both_times_of_a_shared_call(apart: Run) -> None:
    assert apart("add", "Morning check", "--cron", "30 7 * * *", "--each-local").exit_code == 0
    assert apart("add", "Video call", "--cron", "0 21 * * *").exit_code == 0
    assert "each at their own local time" in apart("list").output
    lines = apart("next", "--days", "1").output.splitlines()
    assert lines == [
        "Wed 25 Nov 21:00  Video call  (21:00 for sam, 15:00 for alex)",
        "Thu 26 Nov 07:30  Morning check  sam's own time",
        "Thu 26 Nov 07:30  Morning check  alex's own time",
    ]
    mine = apart("next", "--days", "1", "--partner", "alex").output.splitlines()
    assert mine == [
        "Wed 25 Nov 15:00  Video call  (15:00 for you, 21:00 for sam)",
        "Thu 26 Nov 07:30  Morning check",
    ]
    (call, *_) = json.loads(apart("next", "--days", "1", "--json").output)
    assert call["local_times"] == {
        "sam": "2026-11-25T21:00:00+01:00",
        "alex": "2026-11-25T15:00:00-05:00",
    }


def test_status_shows_both_local_times_where_they_differ(apart: Run) -> None:
    apart("add", "Video call", "--cron", "0 21 * * *")
    out = apart("status").output
    assert "21:00  Video call" in out and "(21:00 for sam, 15:00 for alex)" in out
    (today,) = json.loads(apart("status", "--json").output)["today"]
    assert today["local_times"]["alex"] == "2026-11-25T15:00:00-05:00"


def test_a_check_in_at_a_typed_time_is_read_in_the_partners_own_zone(apart: Run) -> None:
    apart("add", "Morning check", "--cron", "30 7 * * *", "--each-local")
    assert apart("checkin", "Morning check", "--by", "alex", "--at", "7:40").exit_code == 0
    log = apart("streaks", "--json").output
    data = json.loads(log)
    (morning,) = data
    assert morning["partners"]["alex"]["done"] == 1
    assert morning["partners"]["sam"]["done"] == 0


def test_each_local_needs_fixed_times_in_one_line(apart: Run) -> None:
    result = apart("add", "Letters", "--per-week", "2", "--each-local")
    assert result.exit_code == 2 and "fixed times" in result.output
    assert "Traceback" not in result.output


def test_edit_switches_between_each_ones_time_and_the_couples(apart: Run) -> None:
    apart("add", "Morning check", "--cron", "30 7 * * *")
    assert apart("edit", "Morning check", "--each-local").exit_code == 0
    (r,) = json.loads(apart("list", "--json").output)
    assert r["each_local"] is True
    assert apart("edit", "Morning check", "--couple-time").exit_code == 0
    (r,) = json.loads(apart("list", "--json").output)
    assert r["each_local"] is False


def test_each_partners_feed_holds_their_own_morning_and_names_the_others_time(
    apart: Run,
) -> None:
    apart("add", "Morning check", "--cron", "30 7 * * *", "--each-local")
    apart("add", "Video call", "--cron", "0 21 * * *")
    alex = parse_feed(apart("feed", "--partner", "alex", "--days-back", "0", "--days-ahead", "2")
                      .stdout_bytes)  # fmt: skip
    mornings = [e.start for e in alex.events if e.summary == "Morning check"]
    assert mornings and all(m.hour == 12 and m.minute == 30 for m in mornings)  # type: ignore[union-attr]
    calls = {e.description for e in alex.events if e.summary == "Video call"}
    assert calls == {"About 15 minutes.\n\n15:00 for you, 21:00 for sam."}
