"""`ritual status` against a SQLite file, and its renderers: plain characters off a
terminal, colour on one, stable JSON keys, and a welcome for a couple with no rituals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine import Engine, FixedClock, MemoryEventStore
from engine.api import open_sql_store
from engine.cli.status import heatmap_lines, status_text, strength_bar, today_words, wants_colour
from engine.views.status import HeatmapView, TodayItem
from engine.views.streaks import WeekProgress
from tests.moments import CLI_NOW, cli_at

Run = Callable[..., Result]
WEEKDAY_ROWS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
KEYS = {"day", "today", "streaks", "plan", "heatmap", "suggestions"}
TODAY_KEYS = {
    "ritual",
    "ritual_id",
    "time",
    "status",
    "by",
    "participants",
    "this_week",
    "partner",  # whose own local occurrence (a ritual kept at each one's time), or null
    "local_times",  # each partner's local time when their clocks differ, else {}
}
STREAK_KEYS = {
    "ritual",
    "ritual_id",
    "unit",
    "current",
    "best",
    "strength",
    "freezes_used",
    "last_freeze",
}
PLAN_KEYS = {
    "plan",
    "title",
    "week",
    "weeks_total",
    "theme",
    "tasks_done",
    "tasks_total",
    "percent",
    "pace",
}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


@pytest.fixture
def run(db: str) -> Run:
    runner = CliRunner()
    seams = cli_at()

    def invoke(*args: str) -> Result:
        result = runner.invoke(cli, ["--db", db, *args], catch_exceptions=False, obj=seams)
        assert "Traceback" not in result.output
        return result

    init = ["init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex"]
    assert invoke(*init, "--tz", "Europe/Berlin").exit_code == 0
    return invoke


@pytest.fixture
def event_count(db: str) -> Callable[[], int]:
    def count() -> int:
        store = open_sql_store(db)
        try:
            return store.count()
        finally:
            store.close()

    return count


def later(days: int) -> str:
    return (CLI_NOW + timedelta(days=days)).isoformat()


def test_a_couple_without_rituals_is_welcomed_in_one_line(run: Run) -> None:
    result = run("status")
    assert result.exit_code == 0
    assert result.output.startswith("Welcome, Sam & Alex.")
    assert "`ritual add`" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_json_of_a_couple_without_rituals_has_every_key_and_an_empty_heatmap(
    run: Run,
) -> None:
    result = run("status", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == KEYS
    assert (data["today"], data["streaks"], data["plan"], data["suggestions"]) == ([], [], None, [])
    assert set(data["heatmap"]) == {"start", "weeks"}
    weeks = data["heatmap"]["weeks"]
    assert len(weeks) == 12 and all(len(week) == 7 for week in weeks)
    assert date.fromisoformat(data["heatmap"]["start"]).weekday() == 0
    assert {share for week in weeks for share in week} <= {None, 0.0}


def test_the_json_keys_are_stable_for_today_streaks_plan_and_suggestions(run: Run) -> None:
    assert run("add", "Hourly hello", "--cron", "0 * * * *").exit_code == 0
    assert run("add", "Journal", "--per-week", "3", "--each").exit_code == 0
    assert run("checkin", "Journal", "--by", "alex", "--note", "the secret note").exit_code == 0
    assert run("plan", "start").exit_code == 0
    result = run("status", "--json")
    data = json.loads(result.output)
    assert "the secret note" not in result.output
    assert all(set(item) == TODAY_KEYS for item in data["today"])
    journal = next(item for item in data["today"] if item["ritual"] == "Journal")
    assert (journal["time"], journal["status"], journal["by"]) == (None, "pending", ["alex"])
    assert journal["this_week"]["partners"] == {"sam": 0, "alex": 1}
    assert data["streaks"] and all(set(s) == STREAK_KEYS for s in data["streaks"])
    assert set(data["plan"]) == PLAN_KEYS
    assert (data["plan"]["week"], data["plan"]["pace"]) == (1, "on_pace")

    ahead = json.loads(run("status", "--json", "--as-of", later(20)).output)
    assert [s["key"] for s in ahead["suggestions"]] == ["no_shared_ritual"]
    assert set(ahead["suggestions"][0]) == {"key", "observation", "suggestion"}


def test_off_a_terminal_the_screen_is_plain_characters(run: Run) -> None:
    run("add", "Hourly hello", "--cron", "0 * * * *")
    run("checkin", "Hourly hello", "--by", "sam")
    run("checkin", "Hourly hello", "--by", "alex")
    result = run("status")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "■" not in result.output
    for heading in ("Today", "Streaks", "The last 12 weeks"):
        assert heading in result.output
    rows = [line.split()[0] for line in result.output.splitlines() if line.startswith("  ")]
    assert [r for r in rows if r in WEEKDAY_ROWS] == list(WEEKDAY_ROWS)  # one row a weekday
    wednesday = next(line for line in result.output.splitlines() if line.startswith("  Wed"))
    assert wednesday.endswith("#")  # CLI_NOW is a Wednesday: today's cell, all done, is last
    assert "# all done  O most  o some  . a quiet day" in result.output
    assert "Nothing here asks for attention." in result.output


def test_colour_is_wanted_on_a_terminal_or_when_asked_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(click.Context(cli, color=True))
    assert not wants_colour(click.Context(cli, color=False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(click.Context(cli, color=True))


def test_the_heatmap_draws_one_row_per_weekday_with_month_names_and_a_legend() -> None:
    week = (1.0, 0.5, 0.25, 0.0, 2 / 3, None, None)
    heatmap = HeatmapView(date(2026, 8, 31), ((None,) * 7,) * 11 + (week,))
    lines = heatmap_lines(heatmap, colour=False)
    assert lines[0] == "         Sep     Oct     Nov"  # Aug's name would crowd Sep's
    assert lines[1:8] == [
        "  Mon                        #",
        "  Tue                        O",
        "  Wed                        o",
        "  Thu                        .",
        "  Fri                        O",
        "  Sat",
        "  Sun",
    ]
    assert lines[8] == "       # all done  O most  o some  . a quiet day"


def test_in_colour_the_cells_and_the_strength_bar_are_painted_squares() -> None:
    heatmap = HeatmapView(date(2026, 8, 31), ((1.0, 0.0, None, None, None, None, None),) * 12)
    lines = heatmap_lines(heatmap, colour=True)
    assert click.style("■", fg="bright_green", bold=True) in lines[1]
    assert click.style("■", fg="bright_black") in lines[2]
    assert lines[3] == "  Wed"  # days still to come stay blank
    assert click.unstyle(strength_bar(0.64, colour=True)) == "■" * 6 + "■" * 4 + " 64%"
    assert strength_bar(0.64, colour=False) == "[######----] 64%"


def test_the_whole_screen_switches_between_colour_and_plain() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 7, tzinfo=UTC))
    eng = Engine(MemoryEventStore(clock), clock)
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    eng.add_ritual(couple, "Morning", cron="0 8 * * *")
    clock.now = datetime(2026, 3, 2, 8, 5, tzinfo=UTC)
    eng.check_in(couple, "Morning", by="sam")
    view = eng.status(couple)
    plain, coloured = status_text(view, couple, False), status_text(view, couple, True)
    assert not any("\x1b" in line or "■" in line for line in plain)
    assert any("\x1b[" in line for line in coloured)
    unstyled = [click.unstyle(line) for line in coloured]
    assert len(unstyled) == len(plain)
    for mine, theirs in zip(unstyled, plain, strict=True):  # only the drawing changes
        assert mine == theirs or "■" in mine
    assert plain[0] == "Sam & Alex, Monday 02 March"
    assert "  08:00  Morning  sam checked in; alex can add theirs until tomorrow ends" in plain


def item(status: str, by: tuple[str, ...] = (), at: datetime | None = None) -> TodayItem:
    return TodayItem("r", "Walk", at, at, status, by, ("sam", "alex"))


def test_today_words_never_call_an_open_ritual_late() -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert today_words(item("done", ("sam", "alex")), now) == "done by sam and alex"
    assert today_words(item("skipped"), now) == "let go for today"
    assert today_words(item("pending", at=now + timedelta(hours=1)), now) == "coming up"
    assert today_words(item("pending", at=now - timedelta(hours=1)), now) == (
        "still open until tomorrow ends"
    )
    week = WeekProgress(date(2026, 3, 2), 3, 1, (("sam", 2), ("alex", 1)))
    quota = TodayItem("q", "Journal", None, None, "pending", ("sam", "alex"), ("sam", "alex"), week)
    assert today_words(quota, now) == "1 of 3 this week (sam 2)"


def test_an_unreadable_as_of_time_is_refused_in_one_line_without_writing(
    run: Run, event_count: Callable[[], int]
) -> None:
    before = event_count()
    result = run("status", "--as-of", "yesterday-ish")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert event_count() == before


def test_the_status_writes_nothing_while_no_plan_has_a_week_to_begin(
    run: Run, event_count: Callable[[], int]
) -> None:
    run("add", "Hourly hello", "--cron", "0 * * * *")
    before = event_count()
    assert run("status").exit_code == 0
    assert run("status", "--json").exit_code == 0
    assert event_count() == before
