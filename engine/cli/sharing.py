"""Calendar subscription links and the feed server: `share`, `share list|revoke`, `serve`."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import link_json
from engine.cli.options import json_option
from engine.cli.output import local, show_list
from engine.cli.state import CliState, current_state, pass_state

if TYPE_CHECKING:
    from engine.views.sharing import FeedLinkView


@click.group("share", invoke_without_command=True)
@click.option("--partner", help="Only this partner's rituals (default: the couple's calendar).")
@click.option("--label", help='Where the link will live, e.g. "Sam\'s phone".')
@click.option(
    "--base-url", metavar="URL", help="Scheme and host of the link [env: RITUAL_BASE_URL]."
)
@click.pass_context
def share_group(
    ctx: click.Context, partner: str | None, label: str | None, base_url: str | None
) -> None:
    """Issue a calendar subscription link; list or revoke links."""
    if ctx.invoked_subcommand is not None:
        return
    state = current_state()
    issued = state.engine.share_feed(
        state.couple,
        base_url=base_url or state.settings.base_url,
        partner=partner,
        label=label,
    )
    whose = f"{issued.link.partner}'s rituals" if issued.link.partner else "your rituals"
    click.echo(f"Here is a calendar link for {whose} ({issued.link.short_id}).")
    click.echo("It is shown only this once, so add it to your calendar app now:\n")
    click.echo(f"  {issued.webcal_url}")
    click.echo(f"  {issued.url}\n")
    click.echo(
        "Anyone holding the link can see the ritual names and times, never your notes. "
        f"`ritual share revoke {issued.link.short_id}` turns it off."
    )


@share_group.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked links.")
@json_option()
@pass_state
def share_list_command(state: CliState, include_revoked: bool, as_json: bool) -> None:
    """List sharing links: label, partner, created and last fetched (never the links)."""
    eng = state.engine
    couple = eng.couple(state.couple)

    def lines(link: FeedLinkView) -> list[str]:
        who = link.partner or "both"
        fetched = local(link.last_fetched_at, couple) if link.last_fetched_at else "not yet"
        revoked = f", revoked {local(link.revoked_at, couple)}" if link.revoked_at else ""
        return [
            f"{link.short_id}  {link.label or '(no label)'}  [{who}]",
            f"          created {local(link.created_at, couple)}, last fetched {fetched}{revoked}",
        ]

    show_list(
        eng.feed_links(couple, include_revoked=include_revoked),
        as_json=as_json,
        to_json=lambda link: link_json(link, couple),
        lines=lines,
        empty="No calendar links yet. `ritual share` makes one.",
    )


@share_group.command("revoke")
@click.argument("link_id")
@pass_state
def share_revoke_command(state: CliState, link_id: str) -> None:
    """Turn off the link LINK_ID at once (see `ritual share list`)."""
    link = state.engine.revoke_feed_link(state.couple, link_id)
    label = f" ({link.label})" if link.label else ""
    click.echo(f"Revoked {link.short_id}{label}. Calendars using it will stop updating.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port."
)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Worker threads."
)
@click.option(
    "--recheck",
    type=click.FloatRange(0, 60),
    default=1.0,
    show_default=True,
    help="Seconds one reading of the log serves; 0 reads it for every request.",
)
@pass_state
def serve_command(state: CliState, host: str, port: int, threads: int, recheck: float) -> None:
    """Serve the calendar feeds and the partners' pages over HTTP until stopped (Ctrl-C);
    logs go to stderr."""
    from engine.api import Engine
    from engine.web.serve import log_to_stderr, serve

    log_to_stderr()
    with Engine.open(state.settings.db_url, clock=state.clock, via="server", create=False) as eng:
        serve(eng, host=host, port=port, threads=threads, recheck=timedelta(seconds=recheck))
