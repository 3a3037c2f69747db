"""Every terminal session the README and the docs pages show prints what they show.

A ```` ```console ```` block is a session: each ``$ ritual ...`` line runs in-process at
the fixed moment :data:`tests.moments.CLI_NOW` (Wednesday 25 November 2026, 18:30 in
Berlin), and the lines under it are what the command must print, line for line. A line
``...`` stands for any number of printed lines. The blocks of one page share one
temporary database, in order, and a block that begins with ``ritual init`` starts a
fresh one. Random values are the only thing not compared literally: an 8-character
short id, a UUID or a 43-character link token shown in the text matches any the command
printed in its place (the same shown value always standing for the same printed one),
and a later command that quotes a shown id (or its first 4 or more characters) is given
the real one.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from tests.moments import cli_at

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
RANDOM = re.compile(
    r"(?P<uuid>\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)"
    r"|(?P<token>(?<=/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-]))"
    r"|(?P<short>\b[0-9a-f]{8}\b)"
)
"""What differs from run to run: a UUID, a 43-character link token, an 8-character short id."""
CAPTURE = {
    "uuid": "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    "token": "([A-Za-z0-9_-]{43})",
    "short": "([0-9a-f]{8})",
}
ANY_LINES = "..."


@dataclass
class Step:
    """One command of a session and the lines it is shown printing."""

    page: str
    line: int
    command: str
    shown: list[str] = field(default_factory=list)


def console_blocks(text: str) -> list[tuple[int, list[str]]]:
    """The ```console blocks of a Markdown text: (line number of the fence, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    inside: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if inside is None and stripped == "```console":
            inside = []
            blocks.append((number, inside))
        elif inside is not None and stripped == "```":
            inside = None
        elif inside is not None:
            inside.append(line)
    return blocks


def sessions(path: Path) -> list[list[Step]]:
    """The page's sessions: runs of steps that share one database."""
    name = str(path.relative_to(ROOT))
    found: list[list[Step]] = []
    for fence, lines in console_blocks(path.read_text()):
        steps: list[Step] = []
        for offset, line in enumerate(lines, start=1):
            if line.startswith("$ "):
                steps.append(Step(name, fence + offset, line[2:]))
            elif steps:
                steps[-1].shown.append(line)
            else:
                raise AssertionError(f"{name}:{fence + offset}: output before any command")
        if not steps:
            continue
        if not found or steps[0].command.startswith("ritual init"):
            found.append(steps)
        else:
            found[-1].extend(steps)
    return found


def every_session() -> list[object]:
    return [
        pytest.param(steps, id=f"{steps[0].page}:{steps[0].line}")
        for page in PAGES
        for steps in sessions(page)
    ]


def shown_pattern(line: str) -> re.Pattern[str]:
    """A shown output line as a pattern: literal, except random values, which capture."""
    pattern, last = "", 0
    for match in RANDOM.finditer(line):
        pattern += re.escape(line[last : match.start()]) + CAPTURE[str(match.lastgroup)]
        last = match.end()
    return re.compile(pattern + re.escape(line[last:]))


def matches(shown: list[str], printed: list[str], names: dict[str, str]) -> bool:
    """Whether ``printed`` is ``shown`` (``...`` skipping lines), binding shown ids to
    the printed ones in ``names`` consistently."""
    if not shown:
        return not printed
    head, rest = shown[0], shown[1:]
    if head == ANY_LINES:
        return any(matches(rest, printed[i:], names) for i in range(len(printed) + 1))
    if not printed:
        return False
    found = shown_pattern(head).fullmatch(printed[0])
    if found is None:
        return False
    placeholders = [m.group() for m in RANDOM.finditer(head)]
    bound = dict(names)
    for placeholder, real in zip(placeholders, found.groups(), strict=True):
        if bound.setdefault(placeholder, real) != real:
            return False
    if matches(rest, printed[1:], bound):
        names.update(bound)
        return True
    return False


def real_word(word: str, names: dict[str, str]) -> str:
    """A command's word with a shown id (or a prefix of one, 4 characters or more) turned
    into the id the session really printed."""
    if word in names:
        return names[word]
    starts = [shown for shown in names if len(word) >= 4 and shown.startswith(word)]
    return names[starts[0]][: len(word)] if len(starts) == 1 else word


def test_the_readme_and_the_docs_show_sessions() -> None:
    pages = {steps[0].page for page in PAGES for steps in sessions(page)}
    assert "README.md" in pages
    assert len(pages) >= 5, pages


@pytest.mark.parametrize("steps", every_session())
def test_a_documented_session_prints_what_it_shows(
    steps: list[Step], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'rituals.db'}"
    names: dict[str, str] = {}
    for step in steps:
        words = shlex.split(step.command, comments=True)
        assert words[0] == "ritual", f"{step.page}:{step.line}: only `ritual` runs here"
        words = [real_word(word, names) for word in words[1:]]
        got = runner.invoke(cli, ["--db", db, *words], obj=cli_at(), prog_name="ritual")
        printed = got.output.splitlines()
        where = f"{step.page}:{step.line}: $ {step.command}"
        assert got.exit_code == 0 or any(s.startswith("Error:") for s in step.shown), (
            f"{where}\nexit {got.exit_code}: {got.output}"
        )
        assert matches(step.shown, printed, names), (
            f"{where}\nshown:\n" + "\n".join(step.shown) + "\nprinted:\n" + "\n".join(printed)
        )
