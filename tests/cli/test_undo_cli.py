"""`ritual undo`: a mistaken entry taken back by its author, shown as undone in the log."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Run


def test_undo_takes_back_the_authors_last_check_in_and_the_log_says_so(couple: Run) -> None:
    assert couple("checkin", "Hourly hello", "--by", "sam").exit_code == 0
    result = couple("undo", "--by", "sam")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Undone: sam checked in 'Hourly hello' of Wed 25 Nov 18:00.")
    (streak,) = json.loads(couple("streaks", "--json").output)[:1]
    assert streak["done"] == 0
    lines = couple("log", "--limit", "2").output.splitlines()
    assert lines[0].endswith("sam undid a check-in")
    assert "(undone) sam checked in 'Hourly hello'" in lines[1]


def test_undo_by_id_refuses_another_partners_entry_with_a_clear_message(couple: Run) -> None:
    couple("checkin", "Hourly hello", "--by", "sam")
    (entry,) = json.loads(couple("log", "--json", "--limit", "1").output)
    result = couple("undo", entry["id"][:8], "--by", "alex")
    assert result.exit_code == 1
    assert "only sam can undo their own entry" in result.output
    assert "Traceback" not in result.output


def test_undo_with_a_too_short_id_asks_for_four_characters(couple: Run) -> None:
    result = couple("undo", "ab", "--by", "sam")
    assert result.exit_code == 2
    assert "give at least 4 characters of the id" in result.output


def test_undo_with_nothing_to_undo_says_so_kindly(couple: Run) -> None:
    result = couple("undo", "--by", "alex")
    assert result.exit_code == 2
    assert "there is nothing of yours from the last 7 days to undo" in result.output


def test_a_check_in_says_which_occurrence_it_chose(run: Run) -> None:
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
    run("add", "Morning check", "--cron", "0 7 * * *")
    result = run("checkin", "Morning check", "--by", "sam")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Checked in Morning check (this morning's 07:00) for sam.")


def test_a_check_in_for_both_names_both_partners(run: Run) -> None:
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
    run("settings", "--proxy-checkins")
    run("add", "Morning check", "--cron", "0 7 * * *")
    result = run("checkin", "Morning check", "--by", "sam", "--for-both")
    assert result.exit_code == 0, result.output
    assert "for sam and alex." in result.output
