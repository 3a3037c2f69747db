"""The couple aggregate: partners, settings, and the relationship events that need checks
(appreciations, repairs, time-outs, capsules). Pure: no I/O, no clock."""

from __future__ import annotations

import unicodedata
from dataclasses import field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from engine.domain.ids import ID_MIN, prefix_matches, typed_id
from engine.domain.suggest import did_you_mean
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.events import (
    AppreciationGiven,
    AppreciationShared,
    CapsuleOpened,
    CapsuleSealed,
    CoupleCreated,
    CoupleSettingsChanged,
    Event,
    GroundRulesAgreed,
    PartnerAdded,
    PartnerErased,
    PartnerRenamed,
    PartnerZoneCleared,
    PartnerZoneSet,
    RepairAnswered,
    RepairAttempted,
    TimeoutCalled,
    TimeoutEnded,
)
from engine.frozen import frozen


@frozen
class Partner:
    """A member of the couple, as the couple's events have made them."""

    partner_id: str
    handle: str
    display_name: str
    time_zone: str | None = None  # their own zone; None: they follow the couple's


@frozen
class Appreciation:
    """Who thanked whom, and whether the recipient has been shown it."""

    appreciation_id: str
    author: str
    recipient: str
    shared: bool


@frozen
class Repair:
    """A repair attempt and the latest answer to it."""

    repair_id: str
    by: str
    answer: str | None = None


@frozen
class Capsule:
    """A sealed time capsule: whose it is, when it may open, and whether it did."""

    capsule_id: str
    author: str
    opens_on: date
    opened: bool = False


@frozen
class CoupleState:
    """Everything the deciders need to know about one couple."""

    couple_id: str = ""
    name: str = ""
    time_zone: str = "UTC"
    freezes_per_month: int = 1
    proxy_checkins: bool = False
    partners: tuple[Partner, ...] = ()  # the current partners
    former: tuple[Partner, ...] = ()  # partners who left, their own words erased
    ground_rules: tuple[str, ...] = ()
    appreciations: dict[str, Appreciation] = field(default_factory=dict)
    repairs: dict[str, Repair] = field(default_factory=dict)
    open_timeout: tuple[str, str] | None = None  # (timeout id, called by)
    capsules: dict[str, Capsule] = field(default_factory=dict)
    version: int = 0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def partner(self, handle_or_id: str) -> Partner:
        """The partner with this handle (or id); NotFound otherwise."""
        wanted = unicodedata.normalize("NFC", handle_or_id.strip()).lower()
        for p in self.partners:
            if wanted in (p.handle, p.partner_id):
                return p
        if any(wanted in (p.handle, p.partner_id) for p in self.former):
            raise NotAllowed(f"{wanted[:40]} is no longer part of this couple")
        hint = did_you_mean(wanted, [p.handle for p in self.partners])
        raise NotFound(f"unknown partner '{handle_or_id.strip()[:40]}'{hint}")

    def handle_of(self, partner_id: str) -> str:
        for p in (*self.partners, *self.former):
            if p.partner_id == partner_id:
                return p.handle
        return "someone"

    def zone_of(self, partner_id: str | None) -> ZoneInfo:
        """The zone a partner lives in now: their own, or else the couple's."""
        for p in self.partners:
            if p.partner_id == partner_id and p.time_zone is not None:
                return ZoneInfo(p.time_zone)
        return self.zone

    def other_partners(self, partner_id: str) -> tuple[Partner, ...]:
        return tuple(p for p in self.partners if p.partner_id != partner_id)


def evolve(state: CoupleState, event: Event) -> CoupleState:
    """Apply one couple-stream event."""
    state = replace(state, version=state.version + 1)
    match event:
        case CoupleCreated():
            return replace(
                state,
                couple_id=event.couple_id,
                name=event.name,
                time_zone=event.time_zone,
                freezes_per_month=event.freezes_per_month,
                proxy_checkins=event.proxy_checkins,
            )
        case PartnerAdded():
            partner = Partner(event.partner_id, event.handle, event.display_name)
            return replace(state, partners=(*state.partners, partner))
        case PartnerRenamed():
            partners = tuple(
                replace(p, display_name=event.display_name)
                if p.partner_id == event.partner_id
                else p
                for p in state.partners
            )
            return replace(state, partners=partners)
        case PartnerZoneSet() | PartnerZoneCleared():
            zone = event.time_zone if isinstance(event, PartnerZoneSet) else None
            partners = tuple(
                replace(p, time_zone=zone) if p.partner_id == event.partner_id else p
                for p in state.partners
            )
            return replace(state, partners=partners)
        case PartnerErased():
            leaving = tuple(p for p in state.partners if p.partner_id == event.partner_id)
            staying = tuple(p for p in state.partners if p.partner_id != event.partner_id)
            return replace(state, partners=staying, former=(*state.former, *leaving))
        case CoupleSettingsChanged():
            return replace(
                state,
                time_zone=event.time_zone,
                freezes_per_month=event.freezes_per_month,
                proxy_checkins=event.proxy_checkins,
            )
        case GroundRulesAgreed():
            return replace(state, ground_rules=event.rules)
        case AppreciationGiven():
            item = Appreciation(event.appreciation_id, event.author, event.recipient, event.shared)
            return replace(state, appreciations={**state.appreciations, item.appreciation_id: item})
        case AppreciationShared():
            old = state.appreciations[event.appreciation_id]
            shared = replace(old, shared=True)
            return replace(
                state, appreciations={**state.appreciations, old.appreciation_id: shared}
            )
        case RepairAttempted():
            repair = Repair(event.repair_id, event.by)
            return replace(state, repairs={**state.repairs, repair.repair_id: repair})
        case RepairAnswered():
            answered = replace(state.repairs[event.repair_id], answer=event.answer)
            return replace(state, repairs={**state.repairs, event.repair_id: answered})
        case TimeoutCalled():
            return replace(state, open_timeout=(event.timeout_id, event.by))
        case TimeoutEnded():
            return replace(state, open_timeout=None)
        case CapsuleSealed():
            capsule = Capsule(event.capsule_id, event.author, event.opens_on)
            return replace(state, capsules={**state.capsules, capsule.capsule_id: capsule})
        case CapsuleOpened():
            opened = replace(state.capsules[event.capsule_id], opened=True)
            return replace(state, capsules={**state.capsules, event.capsule_id: opened})
        case _:
            return state


def fold(events: list[Event]) -> CoupleState:
    state = CoupleState()
    for event in events:
        state = evolve(state, event)
    return state


def find_by_prefix(items: dict[str, object], ref: str, what: str) -> str:
    """Resolve a full id or a unique prefix of at least four characters."""
    matches = prefix_matches(ref, items)
    if len(matches) == 1:
        return matches[0]
    wanted = typed_id(ref)
    if len(matches) > 1:
        raise InvalidInput(f"'{wanted[:40]}' matches more than one {what}; give more of the id")
    if len(wanted) < ID_MIN:
        raise InvalidInput(f"give at least {ID_MIN} characters of the id")
    raise NotFound(f"unknown {what} '{wanted[:40]}'")


def check_open_repair(state: CoupleState, repair_id: str, responder: str) -> Repair:
    """The repair a partner wants to answer, if they may."""
    repair = state.repairs[find_by_prefix(dict(state.repairs), repair_id, "repair attempt")]
    if repair.by == responder:
        raise NotAllowed(
            "a repair attempt is answered by the other partner, not the one who made it"
        )
    return repair


def check_capsule_openable(state: CoupleState, capsule_id: str, today: date) -> Capsule:
    capsule = state.capsules[find_by_prefix(dict(state.capsules), capsule_id, "capsule")]
    if today < capsule.opens_on:
        raise NotAllowed(f"this capsule stays sealed until {capsule.opens_on.isoformat()}")
    return capsule


def require_two(state: CoupleState, what: str) -> None:
    if len(state.partners) < 2:
        raise NotAllowed(f"{what} needs two partners; add one with `ritual partner add`")


def aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput("times need a UTC offset or the couple's zone")
    return value
