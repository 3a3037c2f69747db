"""How the services refer to couples and rituals, name their streams and draw fresh ids,
and the groups of event types each kind of load reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from engine.events import (
    CoupleCreated,
    CoupleErased,
    CoupleSettingsChanged,
    Event,
    PartnerAdded,
    PartnerErased,
    PartnerRenamed,
    PartnerZoneCleared,
    PartnerZoneSet,
)
from engine.events.idempotency import drawn_ids
from engine.views.couples import CoupleView
from engine.views.rituals import RitualView

CoupleRef = str | CoupleView
"""A couple by its id or its view."""

RitualRef = str | RitualView
"""A ritual by its id, its view, or the exact title (any case) of one of the couple's rituals."""

Decision = tuple[Sequence[Event], str | None]
"""What a couple-stream decider returns: the events to append, and the acting partner id."""

TOMBSTONES = (CoupleErased.type_name, PartnerErased.type_name)

MEMBERSHIP = (
    CoupleCreated.type_name,
    PartnerAdded.type_name,
    PartnerRenamed.type_name,
    PartnerErased.type_name,
    CoupleSettingsChanged.type_name,
    PartnerZoneSet.type_name,
    PartnerZoneCleared.type_name,
)
"""The couple-stream events that say who the couple is: enough for most decisions."""

RITUAL_LIFECYCLE = (
    "ritual.added",
    "ritual.edited",
    "ritual.paused",
    "ritual.resumed",
    "ritual.retired",
)

LOGGED = ("ritual.checked_in", "ritual.skipped")
"""The ritual-stream events that log an occurrence rather than define the ritual."""

ERASED_COUPLE = "that couple was erased at their request; nothing of theirs can be read any more"
NO_COUPLE = "no couple has that id"


def couple_stream(couple_id: str) -> str:
    return f"couple-{couple_id}"


def ritual_stream(ritual_id: str) -> str:
    return f"ritual-{ritual_id}"


def new_id() -> str:
    """A fresh id: random, or the next of a keyed run's ids (so a replay draws the same)."""
    keyed = drawn_ids()
    return (keyed.next() if keyed is not None else uuid.uuid4()).hex
