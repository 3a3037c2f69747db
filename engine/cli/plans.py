"""A plan of weeks: `plan list|start|status|done|extend|pause|resume|finish`, and `tick`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from engine.cli.jsonout import plan_json, plan_template_json
from engine.cli.options import json_option
from engine.cli.output import echo_json, show_list
from engine.cli.parsing import parse_date
from engine.cli.plan_words import echo_pace, echo_rituals_added, echo_rituals_reused, plan_over_line
from engine.cli.state import CliState, pass_state
from engine.views.wording import count_of


@click.group("plan")
def plan_group() -> None:
    """A plan of weeks, each with a theme, a few tasks and new rituals."""


@plan_group.command("list")
@json_option()
@pass_state
def plan_list_command(state: CliState, as_json: bool) -> None:
    """List the plans you can start."""
    show_list(
        state.engine.plan_templates(),
        as_json=as_json,
        to_json=plan_template_json,
        lines=lambda t: [f"{t.key}  {t.title}, {len(t.weeks)} weeks", f"    {t.summary}"],
    )


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
@json_option()
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


@click.command("tick")
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
