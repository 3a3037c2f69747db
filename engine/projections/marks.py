"""The ``ritual_marks`` read model: what was logged against each occurrence.

One state per key:

- ``<ritual id>@<occurrence, UTC ISO>``: who checked in for that scheduled occurrence
  (a check-in ``for_partners`` counts for them too) and whether it was skipped;
- ``<ritual id>#<event id>``: one check-in of a quota or occasional ritual.

Each state remembers which event credited whom, so an undo (``entry.retracted``) takes
back exactly what the undone event logged. A check-in, skip or undo touches exactly one
key, so catching up costs the same whatever the length of the history. The fold keeps
facts only; streaks depend on the clock as well (a miss is an occurrence whose late-entry
window closed), so they are derived from these marks at query time by
``engine.projections.streaks``. Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime

from engine.events import CheckedIn, EntryRetracted, OccurrenceSkipped, RecordedEvent
from engine.frozen import frozen
from engine.projections.projection import Json, Projection

NAME = "ritual_marks"
VERSION = 2


Credit = tuple[str, tuple[str, ...], datetime]
"""(event id, partner ids it counts for, done at): one check-in."""

Letting = tuple[str, datetime]
"""(event id, when): one skip."""


@frozen
class Mark:
    """What was logged for one occurrence (or one quota check-in) of a ritual."""

    ritual_id: str
    occurrence: datetime | None  # None: a quota or occasional check-in
    credits: tuple[Credit, ...] = ()  # every check-in still standing, in log order
    skips: tuple[Letting, ...] = ()  # every skip still standing, in log order

    @property
    def done(self) -> tuple[tuple[str, datetime], ...]:
        """(partner id, done at) of each partner's first standing check-in."""
        first: dict[str, datetime] = {}
        for _, partners, at in self.credits:
            for partner in partners:
                first.setdefault(partner, at)
        return tuple(sorted(first.items()))

    @property
    def skipped_at(self) -> datetime | None:
        """When it was first let go (None: it was not, or the skip was undone)."""
        return min((at for _, at in self.skips), default=None)

    def done_by(self, now: datetime) -> dict[str, datetime]:
        """The partners who had checked in by ``now``, with when they did."""
        if len(self.credits) == 1:  # most marks: one check-in, so no first one to find
            _, partners, at = self.credits[0]
            return dict.fromkeys(sorted(partners), at) if at <= now else {}
        return {partner: at for partner, at in self.done if at <= now}

    def skipped_by(self, now: datetime) -> bool:
        skipped = self.skipped_at
        return skipped is not None and skipped <= now


def keys(recorded: RecordedEvent) -> tuple[str, ...]:
    event = recorded.event
    match event:
        case CheckedIn(occurrence=None):
            return (f"{event.ritual_id}#{recorded.event_id}",)
        case CheckedIn() | OccurrenceSkipped():
            assert event.occurrence is not None
            return (f"{event.ritual_id}@{event.occurrence.isoformat()}",)
        case EntryRetracted(ritual_id=str(rid), occurrence=None):
            return (f"{rid}#{event.retracted_event_id}",)
        case EntryRetracted(ritual_id=str(rid), occurrence=datetime() as occ):
            return (f"{rid}@{occ.isoformat()}",)
        case _:
            return ()


def evolve(mark: Mark | None, recorded: RecordedEvent) -> Mark:
    """Apply one check-in, skip or undo to the mark of its occurrence."""
    event = recorded.event
    assert isinstance(event, CheckedIn | OccurrenceSkipped | EntryRetracted)
    credits, skips = (mark.credits, mark.skips) if mark else ((), ())
    if isinstance(event, EntryRetracted):
        assert event.ritual_id is not None
        gone = event.retracted_event_id
        credits = tuple(c for c in credits if c[0] != gone)
        skips = tuple(s for s in skips if s[0] != gone)
        return Mark(event.ritual_id, event.occurrence, credits, skips)
    if isinstance(event, OccurrenceSkipped):
        skips = (*skips, (recorded.event_id, recorded.occurred_at))
    else:
        partners = tuple(dict.fromkeys((event.partner_id, *event.for_partners)))
        credits = (*credits, (recorded.event_id, partners, event.done_at))
    return Mark(event.ritual_id, event.occurrence, credits, skips)


def dump(mark: Mark) -> Json:
    return {
        "ritual": mark.ritual_id,
        "occurrence": mark.occurrence.isoformat() if mark.occurrence else None,
        "credits": [[eid, list(partners), at.isoformat()] for eid, partners, at in mark.credits],
        "skips": [[eid, at.isoformat()] for eid, at in mark.skips],
    }


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def load(data: Json) -> Mark:
    return Mark(
        ritual_id=data["ritual"],
        occurrence=_moment(data["occurrence"]),
        credits=tuple(
            (eid, tuple(partners), datetime.fromisoformat(at))
            for eid, partners, at in data["credits"]
        ),
        skips=tuple((eid, datetime.fromisoformat(at)) for eid, at in data["skips"]),
    )


MARKS: Projection[Mark] = Projection(NAME, VERSION, keys, evolve, dump, load)
