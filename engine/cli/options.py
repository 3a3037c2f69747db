"""Options that several commands share, each written once: --json, --as, --at and the
definition of a ritual that `add` and `edit` both take."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast
from zoneinfo import ZoneInfo

import click

from engine.frozen import frozen

if TYPE_CHECKING:  # the views and vocabularies load with the command that uses them
    from engine.catalog.kinds import RitualKind
    from engine.views.couples import CoupleView

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


def json_option(help: str = "Print JSON.") -> Callable[[F], F]:
    """``--json``: print the command's answer as JSON instead of lines of text."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def viewer_option(fn: Callable[P, R]) -> Callable[P, R]:
    """Add ``--as PARTNER`` to the group, or to a reading command (overriding the group's)."""
    return click.option(
        "--as",
        "viewer",
        metavar="PARTNER",
        help="Read as this partner (default: what you both see).",
    )(fn)


def moment_in(
    text: str | None, couple: CoupleView, now: datetime, partner: str | None = None
) -> datetime | None:
    """A typed moment (``--at``, ``--as-of``) read in the couple's zone (or, given a
    partner's handle, in the zone that partner lives by), or None."""
    from engine.cli.parsing import parse_moment

    return parse_moment(text, zone_of(couple, partner), now) if text else None


def zone_of(couple: CoupleView, partner: str | None) -> ZoneInfo:
    """The zone a partner lives by: their own, or the couple's."""
    wanted = (partner or "").strip().lower()
    own = next((p.time_zone for p in couple.partners if p.handle == wanted), None)
    return ZoneInfo(own or couple.time_zone)


def split_handles(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [h for h in (part.strip() for part in value.split(",")) if h]


def duration_option(value: str | None) -> timedelta | None:
    from engine.cli.parsing import parse_duration

    return None if value is None else parse_duration(value)


@frozen
class RitualFields:
    """What `add` and `edit` take to define a ritual, as the engine's keyword arguments."""

    cron: str | None
    per_week: int | None
    duration: timedelta | None
    participants: list[str] | None
    together: bool | None
    reminder: timedelta | None
    kind: RitualKind | None
    prompts: Sequence[str] | None
    each_local: bool | None = None

    def engine_kwargs(self) -> dict[str, Any]:
        found = dataclasses.asdict(self)
        if found["each_local"] is None:
            del found["each_local"]  # unchanged (edit) or anchored to the couple (add)
        return found


_ADD, _EDIT = 0, 1
_FIELD_HELP = {  # option: (help for add, help for edit)
    "cron": ('Schedule in the couple\'s zone, e.g. "30 7 * * *".', "A new schedule (from now on)."),
    "per_week": ("Times a week, with no fixed times.", "Switch to a weekly count."),
    "duration": ("How long, e.g. 20m or 1h.", "A new duration."),
    "with": (
        "Who takes part, e.g. sam,alex (default: everyone).",
        "Who takes part, e.g. sam,alex.",
    ),
    "together": ("Each partner does it on their own.", "Done together, or by each partner."),
    "reminder": ("Reminder lead time, e.g. 10m.", "A new reminder lead (0 removes it)."),
    "kind": (
        "check-in, appreciation, shared-activity, meeting, reflection, touch, other.",
        "A new kind.",
    ),
    "prompt": ("A prompt; repeat for several.", "Replace the prompts; repeat."),
    "each_local": (
        "One occurrence per partner, at the schedule's time in each one's own zone.",
        "At each partner's own local time, or one shared time in the couple's zone.",
    ),
}


def ritual_fields(*, editing: bool) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """The options defining a ritual, handed to the command as one ``fields`` argument.

    `add` offers ``--each`` (together unless given); `edit` offers ``--together/--each``
    (unchanged unless given); the other options are the same, with help for adding or for
    changing.
    """
    mode = _EDIT if editing else _ADD

    def helped(name: str) -> str:
        return _FIELD_HELP[name][mode]

    together = (
        click.option("--together/--each", default=None, help=helped("together"))
        if editing
        else click.option(
            "--each", "together", flag_value=False, default=None, help=helped("together")
        )
    )
    each_local = (
        click.option(
            "--each-local/--couple-time", "each_local", default=None, help=helped("each_local")
        )
        if editing
        else click.option(
            "--each-local", "each_local", flag_value=True, default=None, help=helped("each_local")
        )
    )
    options = [
        click.option("--cron", help=helped("cron")),
        click.option("--per-week", type=click.IntRange(1, 21), help=helped("per_week")),
        click.option("--duration", help=helped("duration")),
        click.option("--with", "participants", help=helped("with")),
        together,
        click.option("--reminder", help=helped("reminder")),
        click.option("--kind", help=helped("kind")),
        click.option("--prompt", "prompts", multiple=True, help=helped("prompt")),
        each_local,
    ]

    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(fn)
        def wrapper(
            *args: Any,
            cron: str | None,
            per_week: int | None,
            duration: str | None,
            participants: str | None,
            together: bool | None,
            reminder: str | None,
            kind: str | None,
            prompts: Sequence[str],
            each_local: bool | None,
            **kwargs: Any,
        ) -> R:
            fields = RitualFields(
                cron=cron,
                per_week=per_week,
                duration=duration_option(duration),
                participants=split_handles(participants),
                together=together,
                reminder=duration_option(reminder),
                kind=cast("RitualKind | None", kind),
                prompts=prompts or None,
                each_local=each_local,
            )
            return fn(*args, fields=fields, **kwargs)

        decorated: Callable[..., R] = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return decorate
