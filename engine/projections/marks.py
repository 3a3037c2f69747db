"""The ``ritual_marks`` read model: what was logged against each occurrence.

One state per key:

- ``<ritual id>@<occurrence, UTC ISO>``: who checked in for that scheduled occurrence
  (a check-in ``for_partners`` counts for them too) and whether it was skipped;
- ``<ritual id>#<event id>``: one check-in of a quota or occasional ritual.

A check-in or skip touches exactly one key, so catching up costs the same whatever the
length of the history. The fold keeps facts only; streaks depend on the clock as well
(a miss is an occurrence whose late-entry window closed), so they are derived from these
marks at query time by ``engine.projections.streaks``. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.events import CheckedIn, OccurrenceSkipped, RecordedEvent
from engine.projections.projection import Json, Projection

NAME = "ritual_marks"
VERSION = 1


@dataclass(frozen=True)
class Mark:
    """What was logged for one occurrence (or one quota check-in) of a ritual."""

    ritual_id: str
    occurrence: datetime | None  # None: a quota or occasional check-in
    done: tuple[tuple[str, datetime], ...] = ()  # (partner id, done at), first check-in each
    skipped_at: datetime | None = None  # when it was first let go

    def done_by(self, now: datetime) -> dict[str, datetime]:
        """The partners who had checked in by ``now``, with when they did."""
        return {partner: at for partner, at in self.done if at <= now}

    def skipped_by(self, now: datetime) -> bool:
        return self.skipped_at is not None and self.skipped_at <= now


def keys(recorded: RecordedEvent) -> tuple[str, ...]:
    event = recorded.event
    match event:
        case CheckedIn(occurrence=None):
            return (f"{event.ritual_id}#{recorded.event_id}",)
        case CheckedIn() | OccurrenceSkipped():
            assert event.occurrence is not None
            return (f"{event.ritual_id}@{event.occurrence.isoformat()}",)
        case _:
            return ()


def evolve(mark: Mark | None, recorded: RecordedEvent) -> Mark:
    """Apply one check-in or skip to the mark of its occurrence."""
    event = recorded.event
    assert isinstance(event, CheckedIn | OccurrenceSkipped)
    done, skipped_at = (mark.done, mark.skipped_at) if mark else ((), None)
    if isinstance(event, OccurrenceSkipped):
        skipped_at = skipped_at or recorded.occurred_at
    else:
        seen = {partner for partner, _ in done}
        credited = dict.fromkeys((event.partner_id, *event.for_partners))
        done = tuple(sorted((*done, *((p, event.done_at) for p in credited if p not in seen))))
    return Mark(event.ritual_id, event.occurrence, done, skipped_at)


def dump(mark: Mark) -> Json:
    return {
        "ritual": mark.ritual_id,
        "occurrence": mark.occurrence.isoformat() if mark.occurrence else None,
        "done": {partner: at.isoformat() for partner, at in mark.done},
        "skipped_at": mark.skipped_at.isoformat() if mark.skipped_at else None,
    }


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def load(data: Json) -> Mark:
    return Mark(
        ritual_id=data["ritual"],
        occurrence=_moment(data["occurrence"]),
        done=tuple(sorted((p, datetime.fromisoformat(at)) for p, at in data["done"].items())),
        skipped_at=_moment(data["skipped_at"]),
    )


MARKS: Projection[Mark] = Projection(NAME, VERSION, keys, evolve, dump, load)
