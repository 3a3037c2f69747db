"""Smaller holes: huge numbers, control characters echoed in errors, token hashes in
per-viewer exports, and reads that created a database at a mistyped path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli
from tests.moments import cli_at

Run = Callable[..., Result]
HUGE = "9" * 5000


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, obj=cli_at())


@pytest.fixture
def ritual(tmp_path: Path) -> Run:
    url = f"sqlite:///{tmp_path / 'rituals.db'}"

    def run(*args: str) -> Result:
        return invoke("--db", url, *args)

    init = ("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    assert run(*init).exit_code == 0
    assert run("add", "Walk", "--cron", "0 7 * * *").exit_code == 0
    return run


def one_clear_line(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == "" and result.stderr.startswith("Error: ")
    line = result.stderr.removesuffix("\n")
    assert "\n" not in line and line.isprintable() and len(line) < 400
    return line


HUGE_NUMBERS = [
    ("add", "Long", "--cron", "0 7 * * *", "--duration", HUGE),
    ("add", "Long", "--cron", "0 7 * * *", "--duration", f"{HUGE}m"),
    ("add", "Long", "--cron", "0 7 * * *", "--duration", f"1h{HUGE}s"),
    ("add", "Long", "--cron", "0 7 * * *", "--reminder", HUGE),
    ("add", "Long", "--per-week", HUGE),
    ("edit", "Walk", "--duration", HUGE),
    ("checkin", "Walk", "--by", "sam", "--closeness", HUGE),
    ("feed", "--days-back", HUGE),
    ("feed", "--days-ahead", f"-{HUGE}"),
    ("log", "--limit", HUGE),
    ("next", "--days", HUGE),
    ("insights", "--weeks", HUGE),
    ("settings", "--freezes", HUGE),
]


@pytest.mark.parametrize("args", HUGE_NUMBERS, ids=lambda a: " ".join(a[:1] + a[-2:-1]))
def test_a_five_thousand_digit_number_is_one_short_line(ritual: Run, args: tuple[str, ...]) -> None:
    one_clear_line(ritual(*args))


CONTROL = [
    ("checkin", "Walk\nERROR: forged second line", "--by", "sam"),
    ("checkin", "Walk", "--by", "sam\r\x1b[2Kforged"),
    ("--as", "alex\x1b]0;title\x07", "notes"),
    ("--couple", "Sam\u2028& Alex", "list"),
    ("share", "revoke", "ab\tcd\x00"),
    ("journal", "share", "\x1b[31mred", "--by", "sam"),
]


@pytest.mark.parametrize("args", CONTROL, ids=range(len(CONTROL)))
def test_errors_never_echo_raw_newlines_or_control_characters(
    ritual: Run, args: tuple[str, ...]
) -> None:
    line = one_clear_line(ritual(*args))
    assert not any(ch in line for ch in "\r\x1b\x07\x00\t\u2028")


def test_a_per_viewer_export_holds_no_token_hash_but_a_full_export_does(ritual: Run) -> None:
    shared = ritual("share", "--label", "Kitchen tablet")
    assert shared.exit_code == 0
    full = json.loads(ritual("export", "--full", "--yes-export", "Sam & Alex").stdout)
    (issued,) = [e for e in full["events"] if e["type"] == "sharing.link_issued"]
    token_hash = issued["data"]["token_hash"]
    assert len(token_hash) == 64  # a full export keeps it, so an import keeps the link working
    for viewer in ([], ["--as", "sam"], ["--as", "alex"]):
        doc = json.loads(ritual("export", *viewer).stdout)
        (issued,) = [e for e in doc["events"] if e["type"] == "sharing.link_issued"]
        assert "token_hash" not in issued["data"] and "token_hash" in issued["hidden"]
        assert token_hash not in json.dumps(doc)
        assert issued["data"]["label"] == "Kitchen tablet"


READS = [
    ("list",),
    ("status",),
    ("streaks",),
    ("feed",),
    ("log",),
    ("notes", "--as", "sam"),
    ("export",),
    ("couples",),
    ("share", "list"),
    ("db", "current"),
    ("rebuild",),
    ("checkin", "Walk", "--by", "sam"),
]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_command_on_a_mistyped_sqlite_path_says_there_is_no_database_and_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "typo" / "ritals.db"
    line = one_clear_line(invoke("--db", f"sqlite:///{missing}", *args), code=1)
    assert "there is no ritual database at" in line
    assert not missing.parent.exists()


def test_init_import_and_db_upgrade_may_create_the_database(tmp_path: Path) -> None:
    for name, args in {
        "a": ("init", "--name", "Kim & Lee", "--partner", "kim", "--tz", "UTC"),
        "b": ("db", "upgrade"),
    }.items():
        path = tmp_path / name / "rituals.db"
        assert invoke("--db", f"sqlite:///{path}", *args).exit_code == 0
        assert path.is_file()
