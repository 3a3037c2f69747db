"""The UIDs of a feed's calendar, occurrences, capsules and plan weeks: UUIDv5s of
opaque ids and instants under one namespace fixed forever, so a calendar app keeps
recognising an event across renders and no UID ever carries a name or a title.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

_NAMESPACE = uuid.UUID("5f0d2c7e-8a41-4b7a-9c3e-1d6b2f8e4a90")  # fixed forever: UIDs derive from it


def occurrence_uid(ritual_id: str, at: datetime) -> str:
    """The UID of one occurrence: a UUIDv5 of the ritual id and the UTC instant."""
    return str(
        uuid.uuid5(_NAMESPACE, f"occurrence/{ritual_id}/{at.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    )


def calendar_uid(couple_id: str, partner_id: str | None = None) -> str:
    """The stable UID of a couple's calendar, or of one partner's."""
    scope = f"calendar/{couple_id}" + (f"/{partner_id}" if partner_id else "")
    return str(uuid.uuid5(_NAMESPACE, scope))


def capsule_uid(capsule_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"capsule/{capsule_id}"))


def milestone_uid(couple_id: str, day: date, week: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"plan/{couple_id}/{day.isoformat()}/{week}"))
