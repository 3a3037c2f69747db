"""Reading as someone on the command line, and no private text where it does not belong.

The scenario writes texts whose readers are known, then runs every command. Each
output, error and log line may hold only the texts its reader may read, and only a
command that exists to show texts may hold any.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import cli
from engine import Engine
from engine.events.sealing import TOKEN_PREFIX
from tests.moments import cli_at, cli_clock

EVERYONE = frozenset({None, "sam", "alex"})
TEXTS: dict[str, frozenset[str | None]] = {
    "Lindqvist sam's own note": frozenset({"sam"}),
    "Margarethe alex's shared note": EVERYONE,
    "Ottoline sam keeps this thanks": frozenset({"sam"}),
    "Perpetua alex thanks sam openly": EVERYONE,
    "Quenby a letter for later": frozenset(),  # a sealed capsule: nobody yet
    "Rosalind we name the feeling first": EVERYONE,  # a ground rule
    "Sigourney alex is sorry": frozenset({"alex"}),  # a repair note
    "Tamsin a long trip": frozenset({"alex"}),  # a skip reason: its author's
}
TEXT_READERS = {"journal list", "notes", "export", "rules show", "capsule open"}
"""Commands that exist to show texts; every other command shows none."""

READ_COMMANDS = {
    ("list",): ["--all", "--json"],
    ("couples",): ["--json"],
    ("settings",): ["--json"],
    ("rules", "show"): ["--json"],
    ("log",): ["--limit", "1000", "--json"],
    ("journal", "list"): ["--json"],
    ("notes",): ["--json"],
    ("capsule", "list"): ["--json"],
    ("export",): ["--format", "markdown"],
    ("db", "current"): [],
    ("catalog",): ["--json"],
    ("next",): ["--days", "30", "--json"],
    ("feed",): [],
    ("insights",): ["--json"],
    ("streaks",): ["--json"],
    ("plan", "list"): ["--json"],
    ("plan", "status"): ["--json"],
    ("share", "list"): ["--all", "--json"],
    ("invite", "list"): ["--all", "--json"],
    ("status",): ["--json"],
}
"""Every command that reads, with the options that change what it shows."""

OWN_AS_OPTION = {("log",), ("journal", "list"), ("notes",), ("capsule", "list"), ("export",)}

WRITE_COMMANDS = {
    "add", "appreciate", "capsule open", "capsule seal", "checkin", "db upgrade", "edit",
    "forget", "import", "init", "journal share", "partner add", "partner rename",
    "partner set-zone", "partner clear-zone", "pause",
    "repair", "repair-response", "resume", "retire", "rules set", "skip", "timeout call",
    "timeout end", "plan start", "plan done", "plan extend", "plan pause", "plan resume",
    "plan finish", "rebuild", "share revoke", "serve", "tick", "undo", "invite revoke",
}  # fmt: skip


def only(eng: Engine) -> str:
    """The id of the one couple this engine holds (the library takes ids, never guesses)."""
    (couple,) = eng.couples()
    return couple.id


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name))


@dataclass
class Session:
    """Runs `ritual` against one database and keeps every output it produced."""

    db: Path
    runner: CliRunner = field(default_factory=CliRunner)
    seen: list[tuple[str, str | None, Result]] = field(default_factory=list)

    def run(self, *args: str, viewer: str | None = None, input: str | None = None) -> Result:
        result = self.runner.invoke(
            cli.cli, ["--db", f"sqlite:///{self.db}", *args], input=input, obj=cli_at()
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        self.seen.append((command_of(args), viewer, result))
        return result

    def ok(self, *args: str, viewer: str | None = None) -> Result:
        result = self.run(*args, viewer=viewer)
        assert result.exit_code == 0, result.output
        return result

    def events(self) -> int:
        with sqlite3.connect(self.db) as conn:
            return int(conn.execute("SELECT count(*) FROM ritual_events").fetchone()[0])


def command_of(args: Sequence[str]) -> str:
    """The command an argument list runs, past the group's options (``--as sam``)."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:]
    two = " ".join(rest[:2])
    return two if two in set(all_commands(cli.cli)) else " ".join(rest[:1])


@pytest.fixture
def session(tmp_path: Path) -> Session:
    s = Session(tmp_path / "x.db")
    s.ok("init", "--name", "Sam & Alex", "--partner", "sam", "--partner", "alex", "--tz", "UTC")
    s.ok("add", "Morning check", "--cron", "30 7 * * *", "--prompt", "How did you sleep?")
    s.ok("add", "Evening walk", "--cron", "0 19 * * *")
    notes = list(TEXTS)
    s.ok("checkin", "Morning check", "--by", "sam", "--note", notes[0])
    s.ok("checkin", "Morning check", "--by", "alex", "--note", notes[1], "--share-note")
    s.ok("appreciate", "--from", "sam", "--to", "alex", "--private", notes[2])
    s.ok("appreciate", "--from", "alex", "--to", "sam", notes[3])
    s.ok("capsule", "seal", "--by", "sam", notes[4])
    s.ok("rules", "set", notes[5])
    s.ok("repair", "--by", "alex", "--kind", "apology", "--note", notes[6])
    s.ok("skip", "Evening walk", "--by", "alex", "--reason", notes[7])
    return s


def assert_every_text_in_its_place(
    session: Session, extra: dict[str, frozenset[str | None]] | None = None
) -> None:
    """Each output holds a text only if its command shows texts and its reader may read it."""
    for command, viewer, result in session.seen:
        for text, readers in {**TEXTS, **(extra or {})}.items():
            if text in result.stdout or text in result.stderr:
                assert command in TEXT_READERS and viewer in readers, (command, viewer, text)


def read_variants() -> Iterator[tuple[str | None, list[str]]]:
    """Every read command as each viewer: with the group's --as, the command's, or neither."""
    for command, options in READ_COMMANDS.items():
        for extra in ([], options):
            yield None, [*command, *extra]
            for viewer in ("sam", "alex"):
                yield viewer, ["--as", viewer, *command, *extra]
                if command in OWN_AS_OPTION:
                    yield viewer, [*command, *extra, "--as", viewer]


def test_every_command_is_listed_as_reading_or_writing() -> None:
    reading = {" ".join(c) for c in READ_COMMANDS}
    assert reading | WRITE_COMMANDS == set(all_commands(cli.cli))


def test_a_private_entry_is_invisible_to_the_other_partner_through_every_read_path(
    session: Session,
) -> None:
    for viewer, args in read_variants():
        session.ok(*args, viewer=viewer)
    with Engine.open(f"sqlite:///{session.db}", clock=cli_clock()) as eng:
        for viewer in (None, "sam", "alex"):
            api_outputs = [
                eng.history(only(eng), limit=1000, viewer=viewer),
                eng.journal(only(eng), viewer=viewer),
                eng.notes(only(eng), viewer=viewer),
                eng.capsules(only(eng), viewer=viewer),
                eng.export_data(only(eng), viewer=viewer),
                eng.export_markdown(only(eng), viewer=viewer),
            ]
            for text, readers in TEXTS.items():
                assert (text in repr(api_outputs)) == (viewer in readers), (viewer, text)

    assert_every_text_in_its_place(session)
    for command, viewer, result in session.seen:
        if command == "export":  # the keepsake shows all that its reader may read
            shown = {t for t in TEXTS if t in result.stdout}
            assert shown == {t for t, readers in TEXTS.items() if viewer in readers}


def test_json_listings_have_stable_keys(session: Session) -> None:
    (entry,) = json.loads(session.ok("journal", "list", "--json").stdout)
    assert set(entry) == {"id", "short_id", "author", "recipient", "text", "shared", "written_at"}
    notes = json.loads(session.ok("notes", "--json", "--as", "alex").stdout)
    assert {n["kind"] for n in notes} == {"check-in", "skip", "repair"}
    assert set(notes[0]) == {"kind", "author", "ritual_id", "ritual", "text", "shared", "at"}


def test_reading_as_someone_outside_the_couple_is_a_usage_error(session: Session) -> None:
    for args in (["--as", "zoe", "notes"], ["journal", "list", "--as", "zoe"]):
        result = session.run(*args)
        assert result.exit_code == 2
        assert result.stderr.strip() == "Error: unknown partner 'zoe'"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement it runs
    caplog.set_level(logging.DEBUG, logger="engine.sql")  # and on the standard sqlite3
    return caplog


def test_no_output_error_or_log_line_carries_a_text_its_reader_may_not_read(
    debug_logs: pytest.LogCaptureFixture, session: Session, tmp_path: Path
) -> None:
    secret = "Ulrike never to be echoed"
    before = session.events()
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps({"format": "ritual-engine-export", "note": secret}))
    failing = [
        ["checkin", "Morning check", "--by", "zoe", "--note", secret],
        ["checkin", "Morning check", "--by", "sam", "--at", "2026-11-25T07:40", "--note", secret],
        ["checkin", "Evening walk", "--by", "sam", "--note", secret * 200],
        ["appreciate", "--from", "sam", "--to", "sam", secret],
        ["appreciate", "--from", "sam", "--to", "alex", "\x07" + secret],
        ["capsule", "seal", "--by", "sam", "--opens", "2001-01-01", secret],
        ["rules", "set", secret * 20],
        ["repair", "--by", "sam", "--kind", "shouting", "--note", secret],
        ["forget", "--yes-erase", secret],
        ["forget", "--partner", "sam", "--yes-erase", secret],
        ["export", "--full", "--yes-export", secret],
        ["export", "--full", "--as", "sam"],
        ["import", str(damaged)],
        ["--as", "zoe", "notes"],
    ]
    for args in failing:
        assert session.run(*args).exit_code in (1, 2), args
    capsule_id = json.loads(session.ok("capsule", "list", "--json").stdout)[0]["id"]
    assert session.run("capsule", "open", capsule_id, "--by", "alex").exit_code == 1
    for viewer, args in read_variants():
        session.ok(*args, viewer=viewer)
    assert session.events() == before

    assert_every_text_in_its_place(session, {secret: frozenset()})
    logged = "\n".join(
        r.getMessage() for when in ("setup", "call") for r in debug_logs.get_records(when)
    )
    assert "INSERT INTO ritual_events" in logged and "INSERT INTO ritual_data_keys" in logged
    assert TOKEN_PREFIX not in logged  # no payload, sealed or not, and no key bytes
    assert not [t for t in (*TEXTS, secret) if t in logged]
