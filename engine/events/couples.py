"""Events of a couple's own stream (``couple-<id>``): who they are and what they agreed."""

from __future__ import annotations

from datetime import datetime

from engine.events.base import Event, event_type, secret
from engine.frozen import frozen


@event_type("couple.created")
@frozen(kw_only=True)
class CoupleCreated(Event):
    """A couple started using the engine."""

    couple_id: str
    name: str = secret()
    time_zone: str
    freezes_per_month: int = 1
    proxy_checkins: bool = False  # one partner may check in for both


@event_type("couple.partner_added")
@frozen(kw_only=True)
class PartnerAdded(Event):
    """A partner joined the couple."""

    partner_id: str
    handle: str = secret()
    display_name: str = secret(owner="partner_id")


@event_type("couple.partner_renamed")
@frozen(kw_only=True)
class PartnerRenamed(Event):
    """A partner changed their display name."""

    partner_id: str
    display_name: str = secret(owner="partner_id")


@event_type("couple.partner_zone_set")
@frozen(kw_only=True)
class PartnerZoneSet(Event):
    """A partner lives in their own time zone from now on (an IANA name).

    Their rituals' local times, late-entry windows and streak days follow it; what came
    before keeps the zone in force then, as a couple's move does.
    """

    partner_id: str
    time_zone: str


@event_type("couple.partner_zone_cleared")
@frozen(kw_only=True)
class PartnerZoneCleared(Event):
    """A partner follows the couple's time zone again from now on."""

    partner_id: str


@event_type("couple.settings_changed")
@frozen(kw_only=True)
class CoupleSettingsChanged(Event):
    """The couple changed how the engine treats them."""

    time_zone: str
    freezes_per_month: int
    proxy_checkins: bool


@event_type("couple.ground_rules_agreed")
@frozen(kw_only=True)
class GroundRulesAgreed(Event):
    """The couple agreed (or re-agreed) their ground rules for difficult talks."""

    rules: tuple[str, ...] = secret()
    at: datetime
