"""The JSON export: everything one viewer may see, decrypted, in one documented shape.

Pure: the facade gathers an :class:`ExportContent` and this module turns it into plain
JSON-ready data through the library's one serialiser (``engine.views.json``), with UTC
as its zone: every instant is ISO 8601 in UTC. The keys are described in the README
("Export and import"); new keys may be added in a later version, and readers ignore keys
they do not know.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.domain.ritual import RitualState, describe
from engine.events import (
    CapsuleOpened,
    CapsuleSealed,
    CheckedIn,
    OccurrenceSkipped,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
    RitualDefined,
    TimeoutCalled,
)
from engine.events.codec import to_plain
from engine.frozen import frozen
from engine.views.json import instant, minutes, plan_summary, streak_summary, view_json

if TYPE_CHECKING:
    from engine.calendar.zones import Zones
    from engine.domain.couple import CoupleState
    from engine.views.connection import CapsuleView, JournalEntryView, NoteView
    from engine.views.plans import PlanView
    from engine.views.rituals import RitualView
    from engine.views.streaks import StreakView

FORMAT = "ritual-engine-export"
VERSION = 1


@frozen
class ExportedEvent:
    """One event as a viewer may see it."""

    recorded: RecordedEvent
    summary: str  # the history line, without private text
    hidden: tuple[str, ...]  # secret fields the viewer may not read


@frozen
class ExportContent:
    """What an export holds, gathered by the facade."""

    couple: CoupleState
    viewer: str | None  # a handle; None: the shared view (or everyone, when full)
    full: bool
    exported_at: datetime
    rituals: Sequence[tuple[RitualView, RitualState]]
    ground_rules: tuple[str, ...]
    journal: Sequence[JournalEntryView]
    notes: Sequence[NoteView]
    capsules: Sequence[CapsuleView]
    events: Sequence[ExportedEvent]
    streaks: Sequence[StreakView] = ()
    plan: PlanView | None = None
    zones: Zones = ()  # the couple's zones over time: past moments are told in theirs


def couple_json(state: CoupleState) -> dict[str, Any]:
    return {
        "id": state.couple_id,
        "name": state.name,
        "time_zone": state.time_zone,
        "freezes_per_month": state.freezes_per_month,
        "proxy_checkins": state.proxy_checkins,
        "partners": [
            {
                "id": p.partner_id,
                "handle": p.handle,
                "display_name": p.display_name,
                "time_zone": p.time_zone,
            }
            for p in state.partners
        ],
        "former_partners": [{"id": p.partner_id, "handle": p.handle} for p in state.former],
    }


def definition_json(d: RitualDefined, state: CoupleState) -> dict[str, Any]:
    return {
        "effective_from": instant(d.effective_from),
        "title": d.title,
        "kind": d.kind,
        "schedule": describe(d),
        "cron": d.cron,
        "per_week": d.per_week,
        "duration_minutes": minutes(d.duration),
        "participants": [state.handle_of(p) for p in d.participants],
        "together": d.together,
        "each_local": d.each_local,
        "reminder_minutes": minutes(d.reminder),
        "prompts": list(d.prompts),
        "template": d.template,
    }


def ritual_json(view: RitualView, ritual: RitualState, state: CoupleState) -> dict[str, Any]:
    return {
        "id": view.id,
        "title": view.title,
        "status": view.status,
        "schedule": view.schedule,
        "since": instant(view.since),
        "paused_until": instant(view.paused_until),
        "retired_at": instant(ritual.retired_at),
        "definitions": [definition_json(d, state) for d in ritual.definitions],
        "pauses": [{"since": instant(p.since), "until": instant(p.until)} for p in ritual.pauses],
    }


def event_json(item: ExportedEvent) -> dict[str, Any]:
    r = item.recorded
    data = to_plain(r.event)
    return {
        "position": r.position,
        "event_id": r.event_id,
        "stream_id": r.stream_id,
        "version": r.version,
        "type": r.event.type_name,
        "schema": r.event.schema,
        "occurred_at": instant(r.occurred_at),
        "recorded_at": instant(r.recorded_at),
        "metadata": r.metadata.to_json(),
        "summary": item.summary,
        "data": {k: v for k, v in data.items() if k not in item.hidden},
        "hidden": list(item.hidden),
    }


def summary_json(content: ExportContent) -> dict[str, Any]:
    """Counts as of the export, from what the viewer may see."""
    state = content.couple
    events = [e.recorded.event for e in content.events]
    kinds = Counter(type(e) for e in events)
    statuses = Counter(view.status for view, _ in content.rituals)
    by_partner = Counter(state.handle_of(e.partner_id) for e in events if isinstance(e, CheckedIn))
    answers = Counter(e.answer for e in events if isinstance(e, RepairAnswered))
    return {
        "as_of": instant(content.exported_at),
        "rituals": {s: statuses[s] for s in ("active", "paused", "retired")},
        "check_ins": {"total": kinds[CheckedIn], "by_partner": dict(sorted(by_partner.items()))},
        "skips": kinds[OccurrenceSkipped],
        "appreciations": {
            "shared": sum(1 for j in content.journal if j.shared),
            "in_journal": sum(1 for j in content.journal if not j.shared),
        },
        "repairs": {
            "attempted": kinds[RepairAttempted],
            "accepted": answers["accepted"],
            "not_yet": answers["not-yet"],
        },
        "pauses_in_talks": kinds[TimeoutCalled],
        "capsules": {"sealed": kinds[CapsuleSealed], "opened": kinds[CapsuleOpened]},
        "streaks": [streak_summary(s, STREAK_FIGURES) for s in content.streaks],
        "plan": None if content.plan is None else plan_summary(content.plan, PLAN_FIGURES),
    }


JOURNAL = ("id", "author", "recipient", "text", "shared", "written_at")
NOTE = ("kind", "author", "ritual_id", "ritual", "text", "shared", "at")
CAPSULE = ("id", "author", "opens_on", "opened", "message")
STREAK_FIGURES = ("current", "best", "done", "skipped", "missed", "strength", "freezes_used")
PLAN_FIGURES = ("template", "week", "weeks_total", "tasks_done", "tasks_total", "percent", "pace")


def to_document(content: ExportContent) -> dict[str, Any]:
    """The export as JSON-ready data."""
    state = content.couple
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": instant(content.exported_at),
        "viewer": content.viewer,
        "full": content.full,
        "couple": couple_json(state),
        "summary": summary_json(content),
        "rituals": [ritual_json(v, r, state) for v, r in content.rituals],
        "ground_rules": list(content.ground_rules),
        "journal": [view_json(j, JOURNAL) for j in content.journal],
        "notes": [view_json(n, NOTE) for n in content.notes],
        "capsules": [view_json(c, CAPSULE) for c in content.capsules],
        "events": [event_json(e) for e in content.events],
    }
