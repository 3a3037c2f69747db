"""Privacy: `forget` (erasure), `export` and `import`."""

from __future__ import annotations

import json
from typing import Any

import click

from engine.cli.options import viewer_option
from engine.cli.outfile import STDOUT
from engine.cli.output import save_file
from engine.cli.state import CliState, pass_state
from engine.errors import InvalidInput


def confirm_by_typing(expected: str, what: str, given: str | None, warning: str) -> None:
    """Ask for ``expected`` to be typed (or given with a --yes-... option) before going on."""
    if given is None:
        click.echo(warning, err=True)
        given = click.prompt(f"Type {what} to go on", default="", show_default=False, err=True)
    if given.strip().casefold() != expected.strip().casefold():
        raise InvalidInput(f"that is not {what}, so nothing was done")


@click.command("forget")
@click.option("--partner", metavar="P", help="Erase only what this partner wrote (they leave).")
@click.option(
    "--yes-erase",
    "confirmation",
    metavar="NAME",
    help="Confirm without a prompt: the couple's name (with --partner: the partner's handle).",
)
@pass_state
def forget_command(state: CliState, partner: str | None, confirmation: str | None) -> None:
    """Erase the couple for good (or, with --partner, one partner's own words)."""
    eng = state.engine
    couple = eng.couple(state.couple)
    if partner is not None:
        confirm_by_typing(
            partner,
            "the partner's handle",
            confirmation,
            f"This erases everything {partner.strip()[:32]} wrote here, for good: notes, "
            "appreciations, capsule letters and display name. The couple and its rituals stay.",
        )
        done = eng.erase_partner(couple, partner)
        click.echo(f"Done. What {done.partner} wrote can no longer be read by anyone.")
    else:
        confirm_by_typing(
            couple.name,
            "the couple's name",
            confirmation,
            f"This erases {couple.name} for good: every note, appreciation, capsule letter, "
            "rule and name becomes unreadable, and it cannot be undone.",
        )
        done = eng.erase_couple(couple)
        click.echo("Done. Everything the two of you wrote here can no longer be read by anyone.")
    if not done.storage_scrubbed:
        click.echo(
            "The database may keep traces in its own files for a while; "
            "the privacy page of the docs (docs/privacy.md, on erasure) says how to clear them.",
            err=True,
        )
    click.echo("Exports and backups you made elsewhere are yours to delete.")


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="JSON (documented, re-importable when --full) or a Markdown keepsake.",
)
@click.option(
    "--out",
    "path",
    metavar="FILE",
    help="Write to FILE, readable by you only (a new or regular file; - prints it).",
)
@click.option(
    "--full", is_flag=True, help="Every text of every partner, to move to a new database."
)
@click.option(
    "--yes-export", "confirmation", metavar="NAME", help="Confirm --full: the couple's name."
)
@viewer_option
@pass_state
def export_command(
    state: CliState,
    fmt: str,
    path: str | None,
    full: bool,
    confirmation: str | None,
    viewer: str | None,
) -> None:
    """Export what you may see (or, with --full, everything) as JSON or Markdown."""
    eng = state.engine
    couple = eng.couple(state.couple)
    who = state.viewer_for(viewer)
    if full:
        if fmt != "json" or who is not None:
            raise InvalidInput(
                "a full export is JSON for the whole couple; leave out --as and --format"
            )
        confirm_by_typing(
            couple.name,
            "the couple's name",
            confirmation,
            "A full export holds every private word of every partner, sealed capsules too.",
        )
    if fmt == "json":
        data = eng.export_data(couple, viewer=who, full=full)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = eng.export_markdown(couple, viewer=who)
    if path is None or path == STDOUT:
        click.echo(text, nl=False)
        return
    target = save_file(path, text.encode("utf-8"), mode=0o600, what="the export")
    click.echo(f"Saved to {target}.")
    if full:
        click.echo("It holds every private word: delete it once it is imported.", err=True)


@click.command("import")
@click.argument("file", type=click.File("rb"))
@pass_state
def import_command(state: CliState, file: Any) -> None:
    """Bring a couple back from a full JSON export (into a database without them)."""
    from engine.export.reading import MAX_FILE_BYTES, parse_export

    couple = state.engine.import_data(parse_export(file.read(MAX_FILE_BYTES + 1)))
    click.echo(f"Welcome back, {couple.name}. Everything is in its place.")
