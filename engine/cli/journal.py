"""The appreciation journal and the notes a partner may read: `journal`, `notes`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import journal_json, note_json
from engine.cli.options import json_option, viewer_option
from engine.cli.output import indented, local, show_list
from engine.cli.state import CliState, pass_state

if TYPE_CHECKING:
    from engine.views.connection import JournalEntryView, NoteView


@click.group("journal")
def journal_group() -> None:
    """Your private appreciation journal."""


@journal_group.command("share")
@click.argument("appreciation_id")
@click.option("--by", "partner", required=True, help="The partner who wrote it.")
@pass_state
def journal_share_command(state: CliState, appreciation_id: str, partner: str) -> None:
    """Share a journal entry with the partner it is about."""
    state.engine.share_appreciation(state.couple, appreciation_id, by=partner)
    click.echo("Shared.")


@journal_group.command("list")
@json_option()
@viewer_option
@pass_state
def journal_list_command(state: CliState, as_json: bool, viewer: str | None) -> None:
    """The appreciations you may read: every shared one, and your own journal."""
    eng = state.engine
    couple = eng.couple(state.couple)

    def lines(j: JournalEntryView) -> list[str]:
        kept = "" if j.shared else f" (in {j.author}'s journal)"
        when = local(j.written_at, couple)
        return [f"{j.id[:8]}  {j.author} to {j.recipient}, {when}{kept}", *indented(j.text)]

    show_list(
        eng.journal(couple, viewer=state.viewer_for(viewer)),
        as_json=as_json,
        to_json=lambda j: journal_json(j, couple),
        lines=lines,
        empty="No appreciations here yet. `ritual appreciate` writes the first one.",
    )


@click.command("notes")
@json_option()
@viewer_option
@pass_state
def notes_command(state: CliState, as_json: bool, viewer: str | None) -> None:
    """The notes you may read: your own, shared check-in notes, and reasons for skips."""
    eng = state.engine
    couple = eng.couple(state.couple)

    def lines(n: NoteView) -> list[str]:
        about = f" on {n.ritual}" if n.ritual else ""
        who = n.author or "the two of you"
        private = "" if n.shared else " (only you)"
        return [f"{local(n.at, couple)}  {who}, {n.kind}{about}{private}", *indented(n.text)]

    show_list(
        eng.notes(couple, viewer=state.viewer_for(viewer)),
        as_json=as_json,
        to_json=lambda n: note_json(n, couple),
        lines=lines,
        empty="No notes to show here yet.",
    )
