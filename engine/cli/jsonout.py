"""The JSON the commands print with --json: each view through the library's serialiser
(``engine.views.json``), in the couple's zone. Each shape names its keys, so the keys stay
the ones the docs list whatever a view gains."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from engine.views.json import instant, plan_summary, streak_summary, view_json

if TYPE_CHECKING:
    from engine.catalog.plans import PlanTemplate
    from engine.views.connection import CapsuleView, JournalEntryView, NoteView
    from engine.views.couples import CoupleView
    from engine.views.history import HistoryEntry
    from engine.views.insights import DriftSignal, InsightsView, WeekInsight
    from engine.views.invites import InviteView
    from engine.views.plans import PlanView
    from engine.views.rituals import RitualView, TemplateView, UpcomingView
    from engine.views.sharing import FeedLinkView
    from engine.views.status import StatusView
    from engine.views.streaks import StreakLine, StreakView, WeekProgress


def zone(couple: CoupleView) -> ZoneInfo:
    return ZoneInfo(couple.time_zone)


COUPLE = ("id", "name", "time_zone")
SETTINGS = (*COUPLE, "freezes_per_month", "proxy_checkins")
RITUAL = (
    *("id", "title", "kind", "cron", "per_week", "schedule", "duration", "participants"),
    *("together", "each_local", "reminder", "prompts", "status", "paused_until", "template"),
    "since",
)
HISTORY = (
    *("position", "type", "occurred_at", "recorded_at", "actor", "via", "summary", "data"),
    *("entry_id", "undone"),
)
CAPSULE = ("id", "author", "opens_on", "opened")  # a listing never opens a capsule
TEMPLATE = (
    *("key", "title", "kind", "summary", "cron", "per_week", "schedule", "duration"),
    *("who", "starter"),
)
UPCOMING = ("ritual_id", "title", "at", "local", "duration", "prompt", "partner")
PLAN = (
    *("id", "template", "title", "starts_on", "week", "weeks_total", "theme"),
    *("week_starts_on", "week_ends_on", "days_left", "over", "tasks_done", "tasks_total"),
    *("percent", "pace", "paused_since", "finished_on", "rituals_added"),
)
PLAN_WEEK = ("number", "theme", "starts_on", "tasks_done", "tasks_total", "extensions")
WEEK_INSIGHT = (
    *("week", "starts_on", "checkins", "appreciations_given", "appreciations_shared"),
    *("repairs_attempted", "repairs_accepted", "repairs_not_yet", "timeouts_called"),
    *("timeout_minutes", "closeness_average", "closeness_ratings"),
)
SIGNAL = ("key", "observation", "suggestion", "facts")
STREAK_LINE = (
    *("current", "best", "done", "skipped", "missed", "pending", "freezes_used"),
    *("last_freeze", "completion_rate", "last_done", "strength"),
)
TODAY = ("ritual_id", "title", "at", "status", "by", "participants", "partner")
STREAK_SUMMARY = ("current", "best", "strength", "freezes_used", "last_freeze")
PLAN_SUMMARY = (
    *("template", "title", "week", "weeks_total", "theme"),
    *("tasks_done", "tasks_total", "percent", "pace"),
)
LINK = ("id", "label", "partner", "created_at", "last_fetched_at", "revoked_at")
INVITE = ("id", "partner", "label", "base_url", "created_at", "revoked_at")
JOURNAL = ("id", "author", "recipient", "text", "shared", "written_at")
NOTE = ("kind", "author", "ritual_id", "ritual", "text", "shared", "at")


def couple_json(c: CoupleView) -> dict[str, Any]:
    return view_json(c, COUPLE, extra={"partners": c.handles})


def settings_json(c: CoupleView) -> dict[str, Any]:
    zones = {p.handle: p.time_zone for p in c.partners if p.time_zone}
    return view_json(c, SETTINGS, extra={"partners": c.handles, "partner_zones": zones})


def local_times(times: tuple[tuple[str, datetime], ...]) -> dict[str, str | None]:
    """Each participant's local time, in their own zone, by handle."""
    return {handle: instant(at, None) for handle, at in times}


def ritual_json(r: RitualView, couple: CoupleView) -> dict[str, Any]:
    return view_json(r, RITUAL, zone=zone(couple), extra={"short_id": r.short_id})


def history_json(h: HistoryEntry, couple: CoupleView) -> dict[str, Any]:
    then = ZoneInfo(h.time_zone or couple.time_zone)  # the zone in force when it happened
    return view_json(
        h, HISTORY, zone=then, rename={"entry_id": "id"}, extra={"time_zone": then.key}
    )


def rule_json(numbered: tuple[int, str]) -> dict[str, Any]:
    n, rule = numbered
    return {"number": n, "rule": rule}


def capsule_json(c: CapsuleView) -> dict[str, Any]:
    return view_json(c, CAPSULE)


def template_json(t: TemplateView) -> dict[str, Any]:
    return view_json(t, TEMPLATE)


def upcoming_json(u: UpcomingView, couple: CoupleView) -> dict[str, Any]:
    return view_json(u, UPCOMING, zone=zone(couple), extra={"local_times": local_times(u.times)})


def plan_template_json(t: PlanTemplate) -> dict[str, Any]:
    weeks = [{"week": w.number, "theme": w.theme} for w in t.weeks]
    return view_json(t, ("key", "title", "summary"), extra={"weeks": weeks})


def plan_json(v: PlanView) -> dict[str, Any]:
    return view_json(
        v,
        PLAN,
        rename={"template": "plan"},
        extra={
            "tasks": [view_json(t, ("key", "text", "done", "by")) for t in v.tasks],
            "earlier_open": [view_json(t, ("key", "week", "text")) for t in v.earlier_open],
            "weeks": [view_json(w, PLAN_WEEK, rename={"number": "week"}) for w in v.weeks],
            "rituals": [view_json(r, ("id", "title", "week", "status")) for r in v.rituals],
            "rituals_reused": [
                {"kept": kept, "in_place_of": plan} for kept, plan in v.rituals_reused
            ],
        },
    )


def insight_json(w: WeekInsight) -> dict[str, Any]:
    return view_json(w, WEEK_INSIGHT, extra={"repairs_share_accepted": w.repairs_share_accepted})


def signal_json(s: DriftSignal) -> dict[str, Any]:
    return view_json(s, SIGNAL)


def insights_json(view: InsightsView) -> dict[str, Any]:
    return view_json(
        view,
        ("closeness_trend",),
        extra={
            "weeks": [insight_json(w) for w in view.weeks],
            "signals": [signal_json(s) for s in view.signals],
        },
    )


def streak_line_json(line: StreakLine, couple: CoupleView) -> dict[str, Any]:
    return view_json(line, STREAK_LINE, zone=zone(couple))


def week_json(week: WeekProgress | None) -> dict[str, Any] | None:
    if week is None:
        return None
    return view_json(
        week, ("week_start", "target", "done"), extra={"partners": dict(week.by_partner)}
    )


def streak_json(view: StreakView, couple: CoupleView) -> dict[str, Any]:
    return view_json(
        view,
        ("ritual_id", "title", "unit", "status"),
        rename={"title": "ritual"},
        extra={
            **streak_line_json(view.couple, couple),
            "partners": {p.partner: streak_line_json(p.figures, couple) for p in view.partners},
            "this_week": week_json(view.this_week),
        },
    )


def status_json(view: StatusView, couple: CoupleView) -> dict[str, Any]:
    local = zone(couple)
    return view_json(
        view,
        ("day",),
        zone=local,
        extra={
            "today": [
                view_json(
                    t,
                    TODAY,
                    zone=local,
                    rename={"title": "ritual", "at": "time"},
                    extra={
                        "this_week": week_json(t.this_week),
                        "local_times": local_times(t.times),
                    },
                )
                for t in view.today
            ],
            "streaks": [streak_summary(s, STREAK_SUMMARY) for s in view.streaks],
            "plan": None if view.plan is None else plan_summary(view.plan, PLAN_SUMMARY),
            "heatmap": view_json(view.heatmap, ("start", "weeks")),
            "suggestions": [
                view_json(s, ("key", "observation", "suggestion")) for s in view.suggestions
            ],
        },
    )


def link_json(link: FeedLinkView, couple: CoupleView) -> dict[str, Any]:
    return view_json(link, LINK, zone=zone(couple))


def invite_json(invite: InviteView, couple: CoupleView) -> dict[str, Any]:
    return view_json(invite, INVITE, zone=zone(couple))


def journal_json(j: JournalEntryView, couple: CoupleView) -> dict[str, Any]:
    return view_json(j, JOURNAL, zone=zone(couple), extra={"short_id": j.id[:8]})


def note_json(n: NoteView, couple: CoupleView) -> dict[str, Any]:
    return view_json(n, NOTE, zone=zone(couple))
