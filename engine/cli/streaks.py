"""How each ritual is going: `streaks`, and the warm words for a streak."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import streak_json
from engine.cli.options import json_option, moment_in
from engine.cli.output import local, show_list
from engine.cli.state import CliState, pass_state
from engine.views.wording import count_of, times

if TYPE_CHECKING:
    from engine.views.couples import CoupleView
    from engine.views.streaks import StreakLine, StreakView


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


@click.command("streaks")
@click.option("--as-of", "as_of", metavar="TIME", help="Look back from this time (ISO 8601).")
@json_option()
@pass_state
def streaks_command(state: CliState, as_of: str | None, as_json: bool) -> None:
    """How each ritual is going: streaks, strength and this week's progress."""
    eng = state.engine
    couple = eng.couple(state.couple)
    show_list(
        eng.streaks(couple, as_of=moment_in(as_of, couple, eng.now())),
        as_json=as_json,
        to_json=lambda v: streak_json(v, couple),
        lines=lambda v: streak_text(v, couple),
        empty="No rituals yet. `ritual catalog` has ideas to start from.",
    )
