"""`ritual forget`, `ritual export` and `ritual import` on the command line."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cli
from tests.moments import cli_at

NOTE = "Vivienne the quiet breakfast"
THANKS = "Winifred thank you for listening"


def ritual(db: Path, *args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(
        cli.cli, ["--db", f"sqlite:///{db}", *args], input=input, obj=cli_at()
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    return result


def events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM ritual_events").fetchone()[0])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    for args in (
        ["init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC"],
        ["add", "Morning check", "--cron", "30 7 * * *"],
        ["checkin", "Morning check", "--by", "sam", "--note", NOTE],
        ["appreciate", "--from", "alex", "--to", "sam", "--private", THANKS],
        ["capsule", "seal", "--by", "sam", "for later"],
    ):
        assert ritual(path, *args).exit_code == 0
    return path


def test_forget_asks_for_the_couple_s_name_and_a_wrong_answer_erases_nothing(db: Path) -> None:
    before = events(db)

    result = ritual(db, "forget", input="Sam and Alex\n")

    assert result.exit_code == 2
    assert "Type the couple's name" in result.stderr
    assert result.stderr.strip().endswith(
        "Error: that is not the couple's name, so nothing was done"
    )
    assert events(db) == before
    assert NOTE in ritual(db, "notes", "--as", "sam").stdout


def test_forget_with_the_couple_s_name_typed_erases_the_couple(db: Path) -> None:
    before = events(db)

    result = ritual(db, "forget", input="sam & alex\n")

    assert result.exit_code == 0, result.output
    assert "can no longer be read by anyone" in result.stdout
    assert events(db) == before + 1
    gone = ritual(db, "list")
    assert (gone.exit_code, gone.stderr) == (2, "Error: no couple yet; start with `ritual init`\n")


def test_forget_for_scripts_takes_the_name_as_an_option(db: Path) -> None:
    couple_id = json.loads(ritual(db, "couples", "--json").stdout)[0]["id"]

    assert ritual(db, "forget", "--yes-erase", "Sam & Alex").exit_code == 0

    result = ritual(db, "--couple", couple_id[:8], "list")
    assert result.exit_code == 2
    assert "erased at their request" in result.stderr


def test_forget_a_partner_erases_their_words_and_the_couple_carries_on(db: Path) -> None:
    result = ritual(db, "forget", "--partner", "alex", "--yes-erase", "alex")

    assert result.exit_code == 0, result.output
    assert "What alex wrote can no longer be read" in result.stdout
    assert ritual(db, "couples").stdout.count("sam") == 1
    assert "alex" not in ritual(db, "couples", "--json").stdout
    assert NOTE in ritual(db, "notes", "--as", "sam").stdout
    refused = ritual(db, "journal", "list", "--as", "alex")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: alex is no longer part of this couple\n",
    )


def test_forget_refuses_the_only_partner_left_and_writes_nothing(db: Path) -> None:
    ritual(db, "forget", "--partner", "alex", "--yes-erase", "alex")
    before = events(db)

    result = ritual(db, "forget", "--partner", "sam", "--yes-erase", "sam")

    assert result.exit_code == 1
    assert "only partner here" in result.stderr
    assert events(db) == before


def test_a_full_export_needs_the_couple_s_name_and_only_json(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "full.json"
    assert ritual(db, "export", "--full", "--out", str(out), input="no\n").exit_code == 2
    assert ritual(db, "export", "--full", "--format", "markdown").exit_code == 2
    assert ritual(db, "export", "--full", "--as", "sam").exit_code == 2
    assert not out.exists()

    result = ritual(db, "export", "--full", "--out", str(out), input="Sam & Alex\n")

    assert result.exit_code == 0, result.output
    assert "every private word" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    assert NOTE in text and THANKS in text and "for later" in text


def test_an_export_as_a_viewer_goes_to_the_screen_or_a_private_file(
    db: Path, tmp_path: Path
) -> None:
    shown = ritual(db, "export", "--as", "sam").stdout
    assert json.loads(shown)["viewer"] == "sam"
    assert NOTE in shown and THANKS not in shown

    out = tmp_path / "keepsake.md"
    assert (
        ritual(db, "--as", "alex", "export", "--format", "markdown", "--out", str(out)).exit_code
        == 0
    )
    keepsake = out.read_text()
    assert keepsake.startswith("# Sam & Alex")
    assert THANKS in keepsake and NOTE not in keepsake
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def comparable(db: Path, *args: str) -> Any:
    data = json.loads(ritual(db, *args, "--json").stdout)
    for item in data if isinstance(data, list) else [data]:
        item.pop("recorded_at", None)
    return data


def test_export_then_import_into_an_empty_database_gives_the_same_couple(
    db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "full.json"
    ritual(db, "export", "--full", "--yes-export", "Sam & Alex", "--out", str(out))
    copy = tmp_path / "b.db"

    result = ritual(copy, "import", str(out))

    assert result.exit_code == 0, result.output
    assert result.stdout == "Welcome back, Sam & Alex. Everything is in its place.\n"
    for viewer in ("sam", "alex"):
        for args in (["log", "--limit", "1000"], ["journal", "list"], ["notes"]):
            assert comparable(copy, "--as", viewer, *args) == comparable(db, "--as", viewer, *args)
    for args in (["list", "--all"], ["capsule", "list"], ["couples"]):
        assert comparable(copy, *args) == comparable(db, *args)


def test_import_refuses_what_is_not_an_export_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    before = events(db)
    for content in ("not json at all", json.dumps({"format": "something else"}), "\xff"):
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="latin-1")
        result = ritual(db, "import", str(path))
        assert (result.exit_code, result.stderr) == (
            2,
            "Error: that file is not a ritual-engine export\n",
        )
    assert events(db) == before


def test_import_refuses_a_database_that_already_holds_the_couple(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "full.json"
    ritual(db, "export", "--full", "--yes-export", "Sam & Alex", "--out", str(out))
    before = events(db)

    result = ritual(db, "import", str(out))

    assert result.exit_code == 1
    assert "already holds that couple" in result.stderr
    assert events(db) == before


def test_help_for_the_privacy_commands_never_opens_the_database(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    for command in (["forget"], ["export"], ["import"], ["notes"], ["journal", "list"]):
        assert ritual(db, *command, "--help").exit_code == 0
    assert not db.exists()
