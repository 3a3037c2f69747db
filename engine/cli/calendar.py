"""Schedules, the catalog and calendar feeds: `catalog`, `next`, `feed`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import template_json, upcoming_json
from engine.cli.options import json_option
from engine.cli.outfile import STDOUT
from engine.cli.output import save_file, show_list, times_words
from engine.cli.state import CliState, pass_state
from engine.views.wording import format_duration

if TYPE_CHECKING:
    from engine.views.rituals import TemplateView, UpcomingView


def template_lines(t: TemplateView) -> list[str]:
    starter = "  (in the starter set)" if t.starter else ""
    length = f", {format_duration(t.duration)}" if t.duration else ""
    who = "together" if t.who == "both" else "on your own"
    return [f"{t.key}{starter}", f"    {t.title}: {t.schedule}{length}, {who}", f"    {t.summary}"]


@click.command("catalog")
@json_option()
@pass_state
def catalog_command(state: CliState, as_json: bool) -> None:
    """List the ritual templates to start from (use one with `ritual add --template KEY`)."""
    show_list(state.engine.catalog(), as_json=as_json, to_json=template_json, lines=template_lines)


def upcoming_lines(u: UpcomingView, viewer: str | None = None) -> list[str]:
    length = f" ({format_duration(u.duration)})" if u.duration else ""
    whose = f"  {u.partner}'s own time" if u.partner and u.partner != viewer else ""
    times = times_words(u.times, viewer)
    lines = [f"{u.local:%a %d %b %H:%M}  {u.title}{length}{whose}{f'  ({times})' if times else ''}"]
    if u.prompt:
        lines.append(f"                  {u.prompt}")
    return lines


@click.command("next")
@click.option("--days", type=int, default=7, show_default=True, help="How many days ahead.")
@click.option("--partner", help="Only the rituals this partner takes part in.")
@json_option()
@pass_state
def next_command(state: CliState, days: int, partner: str | None, as_json: bool) -> None:
    """Show what comes next across your rituals, in your local time."""
    eng = state.engine
    couple = eng.couple(state.couple)
    span = "the next day" if days == 1 else f"the next {days} days"
    show_list(
        eng.upcoming(couple, days=days, partner=partner),
        as_json=as_json,
        to_json=lambda u: upcoming_json(u, couple),
        lines=lambda u: upcoming_lines(u, partner.strip().lower() if partner else None),
        empty=f"Nothing with a set time in {span}. Enjoy the space.",
    )
    if as_json:
        return
    quotas = [
        r
        for r in eng.rituals(couple)
        if r.per_week is not None and r.status == "active"
        if partner is None or partner.strip().lower() in r.participants
    ]
    for r in quotas:
        click.echo(f"Any time this week  {r.title}: {r.schedule}")


@click.command("feed")
@click.option("--partner", help="Only the rituals this partner takes part in.")
@click.option(
    "--out",
    "path",
    metavar="FILE",
    help="Write the feed to FILE (a new or regular file; - prints it) instead of printing it.",
)
@click.option("--days-back", type=int, default=30, show_default=True, help="Days of history.")
@click.option("--days-ahead", type=int, default=90, show_default=True, help="Days ahead.")
@pass_state
def feed_command(
    state: CliState, partner: str | None, path: str | None, days_back: int, days_ahead: int
) -> None:
    """Print your rituals as an iCalendar feed (or save it with --out)."""
    ics = state.engine.calendar_feed(
        state.couple, partner=partner, days_back=days_back, days_ahead=days_ahead
    )
    if path is None or path == STDOUT:
        click.echo(ics, nl=False)
        return
    target = save_file(path, ics, mode=None, what="the feed")
    click.echo(f"Saved the calendar feed to {target}.")
