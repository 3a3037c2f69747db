"""The `ritual` command line: the root group, the one place errors become exit codes, and the
console entry point. The commands live in ``engine.cli``, one module per topic, and are
imported only when they run, so ``ritual --help`` stays quick and never touches the database.

Errors from the engine become one line on stderr: invalid input exits with 2 (a usage
error), a reused idempotency key with 3, every other engine error with 1.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

from engine.cli.options import viewer_option
from engine.cli.state import CliSeams, CliState
from engine.errors import IdempotencyConflict, InvalidInput, RitualError

__all__ = ["COMMANDS", "CliSeams", "CliState", "RitualGroup", "cli", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    "add": (
        "engine.cli.rituals:add_command",
        "Add a ritual called TITLE.",
    ),
    "appreciate": (
        "engine.cli.connection:appreciate_command",
        "Write an appreciation TEXT for your partner.",
    ),
    "capsule": (
        "engine.cli.capsules:capsule_group",
        "Time capsules: letters to open in a few months.",
    ),
    "catalog": (
        "engine.cli.calendar:catalog_command",
        "List the ritual templates to start from (use one with `ritual add --template KEY`).",
    ),
    "checkin": (
        "engine.cli.checkins:checkin_command",
        "Record that RITUAL happened.",
    ),
    "couples": (
        "engine.cli.couples:couples_command",
        "List the couples in this database.",
    ),
    "db": (
        "engine.cli.history:db_group",
        "The database schema.",
    ),
    "edit": (
        "engine.cli.rituals:edit_command",
        "Change RITUAL from now on (its history keeps the old version).",
    ),
    "export": (
        "engine.cli.privacy:export_command",
        "Export what you may see (or, with --full, everything) as JSON or Markdown.",
    ),
    "feed": (
        "engine.cli.calendar:feed_command",
        "Print your rituals as an iCalendar feed (or save it with --out).",
    ),
    "forget": (
        "engine.cli.privacy:forget_command",
        "Erase the couple for good (or, with --partner, one partner's own words).",
    ),
    "import": (
        "engine.cli.privacy:import_command",
        "Bring a couple back from a full JSON export (into a database without them).",
    ),
    "init": (
        "engine.cli.couples:init_command",
        "Create a couple (and the database, on first use).",
    ),
    "insights": (
        "engine.cli.insights:insights_command",
        "Your practice week by week, and anything worth a gentle look together.",
    ),
    "invite": (
        "engine.cli.invites:invite_group",
        "Invite a partner to their own page on their phone; list or revoke invites.",
    ),
    "journal": (
        "engine.cli.journal:journal_group",
        "Your private appreciation journal.",
    ),
    "list": (
        "engine.cli.rituals:list_command",
        "List the couple's rituals.",
    ),
    "log": (
        "engine.cli.history:log_command",
        "Show the event history, newest first (without any private text).",
    ),
    "next": (
        "engine.cli.calendar:next_command",
        "Show what comes next across your rituals, in your local time.",
    ),
    "notes": (
        "engine.cli.journal:notes_command",
        "The notes you may read: your own, shared check-in notes, and reasons for skips.",
    ),
    "partner": (
        "engine.cli.couples:partner_group",
        "Add partners, change their display names or the time zone they live in.",
    ),
    "pause": (
        "engine.cli.rituals:pause_command",
        "Pause RITUAL; paused occurrences simply do not exist.",
    ),
    "plan": (
        "engine.cli.plans:plan_group",
        "A plan of weeks, each with a theme, a few tasks and new rituals.",
    ),
    "rebuild": (
        "engine.cli.history:rebuild_command",
        "Drop the read models and fold the whole event log into them again.",
    ),
    "repair": (
        "engine.cli.connection:repair_command",
        "Record a repair attempt after a hurt.",
    ),
    "repair-response": (
        "engine.cli.connection:repair_response_command",
        "Answer a repair attempt REPAIR_ID.",
    ),
    "resume": (
        "engine.cli.rituals:resume_command",
        "Resume a paused RITUAL.",
    ),
    "retire": (
        "engine.cli.rituals:retire_command",
        "Retire RITUAL for good; its history stays.",
    ),
    "rules": (
        "engine.cli.connection:rules_group",
        "Your ground rules for difficult talks.",
    ),
    "serve": (
        "engine.cli.sharing:serve_command",
        "Serve the calendar feeds and the partners' pages over HTTP until stopped (Ctrl-C);"
        " logs go to stderr.",
    ),
    "settings": (
        "engine.cli.couples:settings_command",
        "Show or change the couple's settings.",
    ),
    "share": (
        "engine.cli.sharing:share_group",
        "Issue a calendar subscription link; list or revoke links.",
    ),
    "skip": (
        "engine.cli.checkins:skip_command",
        "Let an occurrence of RITUAL go, or every one of an absence; skips never break a streak.",
    ),
    "status": (
        "engine.cli.status:status_command",
        "Today at a glance: rituals, streaks, the plan, the last 12 weeks, anything to look at.",
    ),
    "streaks": (
        "engine.cli.streaks:streaks_command",
        "How each ritual is going: streaks, strength and this week's progress.",
    ),
    "tick": (
        "engine.cli.plans:tick_command",
        "Record what time has brought about: a plan week that began adds its rituals, a"
        " finished plan retires what it let go (every command does this for what it touches;"
        " `ritual serve` does it every few minutes).",
    ),
    "timeout": (
        "engine.cli.connection:timeout_group",
        "Call or end a pause in a difficult talk.",
    ),
    "undo": (
        "engine.cli.checkins:undo_command",
        "Take back your newest entry of the last 7 days, or ENTRY_ID (see `ritual log`).",
    ),
}
"""Each command: where it lives (``module:attribute``) and its short help for ``--help``
(the first sentence of its docstring; a test keeps the two the same)."""


class EngineFailure(click.ClickException):
    """An engine error shown as one line; exit code 1."""

    exit_code = 1


class EngineUsageError(EngineFailure):
    """Invalid input shown as one line; exit code 2, like click's own usage errors."""

    exit_code = 2


class EngineConflict(EngineFailure):
    """An idempotency key reused for another command; exit code 3, so that a script tells
    it apart from a refusal."""

    exit_code = IdempotencyConflict.exit_code


LONGEST_WORD = 200
"""Characters of one quoted word kept in a message; a 5,000-digit number is cut short."""


def one_line(message: str) -> str:
    """``message`` as one printable line: a newline, tab, escape or other control (or
    invisible formatting) character a user typed is shown escaped, never acted on, and a
    word longer than :data:`LONGEST_WORD` (a huge number) is cut to its two ends."""
    if not message.isprintable():
        message = "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
            for ch in message
        )
    if len(message) > LONGEST_WORD:
        message = " ".join(
            f"{w[:20]}...{w[-20:]} ({len(w):,} characters)" if len(w) > LONGEST_WORD else w
            for w in message.split(" ")
        )
    return message


class RitualGroup(click.Group):
    """The root group: loads each command from its module when it is asked for, and
    translates engine errors to exit codes, in one place.

    Click's own usage errors (a missing option, a number out of range, an unreadable
    file) become one line too, pointing at the command's help. Every message leaves
    here as one printable line (:func:`one_line`), whatever input it quotes.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, from the table: no command module is imported."""
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=short).get_short_help_str(width))
            for name, (_, short) in sorted(COMMANDS.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            raise EngineUsageError(one_line(str(exc))) from None
        except IdempotencyConflict as exc:
            raise EngineConflict(one_line(str(exc))) from None
        except RitualError as exc:
            raise EngineFailure(one_line(str(exc))) from None
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else ctx.command_path
            message = exc.format_message().rstrip(".")
            raise EngineUsageError(one_line(f"{message}; see `{path} --help`")) from None
        except click.ClickException as exc:
            if one_line(exc.message) == exc.message:
                raise
            kind = (
                EngineUsageError if exc.exit_code == EngineUsageError.exit_code else EngineFailure
            )
            raise kind(one_line(exc.message)) from None


@click.group(cls=RitualGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL", help="SQLAlchemy database URL [env: RITUAL_DB].")
@click.option("--couple", metavar="NAME", help="Couple name or id [env: RITUAL_COUPLE].")
@click.option(
    "--idempotency-key",
    "idempotency_key",
    metavar="KEY",
    envvar="RITUAL_IDEMPOTENCY_KEY",
    help="Run this command at most once: run it again with the same KEY (after a lost "
    "reply, say) and nothing is stored twice [env: RITUAL_IDEMPOTENCY_KEY].",
)
@viewer_option
@click.version_option(package_name="ritual-engine")
@click.pass_context
def cli(
    ctx: click.Context,
    db_url: str | None,
    couple: str | None,
    idempotency_key: str | None,
    viewer: str | None,
) -> None:
    """Small, steady rituals for a couple, kept as an event log and shared as calendars."""
    seams = ctx.obj if isinstance(ctx.obj, CliSeams) else CliSeams()
    state = CliState(db_url, couple, viewer, clock=seams.clock, key=idempotency_key)
    ctx.obj = state
    ctx.call_on_close(state.close)


COMMAND_GC_THRESHOLD = (20_000, 50, 100)
"""Cycle collection for one command's process: rarer than Python's default (700, 10, 10).
A command spends most of its life loading modules, whose objects live until it exits, so
frequent collections only walk them again; cycles are still collected, later."""


def main() -> None:
    """Entry point of the `ritual` console script: run one command, then exit.

    Before it exits, everything the process loaded moves out of the collector's sight
    (``gc.freeze``), so the collections while the interpreter shuts down do not walk it
    all again: the objects are freed all the same, and the database was closed when the
    command ended. With :data:`COMMAND_GC_THRESHOLD` this takes a fifth to a quarter off
    a command's time (see ``bench/cli.py``)."""
    previous = gc.get_threshold()
    gc.set_threshold(*COMMAND_GC_THRESHOLD)
    try:
        cli.main(prog_name="ritual")
    finally:
        gc.set_threshold(*previous)
        gc.freeze()


if __name__ == "__main__":
    main()
