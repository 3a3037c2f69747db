"""Time capsules: `capsule seal`, `capsule open`, `capsule list`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from engine.cli.jsonout import capsule_json
from engine.cli.options import json_option, viewer_option
from engine.cli.output import show_list
from engine.cli.parsing import parse_date
from engine.cli.state import CliState, pass_state
from engine.errors import InvalidInput

if TYPE_CHECKING:
    from engine.views.connection import CapsuleView

MESSAGE_FILE_MAX = 1_000_000
"""Bytes read from a capsule message file; far more than the longest letter."""


@click.group("capsule")
def capsule_group() -> None:
    """Time capsules: letters to open in a few months."""


@capsule_group.command("seal")
@click.argument("message", required=False)
@click.option("--by", "partner", required=True, help="Who writes it.")
@click.option("--opens", help="Opening date (YYYY-MM-DD; default: three months from today).")
@click.option(
    "--file", "path", type=click.File("rb"), help="Read the message from a file ('-' for stdin)."
)
@pass_state
def capsule_seal_command(
    state: CliState, message: str | None, partner: str, opens: str | None, path: Any
) -> None:
    """Seal MESSAGE until its opening date."""
    if (message is None) == (path is None):
        raise InvalidInput("give the message as an argument or with --file, not both")
    if path is not None:
        data = path.read(MESSAGE_FILE_MAX + 1)
        if len(data) > MESSAGE_FILE_MAX:
            raise InvalidInput("the message file is longer than a capsule can hold")
        try:
            message = data.decode("utf-8-sig")  # a byte order mark is not part of the message
        except UnicodeDecodeError:
            raise InvalidInput(
                "the message file is not UTF-8 text; save it as UTF-8 and try again"
            ) from None
    assert message is not None
    sealed = state.engine.seal_capsule(
        state.couple, by=partner, message=message, opens_on=parse_date(opens) if opens else None
    )
    click.echo(f"Sealed ({sealed.id[:8]}) until {sealed.opens_on.isoformat()}.")


@capsule_group.command("open")
@click.argument("capsule_id")
@click.option("--by", "partner", required=True, help="Who opens it.")
@pass_state
def capsule_open_command(state: CliState, capsule_id: str, partner: str) -> None:
    """Open a capsule on or after its date and read it."""
    capsule = state.engine.open_capsule(state.couple, capsule_id, by=partner)
    click.echo(f"From {capsule.author}, sealed until {capsule.opens_on.isoformat()}:\n")
    click.echo(capsule.message or "")


def capsule_lines(c: CapsuleView) -> list[str]:
    status = "opened" if c.opened else f"opens {c.opens_on.isoformat()}"
    return [f"{c.id[:8]}  from {c.author}, {status}"]


@capsule_group.command("list")
@json_option()
@viewer_option
@pass_state
def capsule_list_command(state: CliState, as_json: bool, viewer: str | None) -> None:
    """List capsules and their opening dates (contents stay sealed)."""
    show_list(
        state.engine.capsules(state.couple, viewer=state.viewer_for(viewer)),
        as_json=as_json,
        to_json=capsule_json,
        lines=capsule_lines,
        empty="No capsules yet.",
    )
