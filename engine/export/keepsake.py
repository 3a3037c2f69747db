"""The Markdown export: a couple's journal to keep, read or print. Pure.

It holds what the viewer may see, like the JSON export, written for people: the rituals
and how they changed, the appreciations, notes and capsule letters, and the history as
a timeline, oldest first. Each past moment is told in the couple's zone in force when it
happened (a couple that moved sees their Berlin evenings as Berlin evenings); the day
the keepsake is made, in today's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.calendar.zones import Zones, zone_at
from engine.domain.ritual import describe
from engine.views.wording import count_of, format_duration

if TYPE_CHECKING:
    from engine.export.document import ExportContent

Zone = ZoneInfo | Zones
"""One zone, or a couple's zones over time (each moment is told in the one in force)."""


def _in(moment: datetime, zone: Zone) -> datetime:
    return moment.astimezone(zone if isinstance(zone, ZoneInfo) else zone_at(zone, moment))


def _day(moment: datetime | date, zone: Zone | None = None) -> str:
    if isinstance(moment, datetime) and zone is not None:
        moment = _in(moment, zone)
    return f"{moment.day} {moment:%B %Y}"


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in text.splitlines()]


def render_markdown(content: ExportContent) -> str:
    """The keepsake as Markdown text."""
    state = content.couple
    zone: Zone = content.zones or state.zone  # past moments: the zone in force then
    seen = f"as {content.viewer} sees it" if content.viewer else "as you both see it"
    out = [
        f"# {state.name}",
        "",
        f"_A keepsake of your rituals, {seen}, made on {_day(content.exported_at, state.zone)}._",
        "",
        "## The two of you" if len(state.partners) == 2 else "## Who you are",
        "",
        *(f"- {p.display_name} ({p.handle})" for p in state.partners),
        "",
        f"Your rituals follow {state.time_zone} time.",
    ]
    if content.ground_rules:
        out += ["", "## Ground rules for difficult talks", ""]
        out += [f"{n}. {rule}" for n, rule in enumerate(content.ground_rules, start=1)]
    out += _rituals(content, zone)
    out += _progress(content)
    if content.journal:
        out += ["", "## Appreciations"]
        for j in content.journal:
            kept = "" if j.shared else f", still in {j.author}'s journal"
            out += [
                "",
                *_quote(j.text),
                f"> — {j.author} to {j.recipient}, {_day(j.written_at, zone)}{kept}",
            ]
    if content.notes:
        out += ["", "## Notes", ""]
        for n in content.notes:
            about = f" ({n.ritual})" if n.ritual else ""
            who = n.author or "the two of you"
            lines = n.text.splitlines() or [""]
            out.append(f"- {_day(n.at, zone)}, {who}, {n.kind}{about}: {lines[0]}")
            out += [f"  {line}" for line in lines[1:]]
    if content.capsules:
        out += ["", "## Time capsules"]
        for c in content.capsules:
            out += ["", f"### From {c.author}, to open on {_day(c.opens_on)}", ""]
            out += _quote(c.message) if c.message else ["_Still sealed. It will keep._"]
    if content.events:
        out += ["", "## Along the way", ""]
        for e in content.events:
            when = _in(e.recorded.occurred_at, zone)
            out.append(f"- {when:%Y-%m-%d %H:%M}: {e.summary}")
    return "\n".join(out) + "\n"


def _rituals(content: ExportContent, zone: Zone) -> list[str]:
    if not content.rituals:
        return []
    out = ["", "## Rituals"]
    for view, ritual in content.rituals:
        parts = [view.schedule]
        if view.duration:
            parts.append(format_duration(view.duration))
        if view.participants:
            parts.append(", ".join(view.participants))
        parts.append(f"since {_day(view.since, zone)}")
        if view.status != "active":
            parts.append(view.status)
        out += ["", f"### {view.title}", "", " · ".join(parts)]
        if view.prompts:
            out += ["", "Prompts:", *(f"- {p}" for p in view.prompts)]
        if len(ritual.definitions) > 1:
            out += ["", "How it changed:"]
            out += [
                f"- from {_day(d.effective_from, zone)}: {d.title}, {describe(d)}"
                for d in ritual.definitions
            ]
        for pause in ritual.pauses:
            until = f" to {_day(pause.until, zone)}" if pause.until else ""
            out += ["", f"Paused from {_day(pause.since, zone)}{until}."]
        if ritual.retired_at:
            out += ["", f"Retired on {_day(ritual.retired_at, zone)}, with thanks."]
    return out


def _progress(content: ExportContent) -> list[str]:
    """Streaks and plan progress as of the export, described without judging."""
    out: list[str] = []
    if content.streaks:
        out += ["", "## Where your rituals stand", ""]
        for s in content.streaks:
            line = s.couple
            running = count_of(line.current, "week") if s.unit == "week" else line.current
            out.append(
                f"- {s.title}: {running} in a row (best {line.best}), "
                f"done {line.done}, strength {round(line.strength * 100)}%"
            )
    plan = content.plan
    if plan is not None:
        out += ["", "## Your plan", ""]
        out.append(
            f"{plan.title}: week {plan.week} of {plan.weeks_total}, "
            f"{plan.tasks_done} of {plan.tasks_total} tasks done ({plan.percent}%)."
        )
    return out
