"""Printing: JSON, a list of things as JSON or text lines, local times, files written."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.history import HistoryEntry

T = TypeVar("T")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))


def echo_lines(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(line)


def show_list(
    items: Sequence[T],
    *,
    as_json: bool,
    to_json: Callable[[T], Any],
    lines: Callable[[T], Iterable[str]],
    empty: str | None = None,
) -> None:
    """The skeleton of every listing: the items as a JSON array, or each one's text lines
    (``empty`` when there is none)."""
    if as_json:
        echo_json([to_json(item) for item in items])
        return
    if not items and empty is not None:
        click.echo(empty)
    for item in items:
        echo_lines(lines(item))


def local(moment: datetime | None, couple: CoupleView, fmt: str = "%a %d %b %H:%M") -> str:
    return "-" if moment is None else moment.astimezone(ZoneInfo(couple.time_zone)).strftime(fmt)


def in_force(moment: datetime, entry: HistoryEntry, couple: CoupleView) -> datetime:
    """A history entry's moment in the couple's zone in force when it happened (today's
    zone for an entry that does not say)."""
    return moment.astimezone(ZoneInfo(entry.time_zone or couple.time_zone))


def indented(text: str) -> list[str]:
    """A text's lines indented under the line that introduces it."""
    return [f"          {line}" for line in text.splitlines()]


def save_file(path: str, data: bytes, *, mode: int | None, what: str) -> Path:
    """Write ``data`` to a regular or new file through a temporary file and a rename
    (``engine.cli.outfile``); a failed write leaves what was there untouched."""
    from engine.cli.outfile import write_file

    try:
        return write_file(path, data, mode=mode)
    except OSError:
        raise click.ClickException(
            f"could not write {what} there; check that the folder exists and is writable "
            "(nothing was changed)"
        ) from None


def times_words(times: Sequence[tuple[str, datetime]], viewer: str | None = None) -> str:
    """Each partner's local time of a shared ritual, "21:00 for sam, 15:00 for alex"
    (the viewer's first, as "you"); "" when their clocks agree."""
    from engine.domain.anchoring import times_line

    line = times_line(times, viewer, {handle: handle for handle, _ in times})
    return (line or "").removesuffix(".")
