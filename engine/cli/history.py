"""History and the database: `log`, `rebuild`, `db upgrade|current`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import history_json
from engine.cli.options import json_option, viewer_option
from engine.cli.output import in_force, show_list
from engine.cli.state import CliState, pass_state

if TYPE_CHECKING:
    from engine.views.history import HistoryEntry


@click.command("log")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@json_option()
@viewer_option
@pass_state
def log_command(state: CliState, limit: int, as_json: bool, viewer: str | None) -> None:
    """Show the event history, newest first (without any private text)."""
    eng = state.engine
    couple = eng.couple(state.couple)

    def lines(h: HistoryEntry) -> list[str]:
        summary = f"(undone) {h.summary}" if h.undone else h.summary
        when = in_force(h.occurred_at, h, couple).strftime("%Y-%m-%d %H:%M")
        return [f"{when}  {h.entry_id[:8]}  {summary}"]

    show_list(
        eng.history(couple, limit=limit, viewer=state.viewer_for(viewer)),
        as_json=as_json,
        to_json=lambda h: history_json(h, couple),
        lines=lines,
    )


@click.command("rebuild")
@click.option("--projection", "name", metavar="NAME", help="Only this read model (default: all).")
@pass_state
def rebuild_command(state: CliState, name: str | None) -> None:
    """Drop the read models and fold the whole event log into them again."""
    eng = state.engine
    total = sum(m.position + m.behind for m in eng.read_models(name))
    with click.progressbar(length=total, label="Rebuilding read models") as bar:
        rebuilt = eng.rebuild(name, progress=bar.update)
    for model in rebuilt:
        click.echo(f"Rebuilt {model.name}, up to event {model.position}.")


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
@pass_state
def db_upgrade_command(state: CliState) -> None:
    """Create or upgrade the schema to the newest version."""
    from engine.api import upgrade_database

    revision = upgrade_database(state.settings.db_url)
    click.echo(f"Database is at revision {revision}.")


@db_group.command("current")
@pass_state
def db_current_command(state: CliState) -> None:
    """Show the schema revision of the database and of this code."""
    from engine.api import database_revision, head_revision

    current = database_revision(state.settings.db_url)
    head = head_revision()
    click.echo(f"database: {current or 'empty'}; code: {head}")
    if current != head:
        click.echo("Run `ritual db upgrade` (any other command also upgrades on first use).")
