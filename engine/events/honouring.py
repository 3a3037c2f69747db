"""A view of an event store in which retracted entries are gone.

Reads by couple or by type leave out every event a retraction took back, and the
retractions themselves; so every reader built on them (status, streak history,
insights, drift, plans, journals, feeds) honours an undo without knowing of it.
Reads of one stream and of the whole log stay as stored: the deciders need the true
stream version, and the projection runner folds retractions explicitly.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from engine.events.forwarding import ForwardingStore
from engine.events.retractions import EntryRetracted, honoured, retracted_ids

if TYPE_CHECKING:
    from engine.events.records import Recent, RecordedEvent

RETRACTED = (EntryRetracted.type_name,)


class HonouringStore(ForwardingStore):
    """An :class:`EventStore` whose couple and type reads honour retractions."""

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
        recent: Recent | None = None,
    ) -> list[RecordedEvent]:
        found = self.inner.read_couple(
            couple_id, types=types, after=after, decrypt=decrypt, recent=recent
        )
        if types is None and recent is None:
            return honoured(found)
        if not found:
            return found
        taken = self.inner.read_couple(couple_id, types=RETRACTED, decrypt=False)
        return honoured(found, retracted_ids(taken))

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        found = self.inner.read_types(types, decrypt=decrypt)
        if not found:
            return found
        return honoured(found, retracted_ids(self.inner.read_types(RETRACTED, decrypt=False)))
