"""Events of a couple's own stream (``couple-<id>``): who they are and what they agreed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.events.base import Event, event_type, secret


@event_type("couple.created")
@dataclass(frozen=True, kw_only=True)
class CoupleCreated(Event):
    """A couple started using the engine."""

    couple_id: str
    name: str = secret()
    time_zone: str
    freezes_per_month: int = 1
    proxy_checkins: bool = False  # one partner may check in for both


@event_type("couple.partner_added")
@dataclass(frozen=True, kw_only=True)
class PartnerAdded(Event):
    """A partner joined the couple."""

    partner_id: str
    handle: str = secret()
    display_name: str = secret(owner="partner_id")


@event_type("couple.partner_renamed")
@dataclass(frozen=True, kw_only=True)
class PartnerRenamed(Event):
    """A partner changed their display name."""

    partner_id: str
    display_name: str = secret(owner="partner_id")


@event_type("couple.settings_changed")
@dataclass(frozen=True, kw_only=True)
class CoupleSettingsChanged(Event):
    """The couple changed how the engine treats them."""

    time_zone: str
    freezes_per_month: int
    proxy_checkins: bool


@event_type("couple.ground_rules_agreed")
@dataclass(frozen=True, kw_only=True)
class GroundRulesAgreed(Event):
    """The couple agreed (or re-agreed) their ground rules for difficult talks."""

    rules: tuple[str, ...] = secret()
    at: datetime
