"""`ritual catalog`, `ritual next` and `ritual feed` against a SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli
from engine import Engine
from engine.catalog.rituals import CATALOG
from tests.feed_check import parse_feed
from tests.moments import cli_at, cli_clock

Run = Callable[..., Result]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


@pytest.fixture
def run(db_url: str) -> Run:
    runner = CliRunner()
    seams = cli_at()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", db_url, *args], obj=seams)

    return invoke


@pytest.fixture
def couple(run: Run) -> None:
    assert run("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex",
               "--tz", "Europe/Berlin").exit_code == 0  # fmt: skip
    assert run("add", "Lunch walk", "--cron", "0 12 * * *", "--duration", "20m",
               "--prompt", "What made you laugh lately?").exit_code == 0  # fmt: skip
    assert run("add", "Sam's run", "--cron", "0 7 * * *", "--with", "sam").exit_code == 0
    assert run("add", "Journal", "--per-week", "3", "--each").exit_code == 0


def event_count(db_url: str) -> int:
    with Engine.open(db_url, clock=cli_clock()) as eng:
        return eng.store.count()


def assert_refused(result: Result, code: int, message: str) -> None:
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_catalog_lists_every_template_with_its_schedule(run: Run) -> None:
    result = run("catalog")
    assert result.exit_code == 0
    for t in CATALOG:
        assert t.key in result.stdout
    assert "every day at 07:30, 2m, together" in result.stdout


def test_catalog_json_has_stable_keys(run: Run) -> None:
    data = json.loads(run("catalog", "--json").stdout)
    assert [d["key"] for d in data] == [t.key for t in CATALOG]
    assert set(data[0]) == {
        "key", "title", "kind", "schedule", "cron", "per_week",
        "duration_minutes", "who", "starter", "summary",
    }  # fmt: skip
    journal = next(d for d in data if d["key"] == "appreciation-journal")
    assert (journal["schedule"], journal["who"], journal["cron"]) == (
        "3 times a week each",
        "each",
        None,
    )


@pytest.mark.usefixtures("couple")
def test_next_shows_timed_occurrences_and_the_weekly_counts(run: Run) -> None:
    result = run("next", "--days", "3")
    assert result.exit_code == 0
    assert "Lunch walk (20m)" in result.stdout
    assert "What made you laugh lately?" in result.stdout
    assert "Journal: 3 times a week each" in result.stdout


@pytest.mark.usefixtures("couple")
def test_next_for_one_partner_leaves_out_the_others_rituals(run: Run) -> None:
    alex = json.loads(run("next", "--partner", "alex", "--days", "3", "--json").stdout)
    sam = json.loads(run("next", "--partner", "sam", "--days", "3", "--json").stdout)
    assert {o["title"] for o in alex} == {"Lunch walk"}
    assert {o["title"] for o in sam} == {"Lunch walk", "Sam's run"}
    assert set(alex[0]) == {
        "ritual_id",
        "title",
        "at",
        "local",
        "duration_minutes",
        "prompt",
        "partner",  # whose own local occurrence (a ritual kept at each one's time), or null
        "local_times",  # each partner's local time when their clocks differ, else {}
    }
    assert (alex[0]["partner"], alex[0]["local_times"]) == (None, {})
    assert alex[0]["local"].endswith(("+01:00", "+02:00"))
    assert alex[0]["duration_minutes"] == 20


@pytest.mark.usefixtures("couple")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--days", "-1"), "between 1 and 366 days"),
        (("--days", "0"), "between 1 and 366 days"),
        (("--days", "100000"), "between 1 and 366 days"),
        (("--partner", "kim"), "unknown partner 'kim'"),
    ],
)
def test_next_refuses_bad_input_in_one_line(
    run: Run, db_url: str, args: tuple[str, ...], message: str
) -> None:
    before = event_count(db_url)
    assert_refused(run("next", *args), 2, message)
    assert event_count(db_url) == before


@pytest.mark.usefixtures("couple")
def test_feed_prints_a_calendar_both_parsers_read(run: Run) -> None:
    result = run("feed")
    assert result.exit_code == 0
    parsed = parse_feed(result.stdout_bytes)
    assert {e.summary for e in parsed.events} == {"Lunch walk", "Sam's run"}
    assert parsed.name == "Sam & Alex: rituals"


@pytest.mark.usefixtures("couple")
def test_feed_for_a_partner_written_to_a_file(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "alex.ics"
    result = run("feed", "--partner", "alex", "--out", str(out), "--days-ahead", "7")
    assert result.exit_code == 0
    assert "Saved the calendar feed" in result.stdout
    parsed = parse_feed(out.read_bytes())
    assert {e.summary for e in parsed.events} == {"Lunch walk"}
    assert 7 <= len(parsed.events) <= 8
    assert list(tmp_path.glob(".*partial")) == []


@pytest.mark.usefixtures("couple")
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--days-back", "-1"), 2, "look back between 0 and 366 days"),
        (("--days-ahead", "100000"), 2, "look ahead between 0 and 366 days"),
        (("--partner", "kim"), 2, "unknown partner 'kim'"),
        (("--out", "/nonexistent-folder/feed.ics"), 1, "could not write the feed there"),
    ],
)
def test_feed_refuses_bad_input_in_one_line(
    run: Run, db_url: str, args: tuple[str, ...], code: int, message: str
) -> None:
    before = event_count(db_url)
    assert_refused(run("feed", *args), code, message)
    assert event_count(db_url) == before
