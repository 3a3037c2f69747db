"""Partner invites, the page on a phone: `invite`, `invite list|revoke`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import invite_json
from engine.cli.options import json_option
from engine.cli.output import local, show_list
from engine.cli.state import CliState, current_state, pass_state

if TYPE_CHECKING:
    from engine.views.invites import InviteView


@click.group("invite", invoke_without_command=True)
@click.option("--partner", help="Whose page the link opens (a partner handle).")
@click.option("--label", help='Where the link will live, e.g. "Alex\'s phone".')
@click.option(
    "--base-url", metavar="URL", help="Scheme and host of the link [env: RITUAL_BASE_URL]."
)
@click.pass_context
def invite_group(
    ctx: click.Context, partner: str | None, label: str | None, base_url: str | None
) -> None:
    """Invite a partner to their own page on their phone; list or revoke invites."""
    if ctx.invoked_subcommand is not None:
        return
    if not partner:
        raise click.UsageError("name whose page it is with --partner, e.g. --partner alex")
    state = current_state()
    issued = state.engine.invite_partner(
        state.couple,
        partner=partner,
        base_url=base_url or state.settings.base_url,
        label=label,
    )
    who = issued.invite.partner
    click.echo(f"Here is {who}'s invite ({issued.invite.short_id}).")
    click.echo(f"It is shown only this once; open it on {who}'s phone:\n")
    click.echo(f"  {issued.url}\n")
    click.echo(
        "Opening it keeps that browser signed in to the page, and the link leaves the "
        f"address bar. `ritual invite revoke {issued.invite.short_id}` signs every device out."
    )


@invite_group.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked invites.")
@json_option()
@pass_state
def invite_list_command(state: CliState, include_revoked: bool, as_json: bool) -> None:
    """List partner invites: partner, label and when made (never the links)."""
    eng = state.engine
    couple = eng.couple(state.couple)

    def lines(invite: InviteView) -> list[str]:
        revoked = f", revoked {local(invite.revoked_at, couple)}" if invite.revoked_at else ""
        return [
            f"{invite.short_id}  {invite.label or '(no label)'}  [{invite.partner}]",
            f"          created {local(invite.created_at, couple)} for {invite.base_url}{revoked}",
        ]

    show_list(
        eng.invites(couple, include_revoked=include_revoked),
        as_json=as_json,
        to_json=lambda invite: invite_json(invite, couple),
        lines=lines,
        empty="No invites yet. `ritual invite --partner HANDLE` makes one.",
    )


@invite_group.command("revoke")
@click.argument("invite_id")
@pass_state
def invite_revoke_command(state: CliState, invite_id: str) -> None:
    """Turn off the invite INVITE_ID and sign out every device that opened it."""
    invite = state.engine.revoke_invite(state.couple, invite_id)
    label = f" ({invite.label})" if invite.label else ""
    click.echo(
        f"Revoked {invite.short_id}{label}. {invite.partner}'s page is closed on every device."
    )
