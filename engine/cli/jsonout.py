"""The JSON shapes the commands print with --json."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.invite_views import InviteView
from engine.plan_templates import PlanTemplate
from engine.views import (
    CapsuleView,
    CoupleView,
    DriftSignal,
    FeedLinkView,
    HistoryEntry,
    InsightsView,
    JournalEntryView,
    NoteView,
    PlanView,
    RitualView,
    StatusView,
    StreakLine,
    StreakView,
    TemplateView,
    UpcomingView,
    WeekInsight,
    WeekProgress,
)


def iso_local(moment: datetime | None, couple: CoupleView) -> str | None:
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


def link_json(link: FeedLinkView, couple: CoupleView) -> dict[str, Any]:
    return {
        "id": link.id,
        "label": link.label,
        "partner": link.partner,
        "created_at": iso_local(link.created_at, couple),
        "last_fetched_at": iso_local(link.last_fetched_at, couple),
        "revoked_at": iso_local(link.revoked_at, couple),
    }


def invite_json(invite: InviteView, couple: CoupleView) -> dict[str, Any]:
    return {
        "id": invite.id,
        "partner": invite.partner,
        "label": invite.label,
        "base_url": invite.base_url,
        "created_at": iso_local(invite.created_at, couple),
        "revoked_at": iso_local(invite.revoked_at, couple),
    }


def couple_json(c: CoupleView) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "time_zone": c.time_zone,
        "partners": [p.handle for p in c.partners],
    }


def settings_json(c: CoupleView) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "time_zone": c.time_zone,
        "partners": list(c.handles),
        "freezes_per_month": c.freezes_per_month,
        "proxy_checkins": c.proxy_checkins,
    }


def rule_json(numbered: tuple[int, str]) -> dict[str, Any]:
    n, rule = numbered
    return {"number": n, "rule": rule}


def capsule_json(c: CapsuleView) -> dict[str, Any]:
    return {"id": c.id, "author": c.author, "opens_on": c.opens_on.isoformat(), "opened": c.opened}


def template_json(t: TemplateView) -> dict[str, Any]:
    return {
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


def upcoming_json(u: UpcomingView) -> dict[str, Any]:
    return {
        "ritual_id": u.ritual_id,
        "title": u.title,
        "at": u.at.isoformat(),
        "local": u.local.isoformat(),
        "duration_minutes": minutes(u.duration),
        "prompt": u.prompt,
    }


def plan_template_json(t: PlanTemplate) -> dict[str, Any]:
    return {
        "key": t.key,
        "title": t.title,
        "summary": t.summary,
        "weeks": [{"week": w.number, "theme": w.theme} for w in t.weeks],
    }


def signal_json(s: DriftSignal) -> dict[str, Any]:
    return {
        "key": s.key,
        "observation": s.observation,
        "suggestion": s.suggestion,
        "facts": s.facts,
    }


def insights_json(view: InsightsView) -> dict[str, Any]:
    return {
        "weeks": [insight_json(w) for w in view.weeks],
        "closeness_trend": view.closeness_trend,
        "signals": [signal_json(s) for s in view.signals],
    }


def journal_json(j: JournalEntryView, couple: CoupleView) -> dict[str, Any]:
    return {
        "id": j.id,
        "short_id": j.id[:8],
        "author": j.author,
        "recipient": j.recipient,
        "text": j.text,
        "shared": j.shared,
        "written_at": iso_local(j.written_at, couple),
    }


def note_json(n: NoteView, couple: CoupleView) -> dict[str, Any]:
    return {
        "kind": n.kind,
        "author": n.author,
        "ritual_id": n.ritual_id,
        "ritual": n.ritual,
        "text": n.text,
        "shared": n.shared,
        "at": iso_local(n.at, couple),
    }
