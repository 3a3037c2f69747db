"""`ritual plan ...` against a SQLite file, as a couple would use it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine import Engine
from tests.moments import CLI_NOW, cli_at, cli_clock

Run = Callable[..., Result]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


@pytest.fixture
def run(db: str) -> Run:
    runner = CliRunner()
    seams = cli_at()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", db, *args], obj=seams)

    result = invoke(
        "init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC"
    )
    assert result.exit_code == 0, result.output
    return invoke


def event_count(db: str) -> int:
    with Engine.open(db, clock=cli_clock()) as eng:
        return eng.store.count()


def days_ago(n: int) -> str:
    return (CLI_NOW.date() - timedelta(days=n)).isoformat()


def status(run: Run) -> Any:
    result = run("plan", "status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_list_shows_the_eight_week_plan(run: Run) -> None:
    result = run("plan", "list", "--json")
    assert result.exit_code == 0
    (plan,) = json.loads(result.stdout)
    assert (plan["key"], len(plan["weeks"])) == ("reconnect-8-weeks", 8)
    assert set(plan) == {"key", "title", "summary", "weeks"}
    assert "reconnect-8-weeks" in run("plan", "list").stdout


def test_starting_today_begins_week_one_and_adds_its_ritual(run: Run) -> None:
    result = run("plan", "start")
    assert result.exit_code == 0, result.output
    assert "Week 1: Noticing where we are" in result.stdout
    assert "New with this week: Weekly check" in result.stdout
    view = status(run)
    assert {k: view[k] for k in ("plan", "week", "weeks_total", "tasks_done", "tasks_total")} == {
        "plan": "reconnect-8-weeks",
        "week": 1,
        "weeks_total": 8,
        "tasks_done": 0,
        "tasks_total": 21,
    }
    assert (view["percent"], view["pace"]) == (0, "on_pace")
    assert [(t["key"], t["done"]) for t in view["tasks"]] == [
        ("w1-letters", False),
        ("w1-read-aloud", False),
        ("w1-weekly-check", False),
    ]
    assert all(t["text"] for t in view["tasks"])
    assert "Weekly check" in run("list").stdout


def test_a_plan_started_two_weeks_ago_is_in_week_three_with_all_its_rituals(run: Run) -> None:
    result = run("plan", "start", "--on", days_ago(15))
    assert result.exit_code == 0, result.output
    assert "Week 3: Making hard talks safer" in result.stdout
    view = status(run)
    assert (view["week"], view["pace"]) == (3, "behind")
    assert [r["title"] for r in view["rituals"]] == [
        "Weekly check",
        "Listening check",
        "Gratitude check-in",
        "Five open minutes",
    ]
    assert view["rituals_added"] == []
    text = run("plan", "status").stdout
    assert "taking it slower, and that is fine" in text
    assert "w1-letters" in text


def test_marking_tasks_done_shows_in_the_status(run: Run) -> None:
    run("plan", "start")
    result = run("plan", "done", "W1-Letters", "--by", "sam")
    assert result.exit_code == 0, result.output
    assert "Marked w1-letters done by sam. 1 of 21 so far." in result.stdout
    assert "done together" in run("plan", "done", "w1-read-aloud").stdout
    view = status(run)
    assert (view["tasks_done"], view["percent"]) == (2, 10)
    assert view["tasks"][0] == {
        "key": "w1-letters",
        "text": view["tasks"][0]["text"],
        "done": True,
        "by": "sam",
    }
    assert "[x] w1-letters (by sam)" in run("plan", "status").stdout


def test_extend_pause_and_resume(run: Run) -> None:
    run("plan", "start")
    extended = run("plan", "extend")
    assert extended.exit_code == 0, extended.output
    assert "Take the time you need" in extended.stdout
    assert status(run)["weeks"][0]["extensions"] == 1
    assert run("plan", "pause").exit_code == 0
    assert status(run)["pace"] == "paused"
    resumed = run("plan", "resume")
    assert "Welcome back to week 1" in resumed.stdout
    assert status(run)["pace"] == "on_pace"


def test_finishing_keeps_the_chosen_rituals_and_retires_the_others(run: Run) -> None:
    run("plan", "start", "--on", days_ago(8))
    result = run("plan", "finish", "--keep", "weekly check")
    assert result.exit_code == 0, result.output
    assert "Carrying on: Weekly check." in result.stdout
    listed = run("list", "--json").stdout
    assert [r["title"] for r in json.loads(listed)] == ["Weekly check"]
    assert status(run)["pace"] == "finished"
    assert run("plan", "start").exit_code == 0


def test_status_without_a_plan_invites_to_start_one(run: Run) -> None:
    result = run("plan", "status")
    assert (result.exit_code, result.stdout.strip()) == (
        0,
        "No plan yet. `ritual plan list` shows the plans you can start.",
    )
    assert json.loads(run("plan", "status", "--json").stdout) is None


REFUSED_WITHOUT_A_PLAN = [
    (("plan", "done", "w1-letters"), 1),
    (("plan", "extend"), 1),
    (("plan", "pause"), 1),
    (("plan", "resume"), 1),
    (("plan", "finish", "--keep-all"), 1),
    (("plan", "start", "no-such-plan"), 2),
    (("plan", "start", "--on", "next tuesday"), 2),
    (("plan", "start", "--on", days_ago(60)), 2),
]


@pytest.mark.parametrize(("args", "code"), REFUSED_WITHOUT_A_PLAN)
def test_refusals_without_a_plan_write_nothing(
    run: Run, db: str, args: tuple[str], code: int
) -> None:
    before = event_count(db)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert event_count(db) == before


REFUSED_WITH_A_PLAN = [
    (("plan", "start"), 1, "already running"),
    (("plan", "done", "w9-dance"), 2, "no task 'w9-dance'"),
    (("plan", "done", "w2-listening-pattern"), 1, "belongs to week 2"),
    (("plan", "done", "w1-letters"), 1, "already marked done"),
    (("plan", "done", "w1-read-aloud", "--by", "robin"), 2, "unknown partner"),
    (("plan", "resume"), 1, "not paused"),
    (("plan", "finish"), 2, "choose what continues"),
    (("plan", "finish", "--keep-all", "--keep-none"), 2, "choose what continues"),
    (("plan", "finish", "--keep", "Nothing like it"), 2, "unknown ritual"),
    (("plan", "finish", "--keep", "Evening walk"), 2, "did not add"),
]


@pytest.mark.parametrize(("args", "code", "message"), REFUSED_WITH_A_PLAN)
def test_refusals_with_a_plan_write_nothing(
    run: Run, db: str, args: tuple[str], code: int, message: str
) -> None:
    run("plan", "start")
    run("plan", "done", "w1-letters")
    run("add", "Evening walk", "--per-week", "2")
    before = event_count(db)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert event_count(db) == before


def test_pausing_twice_is_refused_and_writes_nothing(run: Run, db: str) -> None:
    run("plan", "start")
    run("plan", "pause")
    before = event_count(db)
    for args in (("plan", "pause"), ("plan", "extend"), ("plan", "done", "w1-letters")):
        result = run(*args)
        assert (result.exit_code, "paused" in result.stderr) == (1, True)
    assert event_count(db) == before


def test_the_history_describes_plan_events(run: Run) -> None:
    run("plan", "start")
    run("plan", "done", "w1-letters", "--by", "alex")
    log = run("log", "--limit", "4").stdout
    assert "alex: plan task w1-letters done" in log
    assert "began week 1 of the plan" in log
