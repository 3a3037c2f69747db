"""The couple's history: every event, newest first, described without private text."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from engine.calendar.zones import Zones, zone_at
from engine.domain.visibility import is_listed
from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CapsuleOpened,
    CapsuleSealed,
    CheckedIn,
    CoupleCreated,
    CoupleSettingsChanged,
    EntryRetracted,
    Event,
    FeedLinkIssued,
    FeedLinkRevoked,
    GroundRulesAgreed,
    OccurrenceSkipped,
    PartnerAdded,
    PartnerErased,
    PartnerInviteIssued,
    PartnerInviteRevoked,
    PartnerRenamed,
    PartnerZoneCleared,
    PartnerZoneSet,
    PlanFinished,
    PlanPaused,
    PlanResumed,
    PlanStarted,
    PlanTaskDone,
    PlanWeekExtended,
    PlanWeekStarted,
    RecordedEvent,
    RepairAnswered,
    RepairAttempted,
    RitualAdded,
    RitualEdited,
    RitualPaused,
    RitualResumed,
    RitualRetired,
    TimeoutCalled,
    TimeoutEnded,
)
from engine.events.retractions import retracted_ids
from engine.services.journal import APPRECIATION_STATE
from engine.views.history import HistoryEntry

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.refs import CoupleRef
    from engine.services.session import Session

_ENTRY_NOUNS = {
    "ritual.checked_in": "a check-in",
    "ritual.skipped": "a skip",
    "appreciation.given": "an appreciation",
    "appreciation.shared": "the sharing of an appreciation",
    "repair.attempted": "a repair attempt",
    "repair.answered": "a repair answer",
    "plan.task_done": "a plan task",
}

_PARTNER_FIELDS = frozenset({"partner_id", "author", "recipient", "by"})


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(zone).strftime("%a %d %b %H:%M")


def describe_event(
    event: Event, who: Callable[[str], str], title: Callable[[str], str], zone: ZoneInfo
) -> str:
    """One line about an event, with handles and titles but never a private text."""
    match event:
        case CoupleCreated():
            return f"started as a couple in {event.time_zone}"
        case PartnerAdded():
            return f"{who(event.partner_id)} joined"
        case PartnerRenamed():
            return f"{who(event.partner_id)} changed their display name"
        case CoupleSettingsChanged():
            return "changed the couple's settings"
        case PartnerZoneSet():
            return f"{who(event.partner_id)} began living by {event.time_zone} time"
        case PartnerZoneCleared():
            return f"{who(event.partner_id)} began following the couple's time zone again"
        case GroundRulesAgreed():
            return "agreed on ground rules for difficult talks"
        case RitualAdded():
            return f"added '{title(event.ritual_id)}'"
        case RitualEdited():
            return f"changed '{title(event.ritual_id)}'"
        case RitualPaused():
            until = f" until {_when(event.until, zone)}" if event.until else ""
            return f"paused '{title(event.ritual_id)}'{until}"
        case RitualResumed():
            return f"resumed '{title(event.ritual_id)}'"
        case RitualRetired():
            return f"retired '{title(event.ritual_id)}'"
        case CheckedIn():
            what = f"'{title(event.ritual_id)}'"
            if event.occurrence is not None:
                what += f" of {_when(event.occurrence, zone)}"
            extra = f" (closeness {event.closeness})" if event.closeness else ""
            both = " for both" if event.for_partners else ""
            return f"{who(event.partner_id)} checked in {what}{both}{extra}"
        case OccurrenceSkipped():
            return f"let '{title(event.ritual_id)}' of {_when(event.occurrence, zone)} go"
        case AppreciationGiven():
            return f"{who(event.author)} appreciated {who(event.recipient)}"
        case AppreciationShared():
            return "shared an appreciation from the journal"
        case RepairAttempted():
            return f"{who(event.by)} reached out to repair ({event.kind})"
        case RepairAnswered():
            answer = "accepted" if event.answer == "accepted" else "not yet"
            return f"{who(event.by)} answered a repair attempt: {answer}"
        case TimeoutCalled():
            return f"{who(event.by)} called a pause"
        case TimeoutEnded():
            return f"{who(event.by)} ended the pause"
        case CapsuleSealed():
            return f"{who(event.author)} sealed a time capsule until {event.opens_on.isoformat()}"
        case CapsuleOpened():
            return f"{who(event.by)} opened a time capsule"
        case PlanStarted():
            return f"started the plan {event.template} on {event.starts_on.isoformat()}"
        case PlanWeekStarted():
            return f"began week {event.week} of the plan"
        case PlanTaskDone():
            return f"{who(event.by) if event.by else 'together'}: plan task {event.task} done"
        case PlanWeekExtended():
            return f"gave week {event.week} of the plan another week"
        case PlanPaused():
            return "paused the plan"
        case PlanResumed():
            return "resumed the plan"
        case PlanFinished():
            return f"finished the plan, keeping {len(event.kept)} of its rituals"
        case EntryRetracted():
            return f"{who(event.by)} undid {_ENTRY_NOUNS.get(event.retracted_type, 'an entry')}"
        case PartnerErased():
            return f"{who(event.partner_id)} left, and their own words were erased"
        case FeedLinkIssued():
            whose = f"{who(event.partner_id)}'s" if event.partner_id else "the couple's"
            return f"shared {whose} calendar through a new link"
        case FeedLinkRevoked():
            return "revoked a calendar link"
        case PartnerInviteIssued():
            return f"invited {who(event.partner_id)} to their own page"
        case PartnerInviteRevoked():
            return "revoked an invite to a partner's page"
        case _:
            return event.type_name


def public_fields(event: Event, who: Callable[[str], str]) -> dict[str, Any]:
    """The event's fields that carry no private text, JSON-ready, partners by handle."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        if "secret_owner" in f.metadata:
            continue
        value = getattr(event, f.name)
        if f.name in _PARTNER_FIELDS and isinstance(value, str):
            value = who(value)
        elif f.name in ("participants", "for_partners"):
            value = [who(p) for p in value]
        data[f.name] = _jsonable(value)
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


class History:
    """The event history."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def history(self, couple: CoupleRef, limit: int, viewer: str | None) -> list[HistoryEntry]:
        state = self._s.load_couple(couple, types=APPRECIATION_STATE)
        vid = self._s.viewer_id(state, viewer)
        titles = {rid: s.title for rid, s in self._s.ritual_states(state.couple_id).items()}
        recorded = self._s.store.read_couple(state.couple_id, decrypt=False)
        visible = [r for r in reversed(recorded) if is_listed(r.event, vid, state)]
        gone = retracted_ids(recorded)
        book = self._s.zone_book(state.couple_id)
        own = book.own_zones()
        return [
            dataclasses.replace(entry, undone=True) if entry.entry_id in gone else entry
            for entry in (
                history_entry(state, titles, r, book.couple, own) for r in visible[: max(limit, 0)]
            )
        ]


def history_entry(
    state: CoupleState,
    titles: dict[str, str],
    r: RecordedEvent,
    zones: Zones = (),
    partner_zones: Mapping[str, Zones] | None = None,
) -> HistoryEntry:
    """One recorded event as a history line, partners by handle, without private text; its
    times are told in the couple's zone in force when it happened (``zones``, the couple's
    zone history; without it, today's zone), and a partner's own check-in or skip in the
    zone that partner lived by then (``partner_zones``, of partners with a zone of their
    own)."""
    zone = zone_at(zones, r.occurred_at) if zones else state.zone
    event = r.event
    if partner_zones and isinstance(event, CheckedIn | OccurrenceSkipped):
        own = partner_zones.get(event.partner_id or "")
        zone = zone_at(own, r.occurred_at) if own else zone

    def who(partner_id: str) -> str:
        return state.handle_of(partner_id)

    def title(ritual_id: str) -> str:
        return titles.get(ritual_id, "a ritual")

    actor = r.metadata.actor
    return HistoryEntry(
        position=r.position,
        type=r.event.type_name,
        occurred_at=r.occurred_at,
        recorded_at=r.recorded_at,
        actor=who(actor) if actor else None,
        via=r.metadata.via,
        summary=describe_event(r.event, who, title, zone),
        data=public_fields(r.event, who),
        entry_id=r.event_id,
        time_zone=zone.key,
    )
