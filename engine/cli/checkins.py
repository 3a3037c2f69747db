"""Logging what happened: `checkin`, `skip`, `undo`."""

from __future__ import annotations

from collections import Counter

import click

from engine.cli.options import moment_in, zone_of
from engine.cli.parsing import parse_date
from engine.cli.state import CliState, pass_state
from engine.errors import InvalidInput
from engine.views.wording import occurrence_phrase, plural


@click.command("checkin")
@click.argument("ritual")
@click.option("--by", "partner", required=True, help="Partner handle, e.g. sam.")
@click.option(
    "--at", "at", help="When it happened: 2026-11-25T07:30, today 7:30, yesterday 21:30, 21:30."
)
@click.option("--closeness", type=int, help="How close you felt, 1 to 5.")
@click.option("--note", help="A private note (only you will see it).")
@click.option("--share-note", is_flag=True, help="Let your partner see the note too.")
@click.option("--for-both", is_flag=True, help="Check in for both partners.")
@pass_state
def checkin_command(
    state: CliState,
    ritual: str,
    partner: str,
    at: str | None,
    closeness: int | None,
    note: str | None,
    share_note: bool,
    for_both: bool,
) -> None:
    """Record that RITUAL happened.

    A time given with --at is read in the time zone the partner lives by.
    """
    eng = state.engine
    couple = eng.couple(state.couple)
    moment = moment_in(at, couple, eng.now(), partner)
    done = eng.check_in(
        couple,
        state.ritual(ritual),
        by=partner,
        at=moment,
        closeness=closeness,
        note=note,
        note_shared=share_note,
        for_both=for_both,
    )
    today = eng.now().astimezone(zone_of(couple, partner)).date()
    when = f" ({occurrence_phrase(done.local, today)})" if done.local else ""  # as it was due
    weeks = "" if done.occurrence else " " + plural("week", done.streak)
    streak = f"Streak: {done.streak}{weeks}." if done.streak else "Saved."
    who = " and ".join(done.partners or (done.partner,))
    click.echo(f"Checked in {done.title}{when} for {who}. {streak}")


@click.command("skip")
@click.argument("ritual", required=False)
@click.option("--by", "partner", help="Partner handle.")
@click.option(
    "--at",
    "at",
    help="A time within the occurrence's day, past or to come (ISO 8601 or yesterday 21:30).",
)
@click.option("--from", "since", help="First day of an absence (YYYY-MM-DD).")
@click.option("--until", help="Last day of an absence (YYYY-MM-DD; default: the --from day).")
@click.option("--all", "every", is_flag=True, help="With --from: every ritual with fixed times.")
@click.option(
    "--reason",
    help="Why (travel, illness, not today). Needs --by: only that partner can read it, "
    "and it is erased with them.",
)
@pass_state
def skip_command(
    state: CliState,
    ritual: str | None,
    partner: str | None,
    at: str | None,
    since: str | None,
    until: str | None,
    every: bool,
    reason: str | None,
) -> None:
    """Let an occurrence of RITUAL go, or every one of an absence; skips never break a streak."""
    eng = state.engine
    couple = eng.couple(state.couple)
    if since is None and (until is not None or every):
        raise InvalidInput("--until and --all go with --from (the first day of the absence)")
    if since is not None and at is not None:
        raise InvalidInput("give either --at (one occurrence) or --from (an absence), not both")
    if every == (ritual is not None) and since is not None:
        raise InvalidInput("name one ritual, or give --all for every ritual, not both")
    if ritual is None and since is None:
        raise InvalidInput("name the ritual to skip (or use --from DAY --all for an absence)")
    if since is not None:
        first = parse_date(since)
        last = parse_date(until) if until else first
        chosen = state.ritual(ritual) if ritual is not None else None
        views = eng.plan_absence(couple, chosen, since=first, until=last, by=partner, reason=reason)
        counts = Counter(v.title for v in views)
        each = ", ".join(f"{title} {n}" for title, n in counts.items())
        days = f"from {first:%a %d %b} to {last:%a %d %b}" if last != first else ""
        days = days or f"on {first:%a %d %b}"
        occurrences = "occurrence" if len(views) == 1 else "occurrences"
        click.echo(f"Let {len(views)} {occurrences} go {days} ({each}). Streaks untouched.")
        return
    assert ritual is not None
    moment = moment_in(at, couple, eng.now(), partner)
    skipped = eng.skip(couple, state.ritual(ritual), by=partner, at=moment, reason=reason)
    click.echo(f"Let {skipped.title} of {skipped.local:%a %d %b %H:%M} go. Streak untouched.")


@click.command("undo")
@click.argument("entry_id", required=False)
@click.option("--by", "partner", required=True, help="Your handle: only you can undo your entry.")
@pass_state
def undo_command(state: CliState, entry_id: str | None, partner: str) -> None:
    """Take back your newest entry of the last 7 days, or ENTRY_ID (see `ritual log`)."""
    undone = state.engine.undo(state.couple, by=partner, entry=entry_id)
    click.echo(f"Undone: {undone.summary}. It no longer counts anywhere; the log keeps a note.")
