"""Events of the couple's stream about time capsules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.events.base import Event, event_type, secret


@event_type("capsule.sealed")
@dataclass(frozen=True, kw_only=True)
class CapsuleSealed(Event):
    """A partner wrote where they are now, sealed until ``opens_on``."""

    capsule_id: str
    author: str
    message: str = secret(owner="author")
    opens_on: date
    at: datetime


@event_type("capsule.opened")
@dataclass(frozen=True, kw_only=True)
class CapsuleOpened(Event):
    """A capsule was opened on or after its date."""

    capsule_id: str
    by: str
    at: datetime
