"""Small vocabularies shared by events, views and templates."""

from __future__ import annotations

from typing import Literal, get_args

RitualKind = Literal[
    "check-in", "appreciation", "shared-activity", "meeting", "reflection", "touch", "other"
]
RITUAL_KINDS: tuple[str, ...] = get_args(RitualKind)

RepairKind = Literal["apology", "humour", "touch", "reassurance", "pause", "other"]
REPAIR_KINDS: tuple[str, ...] = get_args(RepairKind)

RepairAnswer = Literal["accepted", "not-yet"]
REPAIR_ANSWERS: tuple[str, ...] = get_args(RepairAnswer)
