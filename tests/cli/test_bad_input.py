"""Bad input gets one clear line on stderr, the right exit code, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.moments import cli_at

if TYPE_CHECKING:
    from tests.cli.conftest import Run

USAGE, REFUSED = 2, 1

CASES = [
    ("unknown ritual", ["checkin", "Nope", "--by", "sam"], USAGE, "unknown ritual"),
    ("unknown partner", ["checkin", "Hourly hello", "--by", "kim"], USAGE, "unknown partner"),
    ("invalid cron", ["add", "Walk", "--cron", "61 * * * *"], USAGE, "cron"),
    ("never-firing cron", ["add", "Walk", "--cron", "0 0 30 2 *"], USAGE, "never"),
    (
        "both schedule kinds",
        ["add", "Walk", "--cron", "0 8 * * *", "--per-week", "3"],
        USAGE,
        "not both",
    ),
    ("no schedule", ["add", "Walk"], USAGE, "schedule"),
    ("unknown zone", ["settings", "--tz", "Mars/Olympus"], USAGE, "time zone"),
    (
        "closeness 7",
        ["checkin", "Hourly hello", "--by", "sam", "--closeness", "7"],
        USAGE,
        "1 to 5",
    ),
    ("empty appreciation", ["appreciate", "--from", "sam", "--to", "alex", "   "], USAGE, "empty"),
    (
        "appreciation over the size limit",
        ["appreciate", "--from", "sam", "--to", "alex", "x" * 5000],
        USAGE,
        "longer than",
    ),
    (
        "control characters in a title",
        ["add", "Walk\x1b[31m", "--cron", "0 8 * * *"],
        USAGE,
        "control",
    ),
    (
        "newline in a title",
        ["add", "Walk\nBEGIN:VEVENT", "--cron", "0 8 * * *"],
        USAGE,
        "line break",
    ),
    (
        "bad duration",
        ["add", "Walk", "--cron", "0 8 * * *", "--duration", "soon"],
        USAGE,
        "duration",
    ),
    (
        "bad time",
        ["checkin", "Hourly hello", "--by", "sam", "--at", "yesterday"],
        USAGE,
        "is not a time I can read; try 2026-11-23T08:00, yesterday 21:30 or today 7:30",
    ),
    (
        "future time",
        ["checkin", "Hourly hello", "--by", "sam", "--at", "2999-01-01T08:00"],
        USAGE,
        "far",
    ),
    (
        "unknown repair",
        ["repair-response", "abcdef", "--by", "alex", "--accepted"],
        USAGE,
        "unknown",
    ),
    ("unknown repair kind", ["repair", "--by", "sam", "--kind", "shouting"], USAGE, "kind"),
    ("unknown template", ["add", "--template", "nope"], USAGE, "template"),
    (
        "bad capsule date",
        ["capsule", "seal", "--by", "sam", "--opens", "someday", "hi"],
        USAGE,
        "date",
    ),
    (
        "capsule in the past",
        ["capsule", "seal", "--by", "sam", "--opens", "2020-01-01", "hi"],
        USAGE,
        "after today",
    ),
    (
        "pause ending in the past",
        ["pause", "Hourly hello", "--until", "2020-01-01"],
        USAGE,
        "future",
    ),
    ("unknown couple", ["--couple", "Nobody", "list"], USAGE, "no couple"),
    ("invalid database URL", ["--db", "nonsense://", "list"], USAGE, "database URL"),
    ("resume of an active ritual", ["resume", "Hourly hello"], REFUSED, "not paused"),
    (
        "appreciating yourself",
        ["appreciate", "--from", "sam", "--to", "sam", "hi"],
        USAGE,
        "other partner",
    ),
    (
        "proxy check-in not allowed",
        ["checkin", "Hourly hello", "--by", "sam", "--for-both"],
        REFUSED,
        "one by one",
    ),
    ("ending a pause nobody called", ["timeout", "end", "--by", "sam"], REFUSED, "no pause"),
]


@pytest.mark.parametrize(
    ("args", "code", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_gets_one_line_and_the_store_does_not_move(
    couple: Run, event_count: Callable[[], int], args: list[str], code: int, fragment: str
) -> None:
    before = event_count()
    result = couple(*args)
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert fragment.lower() in lines[0].lower()
    assert "Traceback" not in result.output
    assert event_count() == before


def test_a_check_in_for_a_retired_ritual_is_refused_without_writing(
    couple: Run, event_count: Callable[[], int]
) -> None:
    assert couple("retire", "Hourly hello").exit_code == 0
    before = event_count()
    result = couple("checkin", "Hourly hello", "--by", "sam")
    assert result.exit_code == REFUSED
    assert "retired" in result.stderr
    assert event_count() == before


def test_answering_your_own_repair_attempt_is_refused(
    couple: Run, event_count: Callable[[], int]
) -> None:
    made = couple("repair", "--by", "sam", "--kind", "apology")
    repair_id = made.output.split("(")[1].split(")")[0]
    before = event_count()
    result = couple("repair-response", repair_id, "--by", "sam", "--accepted")
    assert result.exit_code == REFUSED
    assert "other partner" in result.stderr
    assert event_count() == before


def test_a_second_check_in_for_the_same_occurrence_is_refused(
    couple: Run, event_count: Callable[[], int]
) -> None:
    assert couple("checkin", "Hourly hello", "--by", "sam").exit_code == 0
    before = event_count()
    result = couple("checkin", "Hourly hello", "--by", "sam", "--at", "2026-11-25T18:10")
    assert result.exit_code == REFUSED
    assert "already checked in" in result.stderr
    assert event_count() == before


def test_error_messages_never_repeat_the_private_text(couple: Run) -> None:
    secret = "my very private thought " * 300
    result = couple("checkin", "Hourly hello", "--by", "sam", "--note", secret)
    assert result.exit_code == USAGE
    assert "private thought" not in result.output


def test_help_never_touches_the_database(tmp_path: object) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from cli import cli

    target = Path(str(tmp_path)) / "never.db"
    result = CliRunner().invoke(
        cli, ["--db", f"sqlite:///{target}", "checkin", "--help"], obj=cli_at()
    )
    assert result.exit_code == 0
    assert not target.exists()
