"""How a plan is said: its pace, its end, the rituals a week brings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from engine.views.plans import PlanView


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
