"""Practice week by week and gentle signals: `insights`."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from engine.cli.jsonout import insights_json
from engine.cli.options import json_option
from engine.cli.output import echo_json, echo_lines
from engine.cli.state import CliState, pass_state

if TYPE_CHECKING:
    from engine.views.insights import DriftSignal, WeekInsight


@click.command("insights")
@click.option("--weeks", type=int, default=8, show_default=True, help="Weeks to show (1 to 52).")
@json_option()
@pass_state
def insights_command(state: CliState, weeks: int, as_json: bool) -> None:
    """Your practice week by week, and anything worth a gentle look together."""
    view = state.engine.insights(state.couple, weeks=weeks)
    if as_json:
        echo_json(insights_json(view))
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
    echo_lines(signal_lines(view.signals))


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
