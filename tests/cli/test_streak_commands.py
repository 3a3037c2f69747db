"""`ritual streaks`, `ritual rebuild` and the streak a check-in reports, run in-process
against a SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine.cli.streaks import streak_text
from engine.views.couples import CoupleView
from engine.views.streaks import PartnerStreak, StreakLine, StreakView
from tests.moments import cli_at

Run = Callable[..., Result]

STREAK_KEYS = {
    "ritual",
    "ritual_id",
    "unit",
    "status",
    "current",
    "best",
    "done",
    "skipped",
    "missed",
    "pending",
    "strength",
    "freezes_used",
    "last_freeze",
    "completion_rate",
    "last_done",
    "partners",
    "this_week",
}


@pytest.fixture
def run(db_url: str) -> Run:
    runner = CliRunner()
    seams = cli_at()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False, obj=seams)

    invoke("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    invoke("add", "Hourly hello", "--cron", "0 * * * *")
    invoke("add", "Appreciation journal", "--per-week", "3", "--each")
    return invoke


def test_a_check_in_says_the_new_streak(run: Run) -> None:
    result = run("checkin", "Hourly hello", "--by", "sam")
    assert result.exit_code == 0
    assert result.output.strip().endswith("Streak: 1.")


def test_streaks_json_has_stable_keys_per_ritual_and_partner(run: Run) -> None:
    run("checkin", "Hourly hello", "--by", "sam", "--note", "we laughed about the cat")
    run("checkin", "Appreciation journal", "--by", "alex")
    result = run("streaks", "--json")
    assert result.exit_code == 0
    assert "cat" not in result.output
    hourly, journal = json.loads(result.output)
    assert set(hourly) == set(journal) == STREAK_KEYS
    assert hourly["ritual"] == "Hourly hello"
    assert hourly["partners"]["sam"]["current"] == 1
    assert hourly["partners"]["sam"]["done"] == 1
    assert set(hourly["partners"]["sam"]) == STREAK_KEYS - {
        "ritual",
        "ritual_id",
        "unit",
        "status",
        "partners",
        "this_week",
    }
    assert journal["unit"] == "week"
    assert journal["this_week"]["target"] == 3
    assert journal["this_week"]["partners"] == {"sam": 0, "alex": 1}


def test_streaks_text_speaks_of_progress(run: Run) -> None:
    run("checkin", "Hourly hello", "--by", "sam")
    run("checkin", "Hourly hello", "--by", "alex")
    result = run("streaks")
    assert result.exit_code == 0
    assert "Hourly hello: 1 in a row, strength " in result.output
    assert "Appreciation journal: ready for its first time" in result.output


def test_streaks_before_any_ritual_existed_invite_a_first_one(run: Run) -> None:
    result = run("streaks", "--as-of", "2001-01-01T00:00")
    assert result.exit_code == 0
    assert "No rituals yet" in result.output


def test_an_unreadable_as_of_time_is_refused_in_one_line_without_writing(
    run: Run, event_count: Callable[[], int]
) -> None:
    before = event_count()
    result = run("streaks", "--as-of", "last tuesday")
    assert result.exit_code == 2
    assert "not a time I can read" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert event_count() == before


def test_rebuild_folds_the_whole_log_again_with_a_plain_report_off_a_terminal(
    run: Run, event_count: Callable[[], int]
) -> None:
    run("checkin", "Hourly hello", "--by", "sam")
    before = run("streaks", "--json").output
    result = run("rebuild")
    assert result.exit_code == 0
    assert "\r" not in result.output
    assert f"Rebuilt ritual_marks, up to event {event_count()}." in result.output
    assert run("streaks", "--json").output == before
    assert run("rebuild", "--projection", "ritual_marks").exit_code == 0


def test_rebuilding_an_unknown_read_model_is_refused_without_writing(
    run: Run, event_count: Callable[[], int]
) -> None:
    before = event_count()
    result = run("rebuild", "--projection", "streakz")
    assert result.exit_code == 2
    assert "no read model called 'streakz'" in result.stderr
    assert result.stdout == ""
    assert event_count() == before


def _view(line: StreakLine) -> StreakView:
    return StreakView(
        ritual_id="r",
        title="Morning check",
        unit="occurrence",
        status="active",
        couple=line,
        partners=(PartnerStreak("sam", line), PartnerStreak("alex", line)),
    )


COUPLE = CoupleView("c", "Sam & Alex", "Europe/Berlin", ())


def test_coming_back_after_a_miss_is_celebrated_and_a_freeze_is_named() -> None:
    line = StreakLine(
        current=2,
        best=9,
        done=20,
        missed=1,
        freezes_used=1,
        last_freeze=date(2026, 3, 3),
        held_by_freeze=date(2026, 3, 3),
        strength=0.61,
    )
    text = "\n".join(streak_text(_view(line), COUPLE))
    assert text.startswith("Morning check: back at it, 2 in a row (best 9), strength 61%")
    assert "A freeze covered Tue 03 Mar, so your streak held." in text
    assert "miss" not in text


def test_a_broken_streak_reads_as_a_fresh_start() -> None:
    line = StreakLine(current=0, best=12, done=30, missed=3, strength=0.4)
    first = streak_text(_view(line), COUPLE)[0]
    assert first == "Morning check: a fresh start is one check-in away (best 12), strength 40%"
