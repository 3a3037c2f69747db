"""A couple's rituals: `add`, `list`, `edit`, `pause`, `resume`, `retire`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import ritual_json
from engine.cli.options import RitualFields, json_option, ritual_fields
from engine.cli.output import show_list
from engine.cli.parsing import parse_date
from engine.cli.state import CliState, pass_state
from engine.views.wording import format_duration

if TYPE_CHECKING:
    from engine.views.rituals import RitualView


@click.command("add")
@click.argument("title", required=False)
@ritual_fields(editing=False)
@click.option("--template", help="Start from a catalog template (see `ritual catalog`).")
@pass_state
def add_command(
    state: CliState, title: str | None, fields: RitualFields, template: str | None
) -> None:
    """Add a ritual called TITLE."""
    r = state.engine.add_ritual(state.couple, title, template=template, **fields.engine_kwargs())
    click.echo(f"Added {r.title} ({r.short_id}): {r.schedule}.")


def ritual_lines(r: RitualView) -> list[str]:
    status = "" if r.status == "active" else f"  [{r.status}]"
    who = ", ".join(r.participants) + ("" if r.together else " (each)")
    who += ", each at their own local time" if r.each_local else ""
    length = f", {format_duration(r.duration)}" if r.duration else ""
    return [f"{r.short_id}  {r.title}{status}", f"          {r.schedule}{length}; {who}"]


@click.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Include retired rituals.")
@json_option()
@pass_state
def list_command(state: CliState, include_retired: bool, as_json: bool) -> None:
    """List the couple's rituals."""
    eng = state.engine
    couple = eng.couple(state.couple)
    show_list(
        eng.rituals(couple, include_retired=include_retired),
        as_json=as_json,
        to_json=lambda r: ritual_json(r, couple),
        lines=ritual_lines,
        empty="No rituals yet. `ritual catalog` has ideas to start from.",
    )


@click.command("edit")
@click.argument("ritual")
@click.option("--title", help="A new title.")
@ritual_fields(editing=True)
@pass_state
def edit_command(state: CliState, ritual: str, title: str | None, fields: RitualFields) -> None:
    """Change RITUAL from now on (its history keeps the old version)."""
    r = state.engine.edit_ritual(
        state.couple, state.ritual(ritual), title=title, **fields.engine_kwargs()
    )
    click.echo(f"Updated {r.title}: {r.schedule}.")


@click.command("pause")
@click.argument("ritual")
@click.option("--until", help="Resume on this date (YYYY-MM-DD).")
@pass_state
def pause_command(state: CliState, ritual: str, until: str | None) -> None:
    """Pause RITUAL; paused occurrences simply do not exist."""
    day = parse_date(until) if until else None
    r = state.engine.pause_ritual(state.couple, state.ritual(ritual), until=day)
    when = f" until {day.isoformat()}" if day else " until you resume it"
    click.echo(f"Paused {r.title}{when}. It will be here when you are ready.")


@click.command("resume")
@click.argument("ritual")
@pass_state
def resume_command(state: CliState, ritual: str) -> None:
    """Resume a paused RITUAL."""
    r = state.engine.resume_ritual(state.couple, state.ritual(ritual))
    click.echo(f"Welcome back to {r.title}.")


@click.command("retire")
@click.argument("ritual")
@pass_state
def retire_command(state: CliState, ritual: str) -> None:
    """Retire RITUAL for good; its history stays."""
    r = state.engine.retire_ritual(state.couple, state.ritual(ritual))
    click.echo(f"Retired {r.title}. Thank you for the times you shared it.")
