"""The `ritual` command line: parses, calls the Engine, prints. No business logic here.

Errors from the engine become one line on stderr: invalid input exits with 2 (a usage
error), every other engine error with 1. ``--help`` never touches the database.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import click

from engine import Engine, InvalidInput, RitualError
from engine.config import Settings
from engine.parsing import format_duration, parse_date, parse_duration, parse_moment
from engine.views import CoupleView, FeedLinkView, HistoryEntry, RitualView

P = ParamSpec("P")
R = TypeVar("R")


class EngineFailure(click.ClickException):
    """An engine error shown as one line; exit code 1."""

    exit_code = 1


class EngineUsageError(EngineFailure):
    """Invalid input shown as one line; exit code 2, like click's own usage errors."""

    exit_code = 2


class RitualGroup(click.Group):
    """The root group: translates engine errors to exit codes, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            raise EngineUsageError(str(exc)) from None
        except RitualError as exc:
            raise EngineFailure(str(exc)) from None


class CliState:
    """What every command shares; the engine is opened on first use."""

    def __init__(self, db_url: str | None, couple: str | None) -> None:
        self.settings = Settings.from_env(db_url=db_url, couple=couple)
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine.open(self.settings.db_url, via="cli")
        return self._engine

    @property
    def couple(self) -> str | None:
        return self.settings.couple

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def pass_state(fn: Callable[Concatenate[CliState, P], R]) -> Callable[P, R]:
    """Hand the command the shared CLI state."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        state = click.get_current_context().find_object(CliState)
        assert state is not None
        return fn(state, *args, **kwargs)

    return wrapper


# -- formatting ----------------------------------------------------------------------------


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))


def local(moment: datetime | None, couple: CoupleView, fmt: str = "%a %d %b %H:%M") -> str:
    from zoneinfo import ZoneInfo

    return "-" if moment is None else moment.astimezone(ZoneInfo(couple.time_zone)).strftime(fmt)


def iso_local(moment: datetime | None, couple: CoupleView) -> str | None:
    from zoneinfo import ZoneInfo

    return None if moment is None else moment.astimezone(ZoneInfo(couple.time_zone)).isoformat()


def minutes(value: timedelta | None) -> float | int | None:
    if value is None:
        return None
    m = value.total_seconds() / 60
    return int(m) if m.is_integer() else m


def ritual_json(r: RitualView, couple: CoupleView) -> dict[str, Any]:
    return {
        "id": r.id,
        "short_id": r.short_id,
        "title": r.title,
        "kind": r.kind,
        "cron": r.cron,
        "per_week": r.per_week,
        "schedule": r.schedule,
        "duration_minutes": minutes(r.duration),
        "participants": list(r.participants),
        "together": r.together,
        "reminder_minutes": minutes(r.reminder),
        "prompts": list(r.prompts),
        "status": r.status,
        "paused_until": iso_local(r.paused_until, couple),
        "template": r.template,
        "since": iso_local(r.since, couple),
    }


def history_json(h: HistoryEntry, couple: CoupleView) -> dict[str, Any]:
    return {
        "position": h.position,
        "type": h.type,
        "occurred_at": iso_local(h.occurred_at, couple),
        "recorded_at": iso_local(h.recorded_at, couple),
        "actor": h.actor,
        "via": h.via,
        "summary": h.summary,
        "data": h.data,
    }


def split_handles(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [h for h in (part.strip() for part in value.split(",")) if h]


def duration_option(value: str | None) -> timedelta | None:
    return None if value is None else parse_duration(value)


# -- the group -----------------------------------------------------------------------------


@click.group(cls=RitualGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL", help="SQLAlchemy database URL [env: RITUAL_DB].")
@click.option("--couple", metavar="NAME", help="Couple name or id [env: RITUAL_COUPLE].")
@click.version_option(package_name="ritual-engine")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, couple: str | None) -> None:
    """Small, steady rituals for a couple, kept as an event log and shared as calendars."""
    state = CliState(db_url, couple)
    ctx.obj = state
    ctx.call_on_close(state.close)


# -- couples -------------------------------------------------------------------------------


@cli.command("init")
@click.option("--name", required=True, help='The couple\'s name, e.g. "Sam & Alex".')
@click.option(
    "--partner", "partners", multiple=True, required=True, help="A partner handle; repeat."
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
    from engine.catalog import starter_templates

    eng = state.engine
    couple = eng.create_couple(
        name, partners, tz, freezes_per_month=freezes, proxy_checkins=proxy_checkins
    )
    click.echo(f"Welcome, {couple.name}. Your rituals will follow {couple.time_zone} time.")
    if starter:
        for tpl in starter_templates():
            r = eng.add_ritual(couple, template=tpl.key)
            click.echo(f"  + {r.title}: {r.schedule}")
    click.echo("Add a ritual with `ritual add`, or see ideas with `ritual catalog`.")


@cli.command("couples")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def couples_command(state: CliState, as_json: bool) -> None:
    """List the couples in this database."""
    couples = state.engine.couples()
    if as_json:
        echo_json(
            [
                {
                    "id": c.id,
                    "name": c.name,
                    "time_zone": c.time_zone,
                    "partners": [p.handle for p in c.partners],
                }
                for c in couples
            ]
        )
        return
    for c in couples:
        click.echo(f"{c.id[:8]}  {c.name}  ({', '.join(c.handles)}; {c.time_zone})")


@cli.group("partner")
def partner_group() -> None:
    """Add partners or change their display names."""


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


@cli.command("settings")
@click.option("--tz", help="A new IANA time zone.")
@click.option("--freezes", type=int, help="Streak freezes a month (0 to 10).")
@click.option(
    "--proxy-checkins/--no-proxy-checkins", default=None, help="Allow checking in for both."
)
@pass_state
def settings_command(
    state: CliState, tz: str | None, freezes: int | None, proxy_checkins: bool | None
) -> None:
    """Show or change the couple's settings."""
    eng = state.engine
    if tz is None and freezes is None and proxy_checkins is None:
        c = eng.couple(state.couple)
    else:
        c = eng.change_settings(
            state.couple, tz=tz, freezes_per_month=freezes, proxy_checkins=proxy_checkins
        )
    click.echo(f"{c.name}: {c.time_zone}, partners {', '.join(c.handles)}")
    click.echo(f"streak freezes a month: {c.freezes_per_month}")
    click.echo(f"one partner may check in for both: {'yes' if c.proxy_checkins else 'no'}")


# -- rituals -------------------------------------------------------------------------------


@cli.command("add")
@click.argument("title", required=False)
@click.option("--cron", help='Schedule in the couple\'s zone, e.g. "30 7 * * *".')
@click.option("--per-week", type=int, help="Times a week, with no fixed times.")
@click.option("--duration", help="How long, e.g. 20m or 1h.")
@click.option("--with", "participants", help="Who takes part, e.g. sam,alex (default: everyone).")
@click.option("--each", is_flag=True, help="Each partner does it on their own.")
@click.option("--reminder", help="Reminder lead time, e.g. 10m.")
@click.option(
    "--kind", help="check-in, appreciation, shared-activity, meeting, reflection, touch, other."
)
@click.option("--prompt", "prompts", multiple=True, help="A prompt; repeat for several.")
@click.option("--template", help="Start from a catalog template (see `ritual catalog`).")
@pass_state
def add_command(
    state: CliState,
    title: str | None,
    cron: str | None,
    per_week: int | None,
    duration: str | None,
    participants: str | None,
    each: bool,
    reminder: str | None,
    kind: str | None,
    prompts: Sequence[str],
    template: str | None,
) -> None:
    """Add a ritual called TITLE."""
    r = state.engine.add_ritual(
        state.couple,
        title,
        cron=cron,
        per_week=per_week,
        duration=duration_option(duration),
        kind=kind,
        participants=split_handles(participants),
        together=False if each else None,
        reminder=duration_option(reminder),
        prompts=prompts or None,
        template=template,
    )
    click.echo(f"Added {r.title} ({r.short_id}): {r.schedule}.")


@cli.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Include retired rituals.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def list_command(state: CliState, include_retired: bool, as_json: bool) -> None:
    """List the couple's rituals."""
    eng = state.engine
    couple = eng.couple(state.couple)
    rituals = eng.rituals(couple, include_retired=include_retired)
    if as_json:
        echo_json([ritual_json(r, couple) for r in rituals])
        return
    if not rituals:
        click.echo("No rituals yet. `ritual catalog` has ideas to start from.")
    for r in rituals:
        status = "" if r.status == "active" else f"  [{r.status}]"
        who = ", ".join(r.participants) + ("" if r.together else " (each)")
        length = f", {format_duration(r.duration)}" if r.duration else ""
        click.echo(f"{r.short_id}  {r.title}{status}")
        click.echo(f"          {r.schedule}{length}; {who}")


@cli.command("edit")
@click.argument("ritual")
@click.option("--title", help="A new title.")
@click.option("--cron", help="A new schedule (from now on).")
@click.option("--per-week", type=int, help="Switch to a weekly count.")
@click.option("--duration", help="A new duration.")
@click.option("--with", "participants", help="Who takes part, e.g. sam,alex.")
@click.option("--together/--each", default=None, help="Done together, or by each partner.")
@click.option("--reminder", help="A new reminder lead (0 removes it).")
@click.option("--kind", help="A new kind.")
@click.option("--prompt", "prompts", multiple=True, help="Replace the prompts; repeat.")
@pass_state
def edit_command(
    state: CliState,
    ritual: str,
    title: str | None,
    cron: str | None,
    per_week: int | None,
    duration: str | None,
    participants: str | None,
    together: bool | None,
    reminder: str | None,
    kind: str | None,
    prompts: Sequence[str],
) -> None:
    """Change RITUAL from now on (its history keeps the old version)."""
    r = state.engine.edit_ritual(
        state.couple,
        ritual,
        title=title,
        cron=cron,
        per_week=per_week,
        duration=duration_option(duration),
        participants=split_handles(participants),
        together=together,
        reminder=duration_option(reminder),
        kind=kind,
        prompts=prompts or None,
    )
    click.echo(f"Updated {r.title}: {r.schedule}.")


@cli.command("pause")
@click.argument("ritual")
@click.option("--until", help="Resume on this date (YYYY-MM-DD).")
@pass_state
def pause_command(state: CliState, ritual: str, until: str | None) -> None:
    """Pause RITUAL; paused occurrences simply do not exist."""
    day = parse_date(until) if until else None
    r = state.engine.pause_ritual(state.couple, ritual, until=day)
    when = f" until {day.isoformat()}" if day else " until you resume it"
    click.echo(f"Paused {r.title}{when}. It will be here when you are ready.")


@cli.command("resume")
@click.argument("ritual")
@pass_state
def resume_command(state: CliState, ritual: str) -> None:
    """Resume a paused RITUAL."""
    r = state.engine.resume_ritual(state.couple, ritual)
    click.echo(f"Welcome back to {r.title}.")


@cli.command("retire")
@click.argument("ritual")
@pass_state
def retire_command(state: CliState, ritual: str) -> None:
    """Retire RITUAL for good; its history stays."""
    r = state.engine.retire_ritual(state.couple, ritual)
    click.echo(f"Retired {r.title}. Thank you for the times you shared it.")


# -- logging -------------------------------------------------------------------------------


@cli.command("checkin")
@click.argument("ritual")
@click.option("--by", "partner", required=True, help="Partner handle, e.g. sam.")
@click.option("--at", "at", help="When it happened (ISO 8601; default: now).")
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
    """Record that RITUAL happened."""
    eng = state.engine
    couple = eng.couple(state.couple)
    from zoneinfo import ZoneInfo

    moment = parse_moment(at, ZoneInfo(couple.time_zone)) if at else None
    done = eng.check_in(
        couple,
        ritual,
        by=partner,
        at=moment,
        closeness=closeness,
        note=note,
        note_shared=share_note,
        for_both=for_both,
    )
    when = f" for {local(done.occurrence, couple)}" if done.occurrence else ""
    click.echo(f"Checked in {done.title}{when} for {done.partner}. Saved.")


@cli.command("skip")
@click.argument("ritual")
@click.option("--by", "partner", help="Partner handle.")
@click.option("--at", "at", help="A time within the occurrence's day (ISO 8601; default: now).")
@click.option("--reason", help="Why (travel, illness, not today); kept private.")
@pass_state
def skip_command(
    state: CliState, ritual: str, partner: str | None, at: str | None, reason: str | None
) -> None:
    """Let one occurrence of RITUAL go; a skip never breaks a streak."""
    eng = state.engine
    couple = eng.couple(state.couple)
    from zoneinfo import ZoneInfo

    moment = parse_moment(at, ZoneInfo(couple.time_zone)) if at else None
    skipped = eng.skip(couple, ritual, by=partner, at=moment, reason=reason)
    click.echo(f"Let {skipped.title} of {local(skipped.local, couple)} go. Streak untouched.")


@cli.command("appreciate")
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


@cli.group("journal")
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


@cli.command("repair")
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
    rid = state.engine.repair(state.couple, by=partner, kind=kind, note=note)
    click.echo(f"Repair attempt noted ({rid[:8]}). Reaching out takes courage.")


@cli.command("repair-response")
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
    state.engine.respond_to_repair(state.couple, repair_id, by=partner, answer=final, note=note)
    if final == "accepted":
        click.echo("Repair accepted. Thank you for meeting each other.")
    else:
        click.echo("Noted: not yet. That is honest, and it is fine to come back to it later.")


@cli.group("timeout")
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


@cli.group("rules")
def rules_group() -> None:
    """Your ground rules for difficult talks."""


@rules_group.command("set")
@click.argument("rules", nargs=-1, required=True)
@pass_state
def rules_set_command(state: CliState, rules: Sequence[str]) -> None:
    """Agree on RULES (each argument is one rule)."""
    count = state.engine.agree_ground_rules(state.couple, rules)
    click.echo(f"Agreed on {count} ground rules.")


@rules_group.command("show")
@pass_state
def rules_show_command(state: CliState) -> None:
    """Show the ground rules."""
    rules = state.engine.ground_rules(state.couple)
    if not rules:
        click.echo("No ground rules yet. Agree on some with `ritual rules set`.")
    for n, rule in enumerate(rules, start=1):
        click.echo(f"{n}. {rule}")


@cli.group("capsule")
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
        raise click.UsageError("give the message as an argument or with --file, not both")
    if path is not None:
        try:
            message = path.read(1_000_000).decode("utf-8")
        except UnicodeDecodeError:
            raise click.UsageError("the message file is not valid UTF-8 text") from None
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


@capsule_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def capsule_list_command(state: CliState, as_json: bool) -> None:
    """List capsules and their opening dates (contents stay sealed)."""
    capsules = state.engine.capsules(state.couple)
    if as_json:
        echo_json(
            [
                {
                    "id": c.id,
                    "author": c.author,
                    "opens_on": c.opens_on.isoformat(),
                    "opened": c.opened,
                }
                for c in capsules
            ]
        )
        return
    if not capsules:
        click.echo("No capsules yet.")
    for c in capsules:
        status = "opened" if c.opened else f"opens {c.opens_on.isoformat()}"
        click.echo(f"{c.id[:8]}  from {c.author}, {status}")


# -- schedules, catalog and calendar feeds -------------------------------------------------


@cli.command("catalog")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def catalog_command(state: CliState, as_json: bool) -> None:
    """List the ritual templates to start from (use one with `ritual add --template KEY`)."""
    templates = state.engine.catalog()
    if as_json:
        echo_json(
            [
                {
                    "key": t.key,
                    "title": t.title,
                    "kind": t.kind,
                    "schedule": t.schedule,
                    "cron": t.cron,
                    "per_week": t.per_week,
                    "duration_minutes": minutes(t.duration),
                    "who": t.who,
                    "starter": t.starter,
                    "summary": t.summary,
                }
                for t in templates
            ]
        )
        return
    for t in templates:
        starter = "  (in the starter set)" if t.starter else ""
        length = f", {format_duration(t.duration)}" if t.duration else ""
        who = "together" if t.who == "both" else "on your own"
        click.echo(f"{t.key}{starter}")
        click.echo(f"    {t.title}: {t.schedule}{length}, {who}")
        click.echo(f"    {t.summary}")


@cli.command("next")
@click.option("--days", type=int, default=7, show_default=True, help="How many days ahead.")
@click.option("--partner", help="Only the rituals this partner takes part in.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def next_command(state: CliState, days: int, partner: str | None, as_json: bool) -> None:
    """Show what comes next across your rituals, in your local time."""
    eng = state.engine
    couple = eng.couple(state.couple)
    upcoming = eng.upcoming(couple, days=days, partner=partner)
    if as_json:
        echo_json(
            [
                {
                    "ritual_id": u.ritual_id,
                    "title": u.title,
                    "at": u.at.isoformat(),
                    "local": u.local.isoformat(),
                    "duration_minutes": minutes(u.duration),
                    "prompt": u.prompt,
                }
                for u in upcoming
            ]
        )
        return
    span = "the next day" if days == 1 else f"the next {days} days"
    if not upcoming:
        click.echo(f"Nothing with a set time in {span}. Enjoy the space.")
    for u in upcoming:
        length = f" ({format_duration(u.duration)})" if u.duration else ""
        click.echo(f"{u.local:%a %d %b %H:%M}  {u.title}{length}")
        if u.prompt:
            click.echo(f"                  {u.prompt}")
    quotas = [
        r
        for r in eng.rituals(couple)
        if r.per_week is not None and r.status == "active"
        if partner is None or partner.strip().lower() in r.participants
    ]
    for r in quotas:
        click.echo(f"Any time this week  {r.title}: {r.schedule}")


@cli.command("feed")
@click.option("--partner", help="Only the rituals this partner takes part in.")
@click.option("--out", "path", help="Write the feed to this file instead of printing it.")
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
    if path is None:
        click.echo(ics, nl=False)
        return
    target = Path(path).expanduser()
    temporary = target.with_name(f".{target.name}.partial")
    try:
        temporary.write_bytes(ics)
        temporary.replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise click.ClickException(
            "could not write the feed there; check that the folder exists and is writable"
        ) from None
    click.echo(f"Saved the calendar feed to {target}.")


# -- streaks, plans and status -------------------------------------------------------------


# -- sharing links and the feed server -----------------------------------------------------


def link_json(link: FeedLinkView, couple: CoupleView) -> dict[str, Any]:
    return {
        "id": link.id,
        "label": link.label,
        "partner": link.partner,
        "created_at": iso_local(link.created_at, couple),
        "last_fetched_at": iso_local(link.last_fetched_at, couple),
        "revoked_at": iso_local(link.revoked_at, couple),
    }


@cli.group("share", invoke_without_command=True)
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
    state = ctx.find_object(CliState)
    assert state is not None
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def share_list_command(state: CliState, include_revoked: bool, as_json: bool) -> None:
    """List sharing links: label, partner, created and last fetched (never the links)."""
    eng = state.engine
    couple = eng.couple(state.couple)
    links = eng.feed_links(couple, include_revoked=include_revoked)
    if as_json:
        echo_json([link_json(link, couple) for link in links])
        return
    if not links:
        click.echo("No calendar links yet. `ritual share` makes one.")
    for link in links:
        who = link.partner or "both"
        fetched = local(link.last_fetched_at, couple) if link.last_fetched_at else "not yet"
        revoked = f", revoked {local(link.revoked_at, couple)}" if link.revoked_at else ""
        click.echo(f"{link.short_id}  {link.label or '(no label)'}  [{who}]")
        click.echo(
            f"          created {local(link.created_at, couple)}, last fetched {fetched}{revoked}"
        )


@share_group.command("revoke")
@click.argument("link_id")
@pass_state
def share_revoke_command(state: CliState, link_id: str) -> None:
    """Turn off the link LINK_ID at once (see `ritual share list`)."""
    link = state.engine.revoke_feed_link(state.couple, link_id)
    label = f" ({link.label})" if link.label else ""
    click.echo(f"Revoked {link.short_id}{label}. Calendars using it will stop updating.")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port."
)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Worker threads."
)
@pass_state
def serve_command(state: CliState, host: str, port: int, threads: int) -> None:
    """Serve the calendar feeds over HTTP until stopped (Ctrl-C); logs go to stderr."""
    from engine.web.serve import log_to_stderr, serve

    log_to_stderr()
    with Engine.open(state.settings.db_url, via="server") as eng:
        serve(eng, host=host, port=port, threads=threads)


# -- privacy: visibility, export, import and erasure ---------------------------------------


# -- history and the database --------------------------------------------------------------


@cli.command("log")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def log_command(state: CliState, limit: int, as_json: bool) -> None:
    """Show the event history, newest first."""
    eng = state.engine
    couple = eng.couple(state.couple)
    entries = eng.history(couple, limit=limit)
    if as_json:
        echo_json([history_json(h, couple) for h in entries])
        return
    for h in entries:
        click.echo(f"{local(h.occurred_at, couple, '%Y-%m-%d %H:%M')}  {h.summary}")


@cli.group("db")
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
    from engine.api import database_revision
    from engine.migrations import head_revision

    current = database_revision(state.settings.db_url)
    head = head_revision()
    click.echo(f"database: {current or 'empty'}; code: {head}")
    if current != head:
        click.echo("Run `ritual db upgrade` (any other command also upgrades on first use).")


def main() -> None:
    """Entry point of the `ritual` console script."""
    cli.main(prog_name="ritual")


if __name__ == "__main__":
    main()
