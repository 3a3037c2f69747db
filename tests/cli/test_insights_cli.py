"""`ritual insights` against a SQLite file: counts per week, signals, never private text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine import Engine
from tests.moments import cli_at, cli_clock

Run = Callable[..., Result]
SECRETS = ("slow coffee on the balcony", "You made time for me", "I was short with you")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


@pytest.fixture
def run(db: str) -> Run:
    runner = CliRunner()
    seams = cli_at()

    def invoke(*args: str) -> Result:
        result = runner.invoke(cli, ["--db", db, *args], obj=seams)
        assert "Traceback" not in result.output
        return result

    assert run_ok(
        invoke,
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
    return invoke


def run_ok(run: Run, *args: str) -> bool:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return True


def lively_week(run: Run) -> None:
    run_ok(run, "add", "Journal", "--per-week", "3")
    run_ok(run, "checkin", "Journal", "--by", "sam", "--closeness", "4", "--note", SECRETS[0])
    run_ok(run, "checkin", "Journal", "--by", "alex", "--closeness", "5")
    run_ok(run, "appreciate", "--from", "alex", "--to", "sam", SECRETS[1])
    repair = run("repair", "--by", "sam", "--kind", "apology", "--note", SECRETS[2])
    repair_id = repair.stdout.split("(")[1].split(")")[0]
    run_ok(run, "repair-response", repair_id, "--by", "alex", "--accepted")
    run_ok(run, "timeout", "call", "--by", "alex")
    run_ok(run, "timeout", "end", "--by", "sam")


def test_insights_json_counts_this_weeks_practice(run: Run) -> None:
    lively_week(run)
    result = run("insights", "--weeks", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"weeks", "closeness_trend", "signals"}
    last, this = data["weeks"]
    assert set(this) == {
        "week",
        "starts_on",
        "checkins",
        "appreciations_given",
        "appreciations_shared",
        "repairs_attempted",
        "repairs_accepted",
        "repairs_not_yet",
        "repairs_share_accepted",
        "timeouts_called",
        "timeout_minutes",
        "closeness_average",
        "closeness_ratings",
    }
    assert this["checkins"] == {"sam": 1, "alex": 1}
    assert (this["appreciations_given"], this["appreciations_shared"]) == (1, 1)
    assert (this["repairs_attempted"], this["repairs_share_accepted"]) == (1, 1.0)
    assert (this["timeouts_called"], this["timeout_minutes"]) == (1, [0])
    assert (this["closeness_average"], this["closeness_ratings"]) == (4.5, 2)
    assert last["checkins"] == {"sam": 0, "alex": 0}
    assert data["closeness_trend"] is None


def test_insights_never_show_notes_appreciations_or_repair_notes(run: Run) -> None:
    lively_week(run)
    for args in (("insights",), ("insights", "--json")):
        output = run(*args).output
        assert not any(secret in output for secret in SECRETS)


def test_insights_as_text_show_a_row_per_week_and_a_calm_word(run: Run) -> None:
    lively_week(run)
    lines = run("insights", "--weeks", "3").stdout.splitlines()
    assert lines[0].split() == [
        "week",
        "check-ins",
        "appreciations",
        "repairs",
        "pauses",
        "closeness",
    ]
    assert "sam 1, alex 1" in lines[3]
    assert "1 (1 of 1 accepted)" in lines[3]
    assert "4.5" in lines[3]
    assert lines[-1] == "Nothing here asks for attention. Keep tending the small things."


@pytest.mark.parametrize("weeks", ["0", "53"])
def test_a_window_outside_one_to_fifty_two_weeks_is_refused(run: Run, db: str, weeks: str) -> None:
    with Engine.open(db, clock=cli_clock()) as eng:
        before = eng.store.count()
    result = run("insights", "--weeks", weeks)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --weeks must be between 1 and 52"
    with Engine.open(db, clock=cli_clock()) as eng:
        assert eng.store.count() == before


def test_a_drift_signal_is_shown_with_its_suggestion(run: Run) -> None:
    run_ok(run, "add", "Journal", "--per-week", "3")
    for _ in range(10):
        run_ok(run, "checkin", "Journal", "--by", "sam")
    text = run("insights").stdout
    assert "Worth a gentle look together:" in text
    assert "- Over the last four weeks, sam wrote 10 of the 10 entries." in text
    assert "quiet act of care" in text
    (signal,) = json.loads(run("insights", "--json").stdout)["signals"]
    assert (signal["key"], signal["facts"]["total"]) == ("uneven_logging", 10)
