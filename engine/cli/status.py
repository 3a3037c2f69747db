"""Today at a glance: `status`, with its strength bars and heatmap."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from engine.cli.insights import signal_lines
from engine.cli.jsonout import status_json
from engine.cli.options import json_option, moment_in
from engine.cli.output import echo_json, echo_lines, times_words
from engine.cli.plan_words import echo_rituals_added, pace_line, plan_over_line
from engine.cli.state import CliState, pass_state
from engine.cli.streaks import freeze_text, held_freeze, streak_headline

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.plans import PlanView
    from engine.views.status import HeatmapView, StatusView, TodayItem

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
        titles = [f"{t.title} ({t.partner})" if t.partner else t.title for t in view.today]
        width = max(len(title) for title in titles)
        for t, title in zip(view.today, titles, strict=True):
            when = f"{t.local:%H:%M}" if t.local else " " * 5
            times = times_words(t.times)
            also = f"  ({times})" if times else ""
            lines.append(f"  {when}  {title.ljust(width)}  {today_words(t, view.as_of)}{also}")
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


@click.command("status")
@click.option("--as-of", "as_of", metavar="TIME", help="Look from this time instead (ISO 8601).")
@json_option()
@pass_state
def status_command(state: CliState, as_of: str | None, as_json: bool) -> None:
    """Today at a glance: rituals, streaks, the plan, the last 12 weeks, anything to look at."""
    eng = state.engine
    couple = eng.couple(state.couple)
    view = eng.status(couple, as_of=moment_in(as_of, couple, eng.now()))
    if as_json:
        echo_json(status_json(view, couple))
        return
    if view.plan is not None:
        echo_rituals_added(view.plan)
    echo_lines(status_text(view, couple, wants_colour(click.get_current_context())))
