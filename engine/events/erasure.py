"""Events of the couple's stream that record an erasure. They carry no content at all:
what was erased is gone with its key, and the event only says that it happened."""

from __future__ import annotations

from datetime import datetime

from engine.events.base import Event, event_type
from engine.frozen import frozen


@event_type("couple.erased")
@frozen(kw_only=True)
class CoupleErased(Event):
    """The couple asked to be forgotten: every key of theirs was destroyed."""

    at: datetime


@event_type("couple.partner_erased")
@frozen(kw_only=True)
class PartnerErased(Event):
    """A partner left and their own words were erased with their key."""

    partner_id: str
    at: datetime
