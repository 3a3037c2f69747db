"""Turning toward each other: `appreciate`, `repair`, `repair-response`, `timeout`, `rules`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import click

from engine.cli.jsonout import rule_json
from engine.cli.options import json_option
from engine.cli.output import show_list
from engine.cli.state import CliState, pass_state
from engine.views.wording import count_of

if TYPE_CHECKING:
    from engine.catalog.kinds import RepairAnswer, RepairKind


@click.command("appreciate")
@click.argument("text")
@click.option("--from", "author", required=True, help="Who writes it.")
@click.option("--to", "recipient", required=True, help="Who it is for.")
@click.option("--private", is_flag=True, help="Keep it in your journal until you share it.")
@pass_state
def appreciate_command(
    state: CliState, text: str, author: str, recipient: str, private: bool
) -> None:
    """Write an appreciation TEXT for your partner."""
    aid = state.engine.appreciate(state.couple, by=author, to=recipient, text=text, private=private)
    if private:
        click.echo(
            f"Kept in your journal ({aid[:8]}). Share it with `ritual journal share {aid[:8]}`."
        )
    else:
        click.echo("Appreciation shared. Small words, big difference.")


@click.command("repair")
@click.option("--by", "partner", required=True, help="Who reaches out.")
@click.option(
    "--kind",
    required=True,
    help="apology, humour, touch, reassurance, pause, other.",
)
@click.option("--note", help="A private note.")
@pass_state
def repair_command(state: CliState, partner: str, kind: str, note: str | None) -> None:
    """Record a repair attempt after a hurt."""
    rid = state.engine.repair(state.couple, by=partner, kind=cast("RepairKind", kind), note=note)
    click.echo(f"Repair attempt noted ({rid[:8]}). Reaching out takes courage.")


@click.command("repair-response")
@click.argument("repair_id")
@click.option("--by", "partner", required=True, help="The partner answering.")
@click.option(
    "--answer",
    type=click.Choice(["accepted", "not-yet"]),
    help="accepted, or not-yet.",
)
@click.option("--accepted", "accepted_flag", is_flag=True, help="Same as --answer accepted.")
@click.option("--not-yet", "not_yet_flag", is_flag=True, help="Same as --answer not-yet.")
@click.option("--note", help="A private note.")
@pass_state
def repair_response_command(
    state: CliState,
    repair_id: str,
    partner: str,
    answer: str | None,
    accepted_flag: bool,
    not_yet_flag: bool,
    note: str | None,
) -> None:
    """Answer a repair attempt REPAIR_ID."""
    chosen = {a for a, on in (("accepted", accepted_flag), ("not-yet", not_yet_flag)) if on}
    if answer:
        chosen.add(answer)
    if len(chosen) != 1:
        raise click.UsageError("answer with exactly one of --accepted or --not-yet")
    (final,) = chosen
    state.engine.respond_to_repair(
        state.couple, repair_id, by=partner, answer=cast("RepairAnswer", final), note=note
    )
    if final == "accepted":
        click.echo("Repair accepted. Thank you for meeting each other.")
    else:
        click.echo("Noted: not yet. That is honest, and it is fine to come back to it later.")


@click.group("timeout")
def timeout_group() -> None:
    """Call or end a pause in a difficult talk."""


@timeout_group.command("call")
@click.option("--by", "partner", required=True, help="Who calls the pause.")
@pass_state
def timeout_call_command(state: CliState, partner: str) -> None:
    """Call a pause: breathe, and come back to it."""
    state.engine.call_timeout(state.couple, by=partner)
    click.echo("Pause called. Take the time you need, then come back to each other.")


@timeout_group.command("end")
@click.option("--by", "partner", required=True, help="Who ends the pause.")
@pass_state
def timeout_end_command(state: CliState, partner: str) -> None:
    """End the running pause."""
    state.engine.end_timeout(state.couple, by=partner)
    click.echo("Welcome back to the conversation.")


@click.group("rules")
def rules_group() -> None:
    """Your ground rules for difficult talks."""


@rules_group.command("set")
@click.argument("rules", nargs=-1, required=True)
@pass_state
def rules_set_command(state: CliState, rules: Sequence[str]) -> None:
    """Agree on RULES (each argument is one rule)."""
    count = state.engine.agree_ground_rules(state.couple, rules)
    click.echo(f"Agreed on {count_of(count, 'ground rule')}.")


@rules_group.command("show")
@json_option()
@pass_state
def rules_show_command(state: CliState, as_json: bool) -> None:
    """Show the ground rules."""
    show_list(
        list(enumerate(state.engine.ground_rules(state.couple), start=1)),
        as_json=as_json,
        to_json=rule_json,
        lines=lambda numbered: [f"{numbered[0]}. {numbered[1]}"],
        empty="No ground rules yet. Agree on some with `ritual rules set`.",
    )
