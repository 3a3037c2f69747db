"""Events of the couple's stream about time capsules."""

from __future__ import annotations

from datetime import date, datetime

from engine.events.base import Event, event_type, secret
from engine.frozen import frozen


@event_type("capsule.sealed")
@frozen(kw_only=True)
class CapsuleSealed(Event):
    """A partner wrote where they are now, sealed until ``opens_on``."""

    capsule_id: str
    author: str
    message: str = secret(owner="author")
    opens_on: date
    at: datetime


@event_type("capsule.opened")
@frozen(kw_only=True)
class CapsuleOpened(Event):
    """A capsule was opened on or after its date."""

    capsule_id: str
    by: str
    at: datetime
