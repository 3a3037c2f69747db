"""The JSON the commands print with --json: each view through the library's serialiser
(``engine.serialize``), in the couple's zone, with the keys the README documents."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from engine.invite_views import InviteView
from engine.plan_templates import PlanTemplate
from engine.serialize import plan_summary, streak_summary, view_json
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


def zone(couple: CoupleView) -> ZoneInfo:
    return ZoneInfo(couple.time_zone)


def couple_json(c: CoupleView) -> dict[str, Any]:
    return view_json(c, only=("id", "name", "time_zone"), extra={"partners": c.handles})


def settings_json(c: CoupleView) -> dict[str, Any]:
    return view_json(c, extra={"partners": c.handles})


def ritual_json(r: RitualView, couple: CoupleView) -> dict[str, Any]:
    return view_json(r, zone=zone(couple), extra={"short_id": r.short_id})


def history_json(h: HistoryEntry, couple: CoupleView) -> dict[str, Any]:
    return view_json(h, zone=zone(couple), rename={"entry_id": "id"})


def rule_json(numbered: tuple[int, str]) -> dict[str, Any]:
    n, rule = numbered
    return {"number": n, "rule": rule}


def capsule_json(c: CapsuleView) -> dict[str, Any]:
    return view_json(c, omit=("message",))  # a listing never opens a capsule


def template_json(t: TemplateView) -> dict[str, Any]:
    return view_json(t)


def upcoming_json(u: UpcomingView, couple: CoupleView) -> dict[str, Any]:
    return view_json(u, zone=zone(couple))


def plan_template_json(t: PlanTemplate) -> dict[str, Any]:
    weeks = [{"week": w.number, "theme": w.theme} for w in t.weeks]
    return view_json(t, only=("key", "title", "summary"), extra={"weeks": weeks})


def plan_json(v: PlanView) -> dict[str, Any]:
    return view_json(
        v,
        rename={"template": "plan"},
        extra={
            "tasks": [view_json(t, omit=("week",)) for t in v.tasks],
            "earlier_open": [view_json(t, only=("key", "week", "text")) for t in v.earlier_open],
            "weeks": [view_json(w, rename={"number": "week"}) for w in v.weeks],
            "rituals_reused": [
                {"kept": kept, "in_place_of": plan} for kept, plan in v.rituals_reused
            ],
        },
    )


def insight_json(w: WeekInsight) -> dict[str, Any]:
    return view_json(w, extra={"repairs_share_accepted": w.repairs_share_accepted})


def signal_json(s: DriftSignal) -> dict[str, Any]:
    return view_json(s)


def insights_json(view: InsightsView) -> dict[str, Any]:
    return view_json(view, omit=("weeks",), extra={"weeks": [insight_json(w) for w in view.weeks]})


def streak_line_json(line: StreakLine, couple: CoupleView) -> dict[str, Any]:
    return view_json(line, zone=zone(couple), omit=("held_by_freeze", "check_ins"))


def week_json(week: WeekProgress | None) -> dict[str, Any] | None:
    if week is None:
        return None
    return view_json(week, omit=("by_partner",), extra={"partners": dict(week.by_partner)})


def streak_json(view: StreakView, couple: CoupleView) -> dict[str, Any]:
    return view_json(
        view,
        rename={"title": "ritual"},
        omit=("couple",),
        extra={
            **streak_line_json(view.couple, couple),
            "partners": {p.partner: streak_line_json(p.figures, couple) for p in view.partners},
            "this_week": week_json(view.this_week),
        },
    )


STREAK_SUMMARY = ("current", "best", "strength", "freezes_used", "last_freeze")
PLAN_SUMMARY = (
    *("template", "title", "week", "weeks_total", "theme"),
    *("tasks_done", "tasks_total", "percent", "pace"),
)


def status_json(view: StatusView, couple: CoupleView) -> dict[str, Any]:
    local = zone(couple)
    return view_json(
        view,
        zone=local,
        only=("day", "heatmap"),
        extra={
            "today": [
                view_json(
                    t,
                    zone=local,
                    omit=("local",),
                    rename={"title": "ritual", "at": "time"},
                    extra={"this_week": week_json(t.this_week)},
                )
                for t in view.today
            ],
            "streaks": [streak_summary(s, STREAK_SUMMARY) for s in view.streaks],
            "plan": None if view.plan is None else plan_summary(view.plan, PLAN_SUMMARY),
            "suggestions": [view_json(s, omit=("facts",)) for s in view.suggestions],
        },
    )


def link_json(link: FeedLinkView, couple: CoupleView) -> dict[str, Any]:
    return view_json(link, zone=zone(couple))


def invite_json(invite: InviteView, couple: CoupleView) -> dict[str, Any]:
    return view_json(invite, zone=zone(couple))


def journal_json(j: JournalEntryView, couple: CoupleView) -> dict[str, Any]:
    return view_json(j, zone=zone(couple), extra={"short_id": j.id[:8]})


def note_json(n: NoteView, couple: CoupleView) -> dict[str, Any]:
    return view_json(n, zone=zone(couple))
