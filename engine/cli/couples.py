"""Couples and partners: `init`, `couples`, `partner`, `settings`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from engine.cli.jsonout import couple_json, settings_json
from engine.cli.options import json_option
from engine.cli.output import echo_json, show_list
from engine.cli.state import CliState, pass_state


@click.command("init")
@click.option("--name", required=True, help='The couple\'s name, e.g. "Sam & Alex".')
@click.option(
    "--partner",
    "partners",
    multiple=True,
    required=True,
    help="A partner handle; repeat. Add @ZONE for one living elsewhere: alex@America/New_York.",
)
@click.option("--tz", required=True, help="IANA time zone, e.g. Europe/Berlin.")
@click.option("--starter", is_flag=True, help="Add the gentle starter set of rituals.")
@click.option("--freezes", type=int, default=1, show_default=True, help="Streak freezes a month.")
@click.option("--proxy-checkins", is_flag=True, help="Let one partner check in for both.")
@pass_state
def init_command(
    state: CliState,
    name: str,
    partners: Sequence[str],
    tz: str,
    starter: bool,
    freezes: int,
    proxy_checkins: bool,
) -> None:
    """Create a couple (and the database, on first use)."""
    from engine.catalog.rituals import starter_templates

    eng = state.engine
    handles, zones = split_partner_zones(partners)
    couple = eng.create_couple(
        name,
        handles,
        tz,
        freezes_per_month=freezes,
        proxy_checkins=proxy_checkins,
        templates=[tpl.key for tpl in starter_templates()] if starter else (),
        partner_zones=zones,
    )
    click.echo(f"Welcome, {couple.name}. Your rituals will follow {couple.time_zone} time.")
    for p in couple.partners:
        if p.time_zone is not None:
            click.echo(f"  {p.handle} lives by {p.time_zone} time.")
    for r in eng.rituals(couple):
        click.echo(f"  + {r.title}: {r.schedule}")
    click.echo("Add a ritual with `ritual add`, or see ideas with `ritual catalog`.")


def split_partner_zones(partners: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """``sam`` and ``alex@America/New_York`` as handles, and the zones of those who gave one."""
    handles: list[str] = []
    zones: dict[str, str] = {}
    for given in partners:
        handle, at, zone = given.partition("@")
        handles.append(handle)
        if at:
            zones[handle] = zone
    return handles, zones


@click.command("couples")
@json_option()
@pass_state
def couples_command(state: CliState, as_json: bool) -> None:
    """List the couples in this database."""
    show_list(
        state.engine.couples(),
        as_json=as_json,
        to_json=couple_json,
        lines=lambda c: [f"{c.id[:8]}  {c.name}  ({', '.join(c.handles)}; {c.time_zone})"],
    )


@click.group("partner")
def partner_group() -> None:
    """Add partners, change their display names or the time zone they live in."""


@partner_group.command("add")
@click.argument("handle")
@click.option("--name", "display_name", help="Display name.")
@pass_state
def partner_add_command(state: CliState, handle: str, display_name: str | None) -> None:
    """Add a partner with a short HANDLE."""
    state.engine.add_partner(state.couple, handle, display_name)
    click.echo(f"Added {handle.strip().lower()}.")


@partner_group.command("rename")
@click.argument("handle")
@click.argument("display_name")
@pass_state
def partner_rename_command(state: CliState, handle: str, display_name: str) -> None:
    """Change the display name of HANDLE."""
    state.engine.rename_partner(state.couple, handle, display_name)
    click.echo("Display name changed.")


@partner_group.command("set-zone")
@click.argument("handle")
@click.argument("zone")
@pass_state
def partner_set_zone_command(state: CliState, handle: str, zone: str) -> None:
    """Let HANDLE live by their own time ZONE from now on (an IANA name, e.g. Asia/Tokyo)."""
    c = state.engine.set_partner_zone(state.couple, handle, zone)
    partner = next(p for p in c.partners if p.handle == handle.strip().lower())
    click.echo(
        f"{partner.handle} now lives by {partner.time_zone} time; what was already lived "
        "keeps the times it had."
    )


@partner_group.command("clear-zone")
@click.argument("handle")
@pass_state
def partner_clear_zone_command(state: CliState, handle: str) -> None:
    """Let HANDLE follow the couple's time zone again from now on."""
    c = state.engine.clear_partner_zone(state.couple, handle)
    click.echo(f"{handle.strip().lower()} follows {c.time_zone} time again, with the couple.")


@click.command("settings")
@click.option("--tz", help="A new IANA time zone.")
@click.option("--freezes", type=int, help="Streak freezes a month (0 to 10).")
@click.option(
    "--proxy-checkins/--no-proxy-checkins", default=None, help="Allow checking in for both."
)
@json_option("Print the settings as JSON.")
@pass_state
def settings_command(
    state: CliState,
    tz: str | None,
    freezes: int | None,
    proxy_checkins: bool | None,
    as_json: bool,
) -> None:
    """Show or change the couple's settings."""
    eng = state.engine
    before = eng.couple(state.couple)
    if tz is None and freezes is None and proxy_checkins is None:
        c = before
    else:
        c = eng.change_settings(
            state.couple, tz=tz, freezes_per_month=freezes, proxy_checkins=proxy_checkins
        )
    if as_json:
        echo_json(settings_json(c))
        return
    click.echo(f"{c.name}: {c.time_zone}, partners {', '.join(c.handles)}")
    for p in c.partners:
        if p.time_zone is not None:
            click.echo(f"{p.handle} lives by {p.time_zone} time")
    click.echo(f"streak freezes a month: {c.freezes_per_month}")
    click.echo(f"one partner may check in for both: {'yes' if c.proxy_checkins else 'no'}")
    if c.time_zone != before.time_zone:
        click.echo(
            f"From now on your rituals follow {c.time_zone} time; what you already lived "
            f"keeps its {before.time_zone} times."
        )
