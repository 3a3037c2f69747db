"""The root group loads each command from its topic module only when it runs; `--help`
lists every command from the table without importing one of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import cli
from tests.moments import cli_at

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_each_table_entry_loads_the_command_it_names_with_the_short_help_it_shows(
    name: str,
) -> None:
    command = cli.cli.get_command(click.Context(cli.cli), name)
    assert command is not None
    assert command.name == name
    assert command.get_short_help_str(10_000) == cli.COMMANDS[name][1]


def test_an_unknown_command_is_a_one_line_usage_error() -> None:
    result = CliRunner().invoke(cli.cli, ["chekin"], obj=cli_at())
    assert result.exit_code == 2
    assert "No such command 'chekin'" in result.output


def test_the_help_lists_every_command_the_way_click_would_from_the_commands_themselves() -> None:
    eager = click.Group(
        "cli",
        commands={name: cli.cli.get_command(click.Context(cli.cli), name) for name in cli.COMMANDS},
    )
    ctx = click.Context(cli.cli, info_name="ritual")
    listed = click.HelpFormatter(width=80)
    cli.cli.format_commands(ctx, listed)
    expected = click.HelpFormatter(width=80)
    eager.format_commands(click.Context(eager), expected)
    assert listed.getvalue() == expected.getvalue()
    assert all(f"  {name} " in listed.getvalue() for name in cli.COMMANDS)


@pytest.mark.slow
def test_the_help_imports_no_command_module() -> None:
    probe = (
        "import sys, cli\n"
        "try:\n"
        "    cli.cli.main(['--help'], prog_name='ritual')\n"
        "except SystemExit:\n"
        "    pass\n"
        "shared = {'engine.cli', 'engine.cli.options', 'engine.cli.parsing',\n"
        "          'engine.cli.resolve', 'engine.cli.state'}\n"
        "print(sorted(m for m in sys.modules if m.startswith('engine.cli') and m not in shared))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


HEAVY = (
    "icalendar",
    "engine.export",
    "engine.services.portability",
    "engine.calendar.ics",
    "croniter",
    "sqlalchemy",
    "alembic",
)
"""What only feeds, exports, imports and unusual schedules (the last day, the nth weekday)
need, and the database toolkit that only PostgreSQL, a host's engine and migrations need:
a command on the SQLite file that does none of them never loads it."""

COMMAND_PROBE = """
import json, sys
from click.testing import CliRunner
import cli
from tests.moments import cli_at
url, setup = sys.argv[1], sys.argv[2] == "setup"
runner = CliRunner()
steps = (
    (["init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex",
      "--tz", "Europe/Berlin"],
     ["add", "Morning check", "--cron", "30 7 * * *"],
     ["add", "Journal", "--per-week", "3"])
    if setup else (sys.argv[3:],)
)
for args in steps:
    done = runner.invoke(cli.cli, ["--db", url, *args], obj=cli_at())
    assert done.exit_code == 0, done.output
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_by(tmp_path: Path, *args: str) -> list[str]:
    """The modules a fresh process loads to run ``args`` on a database made before (by
    another process, as a user's first `ritual init` is)."""
    url = f"sqlite:///{tmp_path / 'lazy.db'}"
    env = {**os.environ, "RITUAL_MASTER_KEY_FILE": str(tmp_path / "master.key")}
    found: list[str] = []
    for step in (["setup"], ["run", *args]):
        done = subprocess.run(
            [sys.executable, "-c", COMMAND_PROBE, url, *step],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("list",), ("checkin", "Morning check", "--by", "sam"), ("status",)],
    ids=["list", "checkin", "status"],
)
def test_a_command_loads_no_feed_or_export_code(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = _loaded_by(tmp_path, *args)
    assert [m for m in loaded if m.startswith(HEAVY)] == []


UNTOUCHED_SERVICES = tuple(
    f"engine.services.{topic}"
    for topic in ("sharing", "invites", "page", "undo", "privacy", "journal", "connection")
)
"""Services that listing, checking in and the status never call: the facade makes each
service (and imports its module, its views and its events) on first use."""


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("list",), ("checkin", "Morning check", "--by", "sam"), ("status",), ("feed",)],
    ids=["list", "checkin", "status", "feed"],
)
def test_a_command_loads_only_the_services_it_calls(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = _loaded_by(tmp_path, *args)
    assert [m for m in loaded if m.startswith(UNTOUCHED_SERVICES)] == []
    assert "engine.services.rituals" in loaded  # the probe does see the services it loads


@pytest.mark.slow
def test_a_feed_loads_the_calendar_library_it_renders_with(tmp_path: Path) -> None:
    loaded = _loaded_by(tmp_path, "feed")
    assert "icalendar" in loaded
    assert not [m for m in loaded if m.startswith(("engine.export", "sqlalchemy"))]


PLAN_CODE = ("engine.services.plans", "engine.domain.plan", "engine.catalog.plans")


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("list",), ("checkin", "Morning check", "--by", "sam"), ("feed",)],
    ids=["list", "checkin", "feed"],
)
def test_a_couple_without_a_plan_never_loads_the_plan_code(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    loaded = _loaded_by(tmp_path, *args)
    assert [m for m in loaded if m.startswith(PLAN_CODE)] == []
    assert "engine.catalog.rituals" in loaded  # while the ritual templates are there


def test_the_console_entry_point_keeps_the_exit_code_and_restores_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["ritual", "no-such-command"])
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main()
    finally:
        gc.unfreeze()
    assert exited.value.code == 2
    assert gc.get_threshold() == before
