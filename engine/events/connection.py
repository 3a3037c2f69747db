"""Events of the couple's stream about how they treat each other: appreciations,
repair attempts and time-outs in difficult talks."""

from __future__ import annotations

from datetime import datetime

from engine.events.base import Event, event_type, secret
from engine.frozen import frozen


@event_type("appreciation.given")
@frozen(kw_only=True)
class AppreciationGiven(Event):
    """A partner wrote an appreciation, shared at once or kept in their journal."""

    appreciation_id: str
    author: str
    recipient: str
    text: str = secret(owner="author")
    shared: bool
    at: datetime


@event_type("appreciation.shared")
@frozen(kw_only=True)
class AppreciationShared(Event):
    """A journal appreciation was shared with the partner it is about."""

    appreciation_id: str
    at: datetime


@event_type("repair.attempted")
@frozen(kw_only=True)
class RepairAttempted(Event):
    """A partner reached out to de-escalate after a hurt."""

    repair_id: str
    by: str
    kind: str
    note: str | None = secret(owner="by", default=None)
    at: datetime


@event_type("repair.answered")
@frozen(kw_only=True)
class RepairAnswered(Event):
    """The other partner answered a repair attempt: accepted, or not yet."""

    repair_id: str
    by: str
    answer: str
    note: str | None = secret(owner="by", default=None)
    at: datetime


@event_type("timeout.called")
@frozen(kw_only=True)
class TimeoutCalled(Event):
    """A partner called a pause in a difficult talk."""

    timeout_id: str
    by: str
    at: datetime


@event_type("timeout.ended")
@frozen(kw_only=True)
class TimeoutEnded(Event):
    """The couple came back to the talk."""

    timeout_id: str
    by: str
    at: datetime
