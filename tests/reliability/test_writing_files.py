"""`feed --out` and `export --out` never damage what is at the path they are given.

Symlinks, folders, device nodes and FIFOs are refused with one line and left exactly
as they were; an existing regular file keeps its content and mode until a complete
new file replaces it in one rename, and a failed write leaves it untouched with no
temporary file behind; `-` prints to stdout and never creates a file named `-`.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli
from tests.moments import cli_at

Run = Callable[..., Result]
WRITERS = {
    "feed": ("feed",),
    "export": ("export",),
    "full export": ("export", "--full", "--yes-export", "Sam & Alex"),
}


@pytest.fixture
def ritual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'rituals.db'}"

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False, obj=cli_at())

    init = ("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    assert run(*init).exit_code == 0
    assert run("add", "Walk", "--cron", "0 7 * * *").exit_code == 0
    assert run("checkin", "Walk", "--by", "sam", "--note", "Zephyrine slow walk").exit_code == 0
    return run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def refused(result: Result) -> None:
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_symlink_folder_device_or_fifo_is_refused_and_left_as_it_was(
    ritual: Run, tmp_path: Path, writer: str
) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file\n")
    elsewhere.chmod(0o644)
    link = tmp_path / "link.ics"
    link.symlink_to(elsewhere)
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    for target in (link, folder, fifo, Path("/dev/null")):
        refused(ritual(*WRITERS[writer], "--out", str(target)))

    assert link.is_symlink() and link.readlink() == elsewhere
    assert elsewhere.read_text() == "someone else's file\n" and mode(elsewhere) == 0o644
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert stat.S_ISCHR(Path("/dev/null").lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")) == []


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_failed_write_changes_neither_the_content_nor_the_mode_of_the_file_there(
    ritual: Run, tmp_path: Path, writer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    there = tmp_path / "out.txt"
    there.write_text("what was here\n")
    there.chmod(0o644)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = ritual(*WRITERS[writer], "--out", str(there))

    assert result.exit_code == 1 and "nothing was changed" in result.stderr
    assert there.read_text() == "what was here\n" and mode(there) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_an_export_replaces_a_regular_file_readable_by_its_owner_only_and_a_feed_keeps_its_mode(
    ritual: Run, tmp_path: Path
) -> None:
    export, feed = tmp_path / "export.json", tmp_path / "feed.ics"
    for path in (export, feed):
        path.write_text("old\n")
        path.chmod(0o644)

    assert ritual("export", "--out", str(export)).exit_code == 0
    assert ritual("feed", "--out", str(feed)).exit_code == 0

    assert json.loads(export.read_text())["format"] == "ritual-engine-export"
    assert mode(export) == 0o600
    assert feed.read_text().startswith("BEGIN:VCALENDAR") and mode(feed) == 0o644


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_dash_prints_to_stdout_and_makes_no_file(
    ritual: Run, tmp_path: Path, writer: str
) -> None:
    before = set(tmp_path.iterdir())
    result = ritual(*WRITERS[writer], "--out", "-")
    assert result.exit_code == 0
    if writer == "feed":
        assert result.stdout.startswith("BEGIN:VCALENDAR")
    else:
        assert json.loads(result.stdout)["format"] == "ritual-engine-export"
    assert not (tmp_path / "-").exists() and set(tmp_path.iterdir()) == before
