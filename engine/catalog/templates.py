"""What a ritual template is: a ritual as the catalog suggests it. Pure."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from engine.frozen import frozen

if TYPE_CHECKING:
    from engine.catalog.kinds import RitualKind

Participants = Literal["both", "each"]
"""``both``: done together; ``each``: every partner on their own."""


@frozen
class Template:
    """A ritual as the catalog suggests it; the couple may change anything later."""

    key: str
    title: str
    kind: RitualKind
    summary: str
    cron: str | None
    per_week: int | None
    duration: timedelta | None
    participants: Participants
    reminder: timedelta | None
    prompts: tuple[str, ...]
    starter: bool
    family: str = ""  # templates of one purpose share a family; empty: its own key

    @property
    def kin(self) -> str:
        """The template's family: what it is for, whatever its exact shape."""
        return self.family or self.key


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
