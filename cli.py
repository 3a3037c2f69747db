"""The `ritual` command line: parses, calls the Engine, prints. No business logic here.

Errors from the engine become one line on stderr: invalid input exits with 2 (a usage
error), every other engine error with 1. ``--help`` never touches the database.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import textwrap
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import click

from engine import Engine, InvalidInput, NotFound, RitualError
from engine.clock import Clock, utc_now
from engine.config import Settings
from engine.domain.suggest import did_you_mean
from engine.errors import IdempotencyConflict
from engine.invite_views import InviteView
from engine.kinds import RepairAnswer, RepairKind, RitualKind
from engine.outfile import STDOUT
from engine.parsing import format_duration, parse_date, parse_duration, parse_moment
from engine.services.idempotent import InvocationKeys
from engine.views import (
    CoupleView,
    DriftSignal,
    FeedLinkView,
    HeatmapView,
    HistoryEntry,
    PlanView,
    RitualView,
    StatusView,
    StreakLine,
    StreakView,
    TodayItem,
    WeekInsight,
    WeekProgress,
)
from engine.wording import count_of, occurrence_phrase, plural, times

P = ParamSpec("P")
R = TypeVar("R")


class EngineFailure(click.ClickException):
    """An engine error shown as one line; exit code 1."""

    exit_code = 1


class EngineUsageError(EngineFailure):
    """Invalid input shown as one line; exit code 2, like click's own usage errors."""

    exit_code = 2


class EngineConflict(EngineFailure):
    """An idempotency key reused for another command; exit code 3, so that a script tells
    it apart from a refusal."""

    exit_code = IdempotencyConflict.exit_code


LONGEST_WORD = 200
"""Characters of one quoted word kept in a message; a 5,000-digit number is cut short."""


def one_line(message: str) -> str:
    """``message`` as one printable line: a newline, tab, escape or other control (or
    invisible formatting) character a user typed is shown escaped, never acted on, and a
    word longer than :data:`LONGEST_WORD` (a huge number) is cut to its two ends."""
    if not message.isprintable():
        message = "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
            for ch in message
        )
    if len(message) > LONGEST_WORD:
        message = " ".join(
            f"{w[:20]}...{w[-20:]} ({len(w):,} characters)" if len(w) > LONGEST_WORD else w
            for w in message.split(" ")
        )
    return message


class RitualGroup(click.Group):
    """The root group: translates engine errors to exit codes, in one place.

    Click's own usage errors (a missing option, a number out of range, an unreadable
    file) become one line too, pointing at the command's help. Every message leaves
    here as one printable line (:func:`one_line`), whatever input it quotes.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            raise EngineUsageError(one_line(str(exc))) from None
        except IdempotencyConflict as exc:
            raise EngineConflict(one_line(str(exc))) from None
        except RitualError as exc:
            raise EngineFailure(one_line(str(exc))) from None
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else ctx.command_path
            message = exc.format_message().rstrip(".")
            raise EngineUsageError(one_line(f"{message}; see `{path} --help`")) from None
        except click.ClickException as exc:
            if one_line(exc.message) == exc.message:
                raise
            kind = (
                EngineUsageError if exc.exit_code == EngineUsageError.exit_code else EngineFailure
            )
            raise kind(one_line(exc.message)) from None


@dataclasses.dataclass(frozen=True)
class CliSeams:
    """What a caller of the command line may replace: where every moment comes from.

    The console script uses the real clock. A test (or a host that drives the CLI
    in-process) passes ``obj=CliSeams(clock=FixedClock(...))`` to click's ``invoke``, so
    every command, "now" included, sees that moment.
    """

    clock: Clock = utc_now


class CliState:
    """What every command shares; the engine is opened on first use."""

    def __init__(
        self,
        db_url: str | None,
        couple: str | None,
        viewer: str | None = None,
        *,
        clock: Clock = utc_now,
        key: str | None = None,
    ) -> None:
        self.settings = Settings.from_env(db_url=db_url, couple=couple)
        self.viewer = viewer
        self.clock = clock
        # One idempotency key per invocation (the user's, or a fresh one): each command
        # the invocation runs takes the next key derived from it, and the engine retries a
        # command whose connection dropped under that key.
        self.keys = InvocationKeys(key if key is not None else uuid.uuid4().hex)
        self._engine: Engine | None = None
        self._couple: str | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine.open(
                self.settings.db_url,
                clock=self.clock,
                via="cli",
                create=creates_database(),
                keys=self.keys,
            )
        return self._engine

    @property
    def couple(self) -> str:
        """The id of the couple --couple (or RITUAL_COUPLE) names, resolved once."""
        if self._couple is None:
            self._couple = resolve_couple(self.engine, self.settings.couple)
        return self._couple

    def ritual(self, ref: str) -> str:
        """The id of the couple's ritual a typed title, id or id prefix names."""
        return resolve_ritual(self.engine, self.couple, ref)

    def viewer_for(self, viewer: str | None) -> str | None:
        """Who a read is made as: the command's --as, else the group's, else the shared view."""
        return viewer or self.viewer

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


PREFIX_LEAST = 4
"""The fewest characters of an id that the CLI accepts as a prefix."""


def resolve_couple(engine: Engine, ref: str | None) -> str:
    """A couple the way people type it: its name (any case), id, or an id prefix of at least
    four characters; with nothing typed, the only couple in the database."""
    couples = engine.couples()
    if ref is None or not ref.strip():
        if len(couples) == 1:
            return couples[0].id
        if not couples:
            raise NotFound("no couple yet; start with `ritual init`")
        raise InvalidInput("this database holds several couples; name one with --couple")
    wanted = ref.strip()
    for c in couples:
        if wanted == c.id or wanted.casefold() == c.name.casefold():
            return c.id
    prefixed = [c.id for c in couples if len(wanted) >= PREFIX_LEAST and c.id.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise InvalidInput("that id prefix matches several couples; give more of it")
    for erased in engine.erased_couples():
        if wanted == erased or (len(wanted) >= PREFIX_LEAST and erased.startswith(wanted)):
            engine.couple(erased)  # raises NotFound, saying the couple was erased
    # A name is suggested only when the database holds one couple: then it can only be
    # the asker's own, and a hosted database never reveals one couple to another.
    hint = did_you_mean(wanted, [couples[0].name]) if len(couples) == 1 else ""
    if not hint and len(wanted) < PREFIX_LEAST and looks_like_id(wanted):
        raise InvalidInput(f"give at least {PREFIX_LEAST} characters of the id")
    raise NotFound(f"no couple by that name or id{hint or '; see `ritual couples`'}")


def looks_like_id(text: str) -> bool:
    """Whether ``text`` could be the start of an id (hexadecimal digits)."""
    return bool(text) and all(ch in "0123456789abcdef" for ch in text.lower())


def resolve_ritual(engine: Engine, couple_id: str, ref: str) -> str:
    """A ritual the way people type it: its title (any case), id, or an id prefix of at
    least four characters."""
    try:
        return engine.ritual(couple_id, ref).id
    except NotFound:
        wanted = ref.strip().lower()
        rituals = engine.rituals(couple_id, include_retired=True)
        prefixed = [
            r.id for r in rituals if len(wanted) >= PREFIX_LEAST and r.id.startswith(wanted)
        ]
        if len(prefixed) == 1:
            return prefixed[0]
        if prefixed:
            raise InvalidInput("that id prefix matches several rituals; give more of it") from None
        if len(wanted) < PREFIX_LEAST and looks_like_id(wanted):
            raise InvalidInput(f"give at least {PREFIX_LEAST} characters of the id") from None
        titles = [r.title for r in rituals if r.status != "retired"]
        hint = did_you_mean(ref.strip(), titles) or "; see `ritual list`"
        raise NotFound(f"unknown ritual '{ref.strip()[:60]}'{hint}") from None


CREATING_COMMANDS = (("init",), ("import",), ("db", "upgrade"))
"""The commands that may create a SQLite database file; every other one reads a database
that must already be there, so a mistyped path is an error rather than a new, empty file."""


def creates_database() -> bool:
    ctx = click.get_current_context(silent=True)
    names = tuple(ctx.command_path.split()[1:]) if ctx else ()
    return any(names[: len(c)] == c for c in CREATING_COMMANDS)


def pass_state(fn: Callable[Concatenate[CliState, P], R]) -> Callable[P, R]:
    """Hand the command the shared CLI state."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        state = click.get_current_context().find_object(CliState)
        assert state is not None
        return fn(state, *args, **kwargs)

    return wrapper


def viewer_option(fn: Callable[P, R]) -> Callable[P, R]:
    """Add ``--as PARTNER`` to the group, or to a reading command (overriding the group's)."""
    return click.option(
        "--as",
        "viewer",
        metavar="PARTNER",
        help="Read as this partner (default: what you both see).",
    )(fn)


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
        "id": h.entry_id,
        "undone": h.undone,
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
@click.option(
    "--idempotency-key",
    "idempotency_key",
    metavar="KEY",
    envvar="RITUAL_IDEMPOTENCY_KEY",
    help="Run this command at most once: run it again with the same KEY (after a lost "
    "reply, say) and nothing is stored twice [env: RITUAL_IDEMPOTENCY_KEY].",
)
@viewer_option
@click.version_option(package_name="ritual-engine")
@click.pass_context
def cli(
    ctx: click.Context,
    db_url: str | None,
    couple: str | None,
    idempotency_key: str | None,
    viewer: str | None,
) -> None:
    """Small, steady rituals for a couple, kept as an event log and shared as calendars."""
    seams = ctx.obj if isinstance(ctx.obj, CliSeams) else CliSeams()
    state = CliState(db_url, couple, viewer, clock=seams.clock, key=idempotency_key)
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
        name,
        partners,
        tz,
        freezes_per_month=freezes,
        proxy_checkins=proxy_checkins,
        templates=[tpl.key for tpl in starter_templates()] if starter else (),
    )
    click.echo(f"Welcome, {couple.name}. Your rituals will follow {couple.time_zone} time.")
    for r in eng.rituals(couple):
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
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
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
        echo_json(
            {
                "id": c.id,
                "name": c.name,
                "time_zone": c.time_zone,
                "partners": list(c.handles),
                "freezes_per_month": c.freezes_per_month,
                "proxy_checkins": c.proxy_checkins,
            }
        )
        return
    click.echo(f"{c.name}: {c.time_zone}, partners {', '.join(c.handles)}")
    click.echo(f"streak freezes a month: {c.freezes_per_month}")
    click.echo(f"one partner may check in for both: {'yes' if c.proxy_checkins else 'no'}")
    if c.time_zone != before.time_zone:
        click.echo(
            f"From now on your rituals follow {c.time_zone} time; what you already lived "
            f"keeps its {before.time_zone} times."
        )


# -- rituals -------------------------------------------------------------------------------


@cli.command("add")
@click.argument("title", required=False)
@click.option("--cron", help='Schedule in the couple\'s zone, e.g. "30 7 * * *".')
@click.option("--per-week", type=click.IntRange(1, 21), help="Times a week, with no fixed times.")
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
        kind=cast(RitualKind | None, kind),
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
@click.option("--per-week", type=click.IntRange(1, 21), help="Switch to a weekly count.")
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
        state.ritual(ritual),
        title=title,
        cron=cron,
        per_week=per_week,
        duration=duration_option(duration),
        participants=split_handles(participants),
        together=together,
        reminder=duration_option(reminder),
        kind=cast(RitualKind | None, kind),
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
    r = state.engine.pause_ritual(state.couple, state.ritual(ritual), until=day)
    when = f" until {day.isoformat()}" if day else " until you resume it"
    click.echo(f"Paused {r.title}{when}. It will be here when you are ready.")


@cli.command("resume")
@click.argument("ritual")
@pass_state
def resume_command(state: CliState, ritual: str) -> None:
    """Resume a paused RITUAL."""
    r = state.engine.resume_ritual(state.couple, state.ritual(ritual))
    click.echo(f"Welcome back to {r.title}.")


@cli.command("retire")
@click.argument("ritual")
@pass_state
def retire_command(state: CliState, ritual: str) -> None:
    """Retire RITUAL for good; its history stays."""
    r = state.engine.retire_ritual(state.couple, state.ritual(ritual))
    click.echo(f"Retired {r.title}. Thank you for the times you shared it.")


# -- logging -------------------------------------------------------------------------------


@cli.command("checkin")
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
    """Record that RITUAL happened."""
    eng = state.engine
    couple = eng.couple(state.couple)
    from zoneinfo import ZoneInfo

    moment = parse_moment(at, ZoneInfo(couple.time_zone), eng.now()) if at else None
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
    today = eng.now().astimezone(ZoneInfo(couple.time_zone)).date()
    when = f" ({occurrence_phrase(done.local, today)})" if done.local else ""  # as it was due
    weeks = "" if done.occurrence else " " + plural("week", done.streak)
    streak = f"Streak: {done.streak}{weeks}." if done.streak else "Saved."
    who = " and ".join(done.partners or (done.partner,))
    click.echo(f"Checked in {done.title}{when} for {who}. {streak}")


@cli.command("skip")
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
    from zoneinfo import ZoneInfo

    assert ritual is not None
    moment = parse_moment(at, ZoneInfo(couple.time_zone), eng.now()) if at else None
    skipped = eng.skip(couple, state.ritual(ritual), by=partner, at=moment, reason=reason)
    click.echo(f"Let {skipped.title} of {skipped.local:%a %d %b %H:%M} go. Streak untouched.")


@cli.command("undo")
@click.argument("entry_id", required=False)
@click.option("--by", "partner", required=True, help="Your handle: only you can undo your entry.")
@pass_state
def undo_command(state: CliState, entry_id: str | None, partner: str) -> None:
    """Take back your newest entry of the last 7 days, or ENTRY_ID (see `ritual log`)."""
    undone = state.engine.undo(state.couple, by=partner, entry=entry_id)
    click.echo(f"Undone: {undone.summary}. It no longer counts anywhere; the log keeps a note.")


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
    rid = state.engine.repair(state.couple, by=partner, kind=cast(RepairKind, kind), note=note)
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
    state.engine.respond_to_repair(
        state.couple, repair_id, by=partner, answer=cast(RepairAnswer, final), note=note
    )
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def rules_show_command(state: CliState, as_json: bool) -> None:
    """Show the ground rules."""
    rules = state.engine.ground_rules(state.couple)
    if as_json:
        echo_json([{"number": n, "rule": rule} for n, rule in enumerate(rules, start=1)])
        return
    if not rules:
        click.echo("No ground rules yet. Agree on some with `ritual rules set`.")
    for n, rule in enumerate(rules, start=1):
        click.echo(f"{n}. {rule}")


@cli.group("capsule")
def capsule_group() -> None:
    """Time capsules: letters to open in a few months."""


MESSAGE_FILE_MAX = 1_000_000
"""Bytes read from a capsule message file; far more than the longest letter."""


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
        raise InvalidInput("give the message as an argument or with --file, not both")
    if path is not None:
        data = path.read(MESSAGE_FILE_MAX + 1)
        if len(data) > MESSAGE_FILE_MAX:
            raise InvalidInput("the message file is longer than a capsule can hold")
        try:
            message = data.decode("utf-8-sig")  # a byte order mark is not part of the message
        except UnicodeDecodeError:
            raise InvalidInput(
                "the message file is not UTF-8 text; save it as UTF-8 and try again"
            ) from None
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
@viewer_option
@pass_state
def capsule_list_command(state: CliState, as_json: bool, viewer: str | None) -> None:
    """List capsules and their opening dates (contents stay sealed)."""
    capsules = state.engine.capsules(state.couple, viewer=state.viewer_for(viewer))
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


# -- streaks, plans and status -------------------------------------------------------------


@cli.group("plan")
def plan_group() -> None:
    """A plan of weeks, each with a theme, a few tasks and new rituals."""


def plan_json(v: PlanView) -> dict[str, Any]:
    def day(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "plan": v.template,
        "id": v.id,
        "title": v.title,
        "starts_on": day(v.starts_on),
        "week": v.week,
        "weeks_total": v.weeks_total,
        "theme": v.theme,
        "week_starts_on": day(v.week_starts_on),
        "week_ends_on": day(v.week_ends_on),
        "days_left": v.days_left,
        "over": v.over,
        "tasks_done": v.tasks_done,
        "tasks_total": v.tasks_total,
        "percent": v.percent,
        "pace": v.pace,
        "tasks": [{"key": t.key, "text": t.text, "done": t.done, "by": t.by} for t in v.tasks],
        "earlier_open": [{"key": t.key, "week": t.week, "text": t.text} for t in v.earlier_open],
        "weeks": [
            {
                "week": w.number,
                "theme": w.theme,
                "starts_on": day(w.starts_on),
                "tasks_done": w.tasks_done,
                "tasks_total": w.tasks_total,
                "extensions": w.extensions,
            }
            for w in v.weeks
        ],
        "paused_since": day(v.paused_since),
        "finished_on": day(v.finished_on),
        "rituals": [
            {"id": r.id, "title": r.title, "week": r.week, "status": r.status} for r in v.rituals
        ],
        "rituals_added": list(v.rituals_added),
        "rituals_reused": [{"kept": kept, "in_place_of": plan} for kept, plan in v.rituals_reused],
    }


def echo_rituals_added(v: PlanView) -> None:
    if v.rituals_added:
        click.echo(
            f"New with this week: {', '.join(v.rituals_added)}. "
            "They are yours to change with `ritual edit`."
        )


def echo_rituals_reused(v: PlanView) -> None:
    for kept, plan in v.rituals_reused:
        click.echo(f"Your {kept} serves as the plan's {plan}, so it was not added twice.")


def pace_line(v: PlanView) -> str:
    """The tasks done and the pace, in one kind sentence."""
    summary = f"{v.tasks_done} of {v.tasks_total} tasks done ({v.percent}%)"
    if v.pace == "finished":
        return f"{summary}. You finished the plan on {v.finished_on:%a %d %b %Y}."
    if v.pace == "paused":
        return (
            f"{summary}. Paused since {v.paused_since:%a %d %b}; "
            "`ritual plan resume` when you are ready."
        )
    if v.pace == "behind":
        return f"{summary}. You are taking it slower, and that is fine."
    return f"{summary}: right on pace."


def echo_pace(v: PlanView) -> None:
    click.echo(pace_line(v))
    if v.pace == "behind":
        keys = ", ".join(t.key for t in v.earlier_open)
        room = "" if v.over else ", or give this week more room with `ritual plan extend`"
        click.echo(
            f"Still open from earlier weeks: {keys}. Mark them done whenever they happen{room}."
        )


def plan_over_line(v: PlanView) -> str:
    """A plan whose weeks have all run: it has ended, and finishing is the next step."""
    last = f" (the last day was {v.week_ends_on:%a %d %b})" if v.week_ends_on else ""
    return (
        f"{v.title}: all {v.weeks_total} weeks have run their course{last}. "
        "Choose what continues with `ritual plan finish --keep RITUAL` (or --keep-all)."
    )


@plan_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def plan_list_command(state: CliState, as_json: bool) -> None:
    """List the plans you can start."""
    templates = state.engine.plan_templates()
    if as_json:
        echo_json(
            [
                {
                    "key": t.key,
                    "title": t.title,
                    "summary": t.summary,
                    "weeks": [{"week": w.number, "theme": w.theme} for w in t.weeks],
                }
                for t in templates
            ]
        )
        return
    for t in templates:
        click.echo(f"{t.key}  {t.title}, {len(t.weeks)} weeks")
        click.echo(f"    {t.summary}")


@plan_group.command("start")
@click.argument("template", required=False, default="reconnect-8-weeks")
@click.option("--on", "on", metavar="DATE", help="The day week 1 begins (default: today).")
@pass_state
def plan_start_command(state: CliState, template: str, on: str | None) -> None:
    """Start the plan TEMPLATE (default: reconnect-8-weeks)."""
    v = state.engine.start_plan(state.couple, template, on=parse_date(on) if on else None)
    if v.week == 0:
        click.echo(f"{v.title} begins on {v.starts_on:%a %d %b}. Week 1: {v.weeks[0].theme}.")
    else:
        click.echo(f"{v.title} has begun. Week {v.week}: {v.theme}.")
    echo_rituals_added(v)
    echo_rituals_reused(v)
    click.echo("See this week's tasks with `ritual plan status`.")


@plan_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def plan_status_command(state: CliState, as_json: bool) -> None:
    """Where you are in the plan, and this week's tasks."""
    v = state.engine.plan_status(state.couple)
    if as_json:
        echo_json(plan_json(v) if v else None)
        return
    if v is None:
        click.echo("No plan yet. `ritual plan list` shows the plans you can start.")
        return
    echo_rituals_added(v)
    if v.week == 0:
        click.echo(f"{v.title} begins on {v.starts_on:%a %d %b}. Week 1: {v.weeks[0].theme}.")
        return
    if v.over and v.pace != "finished":
        click.echo(plan_over_line(v))
        echo_pace(v)
    else:
        header = f"{v.title}, week {v.week} of {v.weeks_total}: {v.theme}"
        if v.week_ends_on and v.days_left is not None:
            left = {0: "its last day", 1: "1 more day"}.get(
                v.days_left, f"{count_of(v.days_left, 'more day')}"
            )
            header += f" (until {v.week_ends_on:%a %d %b}, {left})"
        click.echo(header)
        for t in v.tasks:
            who = f" (by {t.by})" if t.by else ""
            click.echo(f"  [{'x' if t.done else ' '}] {t.key}{who}")
            click.echo(f"      {t.text}")
        echo_pace(v)
        if v.week == v.weeks_total and v.pace != "finished":
            click.echo(
                "This is the last week: when it ends, `ritual plan finish` keeps the rituals "
                "you choose (or `ritual plan extend` gives it another week)."
            )
    if v.rituals:
        click.echo(f"Rituals from this plan: {', '.join(r.title for r in v.rituals)}.")
    echo_rituals_reused(v)


@plan_group.command("done")
@click.argument("task")
@click.option("--by", "partner", help="Who did it (default: the two of you together).")
@pass_state
def plan_done_command(state: CliState, task: str, partner: str | None) -> None:
    """Mark TASK (its key, e.g. w1-letters) done."""
    v = state.engine.plan_task_done(state.couple, task, by=partner)
    who = f" by {partner.strip().lower()}" if partner else " together"
    click.echo(
        f"Marked {task.strip().lower()} done{who}. {v.tasks_done} of {v.tasks_total} so far."
    )
    echo_rituals_added(v)


@plan_group.command("extend")
@pass_state
def plan_extend_command(state: CliState) -> None:
    """Give the current week another week."""
    v = state.engine.extend_plan_week(state.couple)
    click.echo(f"Week {v.week} now runs until {v.week_ends_on:%a %d %b}. Take the time you need.")


@plan_group.command("pause")
@pass_state
def plan_pause_command(state: CliState) -> None:
    """Pause the plan; no new week begins until you resume it."""
    state.engine.pause_plan(state.couple)
    click.echo(
        "The plan is paused and its weeks will wait for you. "
        "Your rituals carry on unless you pause them too."
    )


@plan_group.command("resume")
@pass_state
def plan_resume_command(state: CliState) -> None:
    """Resume a paused plan from today."""
    v = state.engine.resume_plan(state.couple)
    click.echo(f"Welcome back to week {v.week}: {v.theme}.")
    echo_rituals_added(v)


@plan_group.command("finish")
@click.option("--keep", "keep", multiple=True, metavar="RITUAL", help="A ritual to keep; repeat.")
@click.option("--keep-all", is_flag=True, help="Keep every ritual the plan added.")
@click.option("--keep-none", is_flag=True, help="Retire every ritual the plan added.")
@pass_state
def plan_finish_command(
    state: CliState, keep: Sequence[str], keep_all: bool, keep_none: bool
) -> None:
    """Finish the plan, choosing which of its rituals continue."""
    if sum((bool(keep), keep_all, keep_none)) != 1:
        raise click.UsageError(
            "choose what continues: --keep RITUAL (repeat it), --keep-all or --keep-none"
        )
    kept = [state.ritual(ref) for ref in keep]
    v = state.engine.finish_plan(state.couple, keep=kept, keep_all=keep_all)
    kept = [r.title for r in v.rituals if r.status != "retired"]
    click.echo(f"You finished {v.title}. Well done.")
    if kept:
        click.echo(f"Carrying on: {', '.join(kept)}.")
    click.echo("Retired rituals keep their history; add one again any time.")


@cli.command("insights")
@click.option("--weeks", type=int, default=8, show_default=True, help="Weeks to show (1 to 52).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def insights_command(state: CliState, weeks: int, as_json: bool) -> None:
    """Your practice week by week, and anything worth a gentle look together."""
    view = state.engine.insights(state.couple, weeks=weeks)
    if as_json:
        echo_json(
            {
                "weeks": [insight_json(w) for w in view.weeks],
                "closeness_trend": view.closeness_trend,
                "signals": [
                    {
                        "key": s.key,
                        "observation": s.observation,
                        "suggestion": s.suggestion,
                        "facts": s.facts,
                    }
                    for s in view.signals
                ],
            }
        )
        return
    rows: list[tuple[str, ...]] = [
        ("week", "check-ins", "appreciations", "repairs", "pauses", "closeness")
    ]
    rows += [insight_row(w) for w in view.weeks]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    trend = CLOSENESS_TRENDS.get(view.closeness_trend or "")
    if trend:
        click.echo(f"\nCloseness ratings over these weeks {trend}.")
    click.echo()
    for text in signal_lines(view.signals):
        click.echo(text)


def signal_lines(signals: Sequence[DriftSignal]) -> list[str]:
    """Each drift signal's observation and suggestion, or one calm line when there is none."""
    if not signals:
        return ["Nothing here asks for attention. Keep tending the small things."]
    lines = ["Worth a gentle look together:"]
    for s in signals:
        lines.append(textwrap.fill(s.observation, 88, initial_indent="- ", subsequent_indent="  "))
        lines.append(textwrap.fill(s.suggestion, 88, initial_indent="  ", subsequent_indent="  "))
    return lines


CLOSENESS_TRENDS = {
    "rising": "have risen",
    "steady": "have held steady",
    "falling": "have dipped a little",
}


def insight_json(w: WeekInsight) -> dict[str, Any]:
    return {
        "week": w.week,
        "starts_on": w.starts_on.isoformat(),
        "checkins": w.checkins,
        "appreciations_given": w.appreciations_given,
        "appreciations_shared": w.appreciations_shared,
        "repairs_attempted": w.repairs_attempted,
        "repairs_accepted": w.repairs_accepted,
        "repairs_not_yet": w.repairs_not_yet,
        "repairs_share_accepted": w.repairs_share_accepted,
        "timeouts_called": w.timeouts_called,
        "timeout_minutes": list(w.timeout_minutes),
        "closeness_average": w.closeness_average,
        "closeness_ratings": w.closeness_ratings,
    }


def insight_row(w: WeekInsight) -> tuple[str, ...]:
    answered = w.repairs_accepted + w.repairs_not_yet
    repairs = str(w.repairs_attempted)
    if answered:
        repairs += f" ({w.repairs_accepted} of {answered} accepted)"
    pauses = str(w.timeouts_called)
    if w.timeout_minutes:
        pauses += f" ({', '.join(f'{m} min' for m in w.timeout_minutes)})"
    return (
        w.week,
        ", ".join(f"{h} {n}" for h, n in w.checkins.items()),
        f"{w.appreciations_given} ({w.appreciations_shared} shared)",
        repairs,
        pauses,
        "-" if w.closeness_average is None else f"{w.closeness_average:.1f}",
    )


def streak_line_json(line: StreakLine, couple: CoupleView) -> dict[str, Any]:
    rate = line.completion_rate
    return {
        "current": line.current,
        "best": line.best,
        "done": line.done,
        "skipped": line.skipped,
        "missed": line.missed,
        "pending": line.pending,
        "freezes_used": line.freezes_used,
        "last_freeze": line.last_freeze.isoformat() if line.last_freeze else None,
        "completion_rate": None if rate is None else round(rate, 3),
        "last_done": iso_local(line.last_done, couple),
        "strength": round(line.strength, 3),
    }


def week_json(week: WeekProgress | None) -> dict[str, Any] | None:
    if week is None:
        return None
    return {
        "week_start": week.week_start.isoformat(),
        "target": week.target,
        "done": week.done,
        "partners": dict(week.by_partner),
    }


def streak_json(view: StreakView, couple: CoupleView) -> dict[str, Any]:
    return {
        "ritual": view.title,
        "ritual_id": view.ritual_id,
        "unit": view.unit,
        "status": view.status,
        **streak_line_json(view.couple, couple),
        "partners": {p.partner: streak_line_json(p.figures, couple) for p in view.partners},
        "this_week": week_json(view.this_week),
    }


def in_a_row(count: int, unit: str) -> str:
    if unit == "week":
        return f"{count_of(count, 'week')} in a row"
    return f"{count} in a row"


def streak_headline(view: StreakView) -> str:
    """The couple's streak of a ritual that keeps one, said warmly and truly: never a
    tally of misses, never a word the figures beside it contradict."""
    line = view.couple
    if line.current and line.missed and line.current <= 7:
        headline = f"back at it, {in_a_row(line.current, view.unit)}"
    elif line.current:
        headline = in_a_row(line.current, view.unit)
    elif line.best:
        headline = "a fresh start is one check-in away"
    elif view.unit == "week" and line.check_ins:
        aim = f" of {view.this_week.target}" if view.this_week else ""
        logged = count_of(line.check_ins, "check-in")
        headline = f"no full week{aim} yet, {logged} so far; every one counts"
    elif line.missed or line.check_ins:
        headline = "not done together yet; the next one is a fresh start"
    else:
        headline = "ready for its first time"
    return headline + (f" (best {line.best})" if line.best > line.current else "")


def freeze_text(day: date) -> str:
    return f"A freeze covered {day:%a %d %b}, so your streak held."


def held_freeze(line: StreakLine) -> date | None:
    """The freeze to mention: only one inside the streak that is running now."""
    return line.held_by_freeze if line.current else None


def streak_text(view: StreakView, couple: CoupleView) -> list[str]:
    """A few warm lines about one ritual: what is going well, never a tally of misses."""
    line = view.couple
    title = view.title + (" (paused)" if view.status == "paused" else "")
    if view.unit == "occasional":
        if not line.done:
            return [f"{title}: ready whenever you are."]
        last = local(line.last_done, couple, "%a %d %b")
        return [f"{title}: shared {times(line.done)}, most recently on {last}."]
    headline = streak_headline(view)
    if line.strength >= 0.005:
        headline += f", strength {round(line.strength * 100)}%"
    details = []
    week = view.this_week
    if week is not None:
        details.append(f"this week {week.done} of {week.target}")
        details += [f"{who} {n}" for who, n in week.by_partner if n != week.done]
    elif line.completion_rate is not None:
        details.append(f"last 4 weeks {round(line.completion_rate * 100)}% done")
    details += [
        f"{p.partner} {in_a_row(p.figures.current, view.unit)}"
        for p in view.partners
        if p.figures.current and p.figures.current != line.current
    ]
    lines = [f"{title}: {headline}"]
    if details:
        lines.append("  " + " · ".join(details))
    if (freeze := held_freeze(line)) is not None:
        lines.append(f"  {freeze_text(freeze)}")
    return lines


@cli.command("streaks")
@click.option("--as-of", "as_of", metavar="TIME", help="Look back from this time (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def streaks_command(state: CliState, as_of: str | None, as_json: bool) -> None:
    """How each ritual is going: streaks, strength and this week's progress."""
    from zoneinfo import ZoneInfo

    eng = state.engine
    couple = eng.couple(state.couple)
    moment = parse_moment(as_of, ZoneInfo(couple.time_zone), eng.now()) if as_of else None
    views = eng.streaks(couple, as_of=moment)
    if as_json:
        echo_json([streak_json(v, couple) for v in views])
        return
    if not views:
        click.echo("No rituals yet. `ritual catalog` has ideas to start from.")
    for view in views:
        for text in streak_text(view, couple):
            click.echo(text)


RECENT_FREEZE = timedelta(days=7)
"""A freeze this recent is mentioned on the status."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HEAT_PLAIN = (".", "o", "O", "#")
HEAT_STYLES: tuple[dict[str, Any], ...] = (
    {"fg": "bright_black"},
    {"fg": "green", "dim": True},
    {"fg": "green"},
    {"fg": "bright_green", "bold": True},
)
HEAT_WORDS = ("a quiet day", "some", "most", "all done")


def wants_colour(ctx: click.Context) -> bool:
    """Colour on a terminal (or when the context asks for it), never with NO_COLOR set."""
    if os.environ.get("NO_COLOR"):
        return False
    if ctx.color is not None:
        return ctx.color
    return sys.stdout.isatty()


def heat_level(share: float) -> int:
    """0 a quiet day (nothing done, or nothing due), 1 some, 2 half or more, 3 all done."""
    if share >= 1:
        return 3
    if share >= 0.5:
        return 2
    return 1 if share > 0 else 0


def heat_cell(share: float | None, colour: bool) -> str:
    if share is None:
        return " "
    level = heat_level(share)
    return click.style("■", **HEAT_STYLES[level]) if colour else HEAT_PLAIN[level]


def heatmap_lines(heatmap: HeatmapView, colour: bool) -> list[str]:
    """Weekdays down, weeks across (the oldest left), each month's name over its first week."""
    mondays = [heatmap.start + timedelta(weeks=n) for n in range(len(heatmap.weeks))]
    labels = [(n, d) for n, d in enumerate(mondays) if n == 0 or d.month != mondays[n - 1].month]
    if len(labels) > 1 and labels[1][0] == 1:
        labels.pop(0)  # the first week's month name would run into the next one
    header = ""
    for n, monday in labels:
        header = header.ljust(2 * n) + f"{monday:%b}"
    lines = [f"       {header}"]
    for row, name in enumerate(WEEKDAYS):
        cells = " ".join(heat_cell(week[row], colour) for week in heatmap.weeks)
        lines.append(f"  {name}  {cells}".rstrip())
    legend = [f"{heat_cell(level / 3, colour)} {word}" for level, word in enumerate(HEAT_WORDS)]
    lines.append("       " + "  ".join(reversed(legend)))
    return lines


def strength_bar(strength: float, colour: bool, width: int = 10) -> str:
    filled = round(strength * width)
    percent = f"{round(strength * 100)}%"
    if not colour:
        return f"[{'#' * filled}{'-' * (width - filled)}] {percent}"
    done = click.style("■" * filled, fg="green") if filled else ""
    rest = click.style("■" * (width - filled), fg="bright_black") if filled < width else ""
    return f"{done}{rest} {percent}"


def join_words(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def today_words(item: TodayItem, as_of: datetime) -> str:
    """Where one of today's rituals stands; what is still open is never called late."""
    week = item.this_week
    if week is not None:
        counts = [f"{who} {n}" for who, n in week.by_partner if n != week.done]
        text = f"{week.done} of {week.target} this week"
        text += f" ({', '.join(counts)})" if counts else ""
        return text + (", done for this week" if item.status == "done" else "")
    if item.status == "done":
        return "done" if len(item.participants) == 1 else f"done by {join_words(item.by)}"
    if item.status == "skipped":
        return "let go for today"
    if item.by:
        waiting = join_words([p for p in item.participants if p not in item.by])
        return f"{join_words(item.by)} checked in; {waiting} can add theirs until tomorrow ends"
    if item.at is not None and item.at > as_of:
        return "coming up"
    return "still open until tomorrow ends"


def plan_lines(v: PlanView) -> list[str]:
    if v.week == 0:
        return [f"Plan: {v.title} begins on {v.starts_on:%a %d %b}. Week 1: {v.weeks[0].theme}."]
    if v.over and v.pace != "finished":
        return [f"Plan: {plan_over_line(v)}", f"  {pace_line(v)}"]
    heading = f"Plan: {v.title}"
    if v.pace != "finished":
        heading += f", week {v.week} of {v.weeks_total}: {v.theme}"
    return [heading, f"  {pace_line(v)}"]


def status_text(view: StatusView, couple: CoupleView, colour: bool) -> list[str]:
    """The status screen: today, streaks, the plan, the last weeks, and any suggestion."""
    if view.empty:
        return [
            f"Welcome, {couple.name}. Your story here starts with a first ritual: add one with "
            "`ritual add`, or find one to begin with in `ritual catalog`."
        ]
    lines = [f"{couple.name}, {view.day:%A %d %B}"]
    if view.today:
        lines += ["", "Today"]
        width = max(len(t.title) for t in view.today)
        for t in view.today:
            when = f"{t.local:%H:%M}" if t.local else " " * 5
            lines.append(f"  {when}  {t.title.ljust(width)}  {today_words(t, view.as_of)}")
    if view.streaks:
        lines += ["", "Streaks"]
        width = max(len(s.title) for s in view.streaks)
        heads = [streak_headline(s) for s in view.streaks]
        head_width = max(len(h) for h in heads)
        for s, head in zip(view.streaks, heads, strict=True):
            bar = strength_bar(s.couple.strength, colour)
            lines.append(f"  {s.title.ljust(width)}  {head.ljust(head_width)}  {bar}")
            freeze = held_freeze(s.couple)
            if freeze and view.day - freeze <= RECENT_FREEZE:
                lines.append(f"    {freeze_text(freeze)}")
    if view.plan:
        lines += ["", *plan_lines(view.plan)]
    lines += ["", f"The last {len(view.heatmap.weeks)} weeks"]
    lines += heatmap_lines(view.heatmap, colour)
    return [*lines, "", *signal_lines(view.suggestions)]


def status_json(view: StatusView, couple: CoupleView) -> dict[str, Any]:
    plan = view.plan
    return {
        "day": view.day.isoformat(),
        "today": [
            {
                "ritual": t.title,
                "ritual_id": t.ritual_id,
                "time": iso_local(t.at, couple),
                "status": t.status,
                "by": list(t.by),
                "participants": list(t.participants),
                "this_week": week_json(t.this_week),
            }
            for t in view.today
        ],
        "streaks": [
            {
                "ritual": s.title,
                "ritual_id": s.ritual_id,
                "unit": s.unit,
                "current": s.couple.current,
                "best": s.couple.best,
                "strength": round(s.couple.strength, 3),
                "freezes_used": s.couple.freezes_used,
                "last_freeze": s.couple.last_freeze.isoformat() if s.couple.last_freeze else None,
            }
            for s in view.streaks
        ],
        "plan": None
        if plan is None
        else {
            "plan": plan.template,
            "title": plan.title,
            "week": plan.week,
            "weeks_total": plan.weeks_total,
            "theme": plan.theme,
            "tasks_done": plan.tasks_done,
            "tasks_total": plan.tasks_total,
            "percent": plan.percent,
            "pace": plan.pace,
        },
        "heatmap": {
            "start": view.heatmap.start.isoformat(),
            "weeks": [
                [None if share is None else round(share, 3) for share in week]
                for week in view.heatmap.weeks
            ],
        },
        "suggestions": [
            {"key": s.key, "observation": s.observation, "suggestion": s.suggestion}
            for s in view.suggestions
        ],
    }


@cli.command("status")
@click.option("--as-of", "as_of", metavar="TIME", help="Look from this time instead (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def status_command(state: CliState, as_of: str | None, as_json: bool) -> None:
    """Today at a glance: rituals, streaks, the plan, the last 12 weeks, anything to look at."""
    from zoneinfo import ZoneInfo

    eng = state.engine
    couple = eng.couple(state.couple)
    moment = parse_moment(as_of, ZoneInfo(couple.time_zone), eng.now()) if as_of else None
    view = eng.status(couple, as_of=moment)
    if as_json:
        echo_json(status_json(view, couple))
        return
    if view.plan is not None:
        echo_rituals_added(view.plan)
    for line in status_text(view, couple, wants_colour(click.get_current_context())):
        click.echo(line)


@cli.command("tick")
@pass_state
def tick_command(state: CliState) -> None:
    """Record what time has brought about: a plan week that began adds its rituals, a
    finished plan retires what it let go (every command does this for what it touches;
    `ritual serve` does it every few minutes). With --couple, for that couple only."""
    eng = state.engine
    couple = state.couple if state.settings.couple else None
    settled = eng.tick(couple)
    if not settled:
        click.echo("Nothing new to record; every plan is up to date.")
    for v in settled:
        click.echo(f"{v.title}: week {v.week} of {v.weeks_total} is under way.")
        echo_rituals_added(v)


@cli.command("rebuild")
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


# -- partner invites: the page on a phone ---------------------------------------------


def invite_json(invite: InviteView, couple: CoupleView) -> dict[str, Any]:
    return {
        "id": invite.id,
        "partner": invite.partner,
        "label": invite.label,
        "base_url": invite.base_url,
        "created_at": iso_local(invite.created_at, couple),
        "revoked_at": iso_local(invite.revoked_at, couple),
    }


@cli.group("invite", invoke_without_command=True)
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
    state = ctx.find_object(CliState)
    assert state is not None
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def invite_list_command(state: CliState, include_revoked: bool, as_json: bool) -> None:
    """List partner invites: partner, label and when made (never the links)."""
    eng = state.engine
    couple = eng.couple(state.couple)
    found = eng.invites(couple, include_revoked=include_revoked)
    if as_json:
        echo_json([invite_json(invite, couple) for invite in found])
        return
    if not found:
        click.echo("No invites yet. `ritual invite --partner HANDLE` makes one.")
    for invite in found:
        revoked = f", revoked {local(invite.revoked_at, couple)}" if invite.revoked_at else ""
        click.echo(f"{invite.short_id}  {invite.label or '(no label)'}  [{invite.partner}]")
        click.echo(
            f"          created {local(invite.created_at, couple)} for {invite.base_url}{revoked}"
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


@cli.command("serve")
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
    from engine.web.serve import log_to_stderr, serve

    log_to_stderr()
    with Engine.open(state.settings.db_url, clock=state.clock, via="server", create=False) as eng:
        serve(eng, host=host, port=port, threads=threads, recheck=timedelta(seconds=recheck))


# -- privacy: visibility, export, import and erasure ---------------------------------------


def text_block(text: str) -> None:
    """Print a text indented under the line that introduces it."""
    for line in text.splitlines():
        click.echo(f"          {line}")


@journal_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@viewer_option
@pass_state
def journal_list_command(state: CliState, as_json: bool, viewer: str | None) -> None:
    """The appreciations you may read: every shared one, and your own journal."""
    eng = state.engine
    couple = eng.couple(state.couple)
    entries = eng.journal(couple, viewer=state.viewer_for(viewer))
    if as_json:
        echo_json(
            [
                {
                    "id": j.id,
                    "short_id": j.id[:8],
                    "author": j.author,
                    "recipient": j.recipient,
                    "text": j.text,
                    "shared": j.shared,
                    "written_at": iso_local(j.written_at, couple),
                }
                for j in entries
            ]
        )
        return
    if not entries:
        click.echo("No appreciations here yet. `ritual appreciate` writes the first one.")
    for j in entries:
        kept = "" if j.shared else f" (in {j.author}'s journal)"
        click.echo(f"{j.id[:8]}  {j.author} to {j.recipient}, {local(j.written_at, couple)}{kept}")
        text_block(j.text)


@cli.command("notes")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@viewer_option
@pass_state
def notes_command(state: CliState, as_json: bool, viewer: str | None) -> None:
    """The notes you may read: your own, shared check-in notes, and reasons for skips."""
    eng = state.engine
    couple = eng.couple(state.couple)
    notes = eng.notes(couple, viewer=state.viewer_for(viewer))
    if as_json:
        echo_json(
            [
                {
                    "kind": n.kind,
                    "author": n.author,
                    "ritual_id": n.ritual_id,
                    "ritual": n.ritual,
                    "text": n.text,
                    "shared": n.shared,
                    "at": iso_local(n.at, couple),
                }
                for n in notes
            ]
        )
        return
    if not notes:
        click.echo("No notes to show here yet.")
    for n in notes:
        about = f" on {n.ritual}" if n.ritual else ""
        who = n.author or "the two of you"
        private = "" if n.shared else " (only you)"
        click.echo(f"{local(n.at, couple)}  {who}, {n.kind}{about}{private}")
        text_block(n.text)


def confirm_by_typing(expected: str, what: str, given: str | None, warning: str) -> None:
    """Ask for ``expected`` to be typed (or given with a --yes-... option) before going on."""
    if given is None:
        click.echo(warning, err=True)
        given = click.prompt(f"Type {what} to go on", default="", show_default=False, err=True)
    if given.strip().casefold() != expected.strip().casefold():
        raise InvalidInput(f"that is not {what}, so nothing was done")


@cli.command("forget")
@click.option("--partner", metavar="P", help="Erase only what this partner wrote (they leave).")
@click.option(
    "--yes-erase",
    "confirmation",
    metavar="NAME",
    help="Confirm without a prompt: the couple's name (with --partner: the partner's handle).",
)
@pass_state
def forget_command(state: CliState, partner: str | None, confirmation: str | None) -> None:
    """Erase the couple for good (or, with --partner, one partner's own words)."""
    eng = state.engine
    couple = eng.couple(state.couple)
    if partner is not None:
        confirm_by_typing(
            partner,
            "the partner's handle",
            confirmation,
            f"This erases everything {partner.strip()[:32]} wrote here, for good: notes, "
            "appreciations, capsule letters and display name. The couple and its rituals stay.",
        )
        done = eng.erase_partner(couple, partner)
        click.echo(f"Done. What {done.partner} wrote can no longer be read by anyone.")
    else:
        confirm_by_typing(
            couple.name,
            "the couple's name",
            confirmation,
            f"This erases {couple.name} for good: every note, appreciation, capsule letter, "
            "rule and name becomes unreadable, and it cannot be undone.",
        )
        done = eng.erase_couple(couple)
        click.echo("Done. Everything the two of you wrote here can no longer be read by anyone.")
    if not done.storage_scrubbed:
        click.echo(
            "The database may keep traces in its own files for a while; "
            "the README's section on erasure says how to clear them.",
            err=True,
        )
    click.echo("Exports and backups you made elsewhere are yours to delete.")


def save_file(path: str, data: bytes, *, mode: int | None, what: str) -> Path:
    """Write ``data`` to a regular or new file through a temporary file and a rename
    (``engine.outfile``); a failed write leaves what was there untouched."""
    from engine.outfile import write_file

    try:
        return write_file(path, data, mode=mode)
    except OSError:
        raise click.ClickException(
            f"could not write {what} there; check that the folder exists and is writable "
            "(nothing was changed)"
        ) from None


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="JSON (documented, re-importable when --full) or a Markdown keepsake.",
)
@click.option(
    "--out",
    "path",
    metavar="FILE",
    help="Write to FILE, readable by you only (a new or regular file; - prints it).",
)
@click.option(
    "--full", is_flag=True, help="Every text of every partner, to move to a new database."
)
@click.option(
    "--yes-export", "confirmation", metavar="NAME", help="Confirm --full: the couple's name."
)
@viewer_option
@pass_state
def export_command(
    state: CliState,
    fmt: str,
    path: str | None,
    full: bool,
    confirmation: str | None,
    viewer: str | None,
) -> None:
    """Export what you may see (or, with --full, everything) as JSON or Markdown."""
    eng = state.engine
    couple = eng.couple(state.couple)
    who = state.viewer_for(viewer)
    if full:
        if fmt != "json" or who is not None:
            raise InvalidInput(
                "a full export is JSON for the whole couple; leave out --as and --format"
            )
        confirm_by_typing(
            couple.name,
            "the couple's name",
            confirmation,
            "A full export holds every private word of every partner, sealed capsules too.",
        )
    if fmt == "json":
        data = eng.export_data(couple, viewer=who, full=full)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = eng.export_markdown(couple, viewer=who)
    if path is None or path == STDOUT:
        click.echo(text, nl=False)
        return
    target = save_file(path, text.encode("utf-8"), mode=0o600, what="the export")
    click.echo(f"Saved to {target}.")
    if full:
        click.echo("It holds every private word: delete it once it is imported.", err=True)


@cli.command("import")
@click.argument("file", type=click.File("rb"))
@pass_state
def import_command(state: CliState, file: Any) -> None:
    """Bring a couple back from a full JSON export (into a database without them)."""
    from engine.export.reading import MAX_FILE_BYTES, parse_export

    couple = state.engine.import_data(parse_export(file.read(MAX_FILE_BYTES + 1)))
    click.echo(f"Welcome back, {couple.name}. Everything is in its place.")


# -- history and the database --------------------------------------------------------------


@cli.command("log")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@viewer_option
@pass_state
def log_command(state: CliState, limit: int, as_json: bool, viewer: str | None) -> None:
    """Show the event history, newest first (without any private text)."""
    eng = state.engine
    couple = eng.couple(state.couple)
    entries = eng.history(couple, limit=limit, viewer=state.viewer_for(viewer))
    if as_json:
        echo_json([history_json(h, couple) for h in entries])
        return
    for h in entries:
        summary = f"(undone) {h.summary}" if h.undone else h.summary
        click.echo(f"{local(h.occurred_at, couple, '%Y-%m-%d %H:%M')}  {h.entry_id[:8]}  {summary}")


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
