"""The `ritual` commands, end to end on a SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.cli.conftest import Run


def test_init_with_the_starter_set_adds_the_gentle_rituals(run: Run) -> None:
    result = run(
        "init",
        "--name",
        "Sam & Alex",
        "--partner",
        "sam",
        "--partner",
        "alex",
        "--tz",
        "Europe/Berlin",
        "--starter",
    )
    assert result.exit_code == 0, result.output
    assert "Welcome, Sam & Alex" in result.output
    rituals = json.loads(run("list", "--json").output)
    titles = {r["title"] for r in rituals}
    assert {"Morning micro-check", "Relationship check"} <= titles
    assert all(r["participants"] == ["sam", "alex"] for r in rituals)


def test_list_json_has_stable_keys(couple: Run) -> None:
    (ritual,) = json.loads(couple("list", "--json").output)
    assert set(ritual) == {
        "id",
        "short_id",
        "title",
        "kind",
        "cron",
        "per_week",
        "schedule",
        "duration_minutes",
        "participants",
        "together",
        "each_local",
        "reminder_minutes",
        "prompts",
        "status",
        "paused_until",
        "template",
        "since",
    }
    assert ritual["schedule"] == "every hour"
    assert ritual["duration_minutes"] == 2


def test_a_ritual_can_be_addressed_by_its_short_id(couple: Run) -> None:
    (ritual,) = json.loads(couple("list", "--json").output)
    result = couple("checkin", ritual["short_id"], "--by", "alex", "--closeness", "5")
    assert result.exit_code == 0, result.output
    assert "Checked in Hourly hello" in result.output


def test_quota_rituals_take_several_check_ins_a_week(couple: Run) -> None:
    assert couple("add", "Appreciation journal", "--per-week", "3", "--each").exit_code == 0
    for _ in range(2):
        assert couple("checkin", "appreciation journal", "--by", "sam").exit_code == 0
    listed = {r["title"]: r for r in json.loads(couple("list", "--json").output)}
    assert listed["Appreciation journal"]["schedule"] == "3 times a week each"
    assert listed["Appreciation journal"]["together"] is False


def test_edit_pause_resume_and_retire_change_the_ritual(couple: Run) -> None:
    assert (
        couple(
            "edit", "Hourly hello", "--cron", "30 8 * * 1-5", "--title", "Weekday hello"
        ).exit_code
        == 0
    )
    assert couple("pause", "Weekday hello", "--until", "2999-12-01").exit_code == 2  # too far
    assert couple("pause", "Weekday hello").exit_code == 0
    (ritual,) = json.loads(couple("list", "--json").output)
    assert ritual["status"] == "paused"
    assert ritual["schedule"] == "weekdays at 08:30"
    assert couple("resume", "Weekday hello").exit_code == 0
    assert couple("retire", "Weekday hello").exit_code == 0
    assert json.loads(couple("list", "--json").output) == []
    (retired,) = json.loads(couple("list", "--all", "--json").output)
    assert retired["status"] == "retired"


def test_the_log_shows_history_newest_first_without_private_text(couple: Run) -> None:
    couple("checkin", "Hourly hello", "--by", "sam", "--note", "held hands on the balcony")
    couple("appreciate", "--from", "alex", "--to", "sam", "thank you for the soup")
    couple("appreciate", "--from", "sam", "--to", "alex", "a private one", "--private")
    text = couple("log").output
    assert text.splitlines()[0].endswith("alex appreciated sam")
    assert "balcony" not in text and "soup" not in text and "private one" not in text
    entries = json.loads(couple("log", "--json", "--limit", "3").output)
    assert len(entries) == 3
    assert set(entries[0]) == {
        "position",
        "type",
        "occurred_at",
        "recorded_at",
        "time_zone",
        "actor",
        "via",
        "summary",
        "data",
        "id",
        "undone",
    }
    assert entries[0]["type"] == "appreciation.given"
    assert entries[0]["via"] == "cli"
    assert "text" not in entries[0]["data"]
    assert entries[0]["position"] > entries[1]["position"]


def test_repairs_can_be_answered_by_the_other_partner(couple: Run) -> None:
    made = couple("repair", "--by", "sam", "--kind", "humour", "--note", "silly dance")
    repair_id = made.output.split("(")[1].split(")")[0]
    answered = couple("repair-response", repair_id, "--by", "alex", "--accepted")
    assert answered.exit_code == 0, answered.output
    again = couple("repair-response", repair_id, "--by", "alex", "--not-yet")
    assert again.exit_code == 0  # a later answer replaces the earlier one
    assert "accepted" in couple("log", "--limit", "2").output.splitlines()[1]


def test_time_outs_rules_and_capsules(couple: Run) -> None:
    assert couple("timeout", "call", "--by", "alex").exit_code == 0
    assert couple("timeout", "call", "--by", "sam").exit_code == 1
    assert couple("timeout", "end", "--by", "sam").exit_code == 0
    assert couple("rules", "set", "No interrupting", "Breaks are allowed").exit_code == 0
    assert couple("rules", "show").output.splitlines() == [
        "1. No interrupting",
        "2. Breaks are allowed",
    ]
    sealed = couple("capsule", "seal", "--by", "sam", "--opens", "2030-01-01", "dear future us")
    assert sealed.exit_code == 0
    listed = json.loads(couple("capsule", "list", "--json").output)
    assert listed[0]["opens_on"] == "2030-01-01" and "message" not in listed[0]
    capsule_id = listed[0]["id"][:8]
    early = couple("capsule", "open", capsule_id, "--by", "alex")
    assert early.exit_code == 1 and "sealed until 2030-01-01" in early.stderr


def test_partners_and_settings_can_change(couple: Run, event_count: Callable[[], int]) -> None:
    assert couple("partner", "add", "kim", "--name", "Kim").exit_code == 0
    assert couple("partner", "rename", "kim", "Kimberly").exit_code == 0
    shown = couple("settings", "--freezes", "2", "--proxy-checkins")
    assert "streak freezes a month: 2" in shown.output
    assert "check in for both: yes" in shown.output
    before = event_count()
    assert couple("checkin", "Hourly hello", "--by", "sam", "--for-both").exit_code == 0
    assert event_count() == before + 1
    couples = json.loads(couple("couples", "--json").output)
    assert couples[0]["partners"] == ["sam", "alex", "kim"]


def test_db_commands_report_the_revision(run: Run) -> None:
    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0 and "revision" in upgraded.output
    current = run("db", "current").output
    database, code = (part.split(": ")[1] for part in current.splitlines()[0].split("; "))
    assert database == code


def test_several_couples_need_a_name(run: Run) -> None:
    run("init", "--name", "Sam & Alex", "--partner", "sam", "--tz", "UTC")
    run("init", "--name", "Kim & Lee", "--partner", "kim", "--tz", "UTC")
    assert run("list").exit_code == 2
    assert run("--couple", "kim & lee", "add", "Walk", "--cron", "0 8 * * *").exit_code == 0
    assert "Walk" in run("--couple", "Kim & Lee", "list").output
    assert "Walk" not in run("--couple", "Sam & Alex", "list").output


def test_rules_and_settings_print_stable_json(couple: Run) -> None:
    assert json.loads(couple("rules", "show", "--json").output) == []
    couple("rules", "set", "One voice at a time", "Pauses are welcome")
    assert json.loads(couple("rules", "show", "--json").output) == [
        {"number": 1, "rule": "One voice at a time"},
        {"number": 2, "rule": "Pauses are welcome"},
    ]
    settings = json.loads(couple("settings", "--freezes", "2", "--json").output)
    assert settings["freezes_per_month"] == 2
    assert set(settings) == {
        "id", "name", "time_zone", "partners", "partner_zones", "freezes_per_month",
        "proxy_checkins",
    }  # fmt: skip
    assert settings["partner_zones"] == {}  # everyone follows the couple's zone


def test_every_command_takes_now_from_the_clock_seam(run: Run) -> None:
    run("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    run("add", "Evening check", "--cron", "0 20 * * *")
    result = run("status")
    assert result.exit_code == 0, result.output
    # CLI_NOW is Wednesday 25 November 2026, 17:30 UTC, whatever the machine's clock says
    assert result.output.startswith("Sam & Alex, Wednesday 25 November")
    assert "20:00  Evening check" in result.output


def test_agreeing_on_one_ground_rule_says_rule_not_rules(couple: Run) -> None:
    assert couple("rules", "set", "Breaks are allowed").output == "Agreed on 1 ground rule.\n"
    assert couple("rules", "set", "A", "B").output == "Agreed on 2 ground rules.\n"
