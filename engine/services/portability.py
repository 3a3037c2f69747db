"""Portability: taking a couple's data out (an export) and back in (an import).

A per-viewer export holds what that viewer may see. A full export holds every event
with every text decrypted, for moving a couple to another database; an import takes
only a full export, and only into a database that does not hold the couple yet (or
holds the start of an import of the same file that was cut short: appending an event id
again with the same content is a no-op, so the import simply carries on).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from engine.domain.visibility import EVERYONE, hidden_fields, is_listed
from engine.errors import InvalidInput, NotAllowed
from engine.events import Batch, Event, FeedLinkIssued, NewEvent
from engine.export.document import ExportContent, ExportedEvent, to_document
from engine.export.keepsake import render_markdown
from engine.export.reading import ImportPlan, read_document
from engine.services.history import history_entry
from engine.services.journal import capsule_views, journal_views, note_views
from engine.services.loading import couple_view

if TYPE_CHECKING:
    from engine.services.plans import Plans
    from engine.services.refs import CoupleRef
    from engine.services.rituals import Rituals
    from engine.services.session import Session
    from engine.services.sharing import Sharing
    from engine.services.streaks import Streaks
    from engine.views.couples import CoupleView


class Portability:
    """Exporting a couple (what a viewer may see, or everything) and importing one."""

    def __init__(
        self,
        session: Session,
        *,
        rituals: Rituals,
        streaks: Streaks,
        plans: Plans,
        sharing: Sharing,
    ) -> None:
        self._s = session
        self._sharing = sharing
        self._rituals = rituals
        self._streaks = streaks
        self._plans = plans

    def export_data(self, couple: CoupleRef, viewer: str | None, full: bool) -> dict[str, Any]:
        return to_document(self._export_content(couple, viewer, full))

    def export_markdown(self, couple: CoupleRef, viewer: str | None) -> str:
        return render_markdown(self._export_content(couple, viewer, full=False))

    def _export_content(self, couple: CoupleRef, viewer: str | None, full: bool) -> ExportContent:
        if full and viewer is not None:
            raise InvalidInput("a full export holds every partner's words; leave out the viewer")
        s = self._s
        state = s.load_couple(couple)
        reader = None if viewer is None else state.partner(viewer)
        vid = EVERYONE if full else (reader.partner_id if reader else None)
        today = s.today(state)
        rituals = s.ritual_states(state.couple_id)
        titles = {rid: r.title for rid, r in rituals.items()}
        recorded = s.store.read_couple(state.couple_id)
        lived = s.lived.read_couple(state.couple_id)  # the readable parts: undone entries left out
        latest = self._plans.latest(state.couple_id)
        zones = s.zone_book(state.couple_id).couple
        return ExportContent(
            couple=state,
            viewer=reader.handle if reader else None,
            full=full,
            exported_at=s.now(),
            rituals=[(self._rituals.view(state, r), r) for r in rituals.values()],
            ground_rules=state.ground_rules,
            journal=journal_views(state, vid, lived),
            notes=note_views(state, vid, today, titles, lived),
            capsules=capsule_views(state, vid, today, lived),
            streaks=self._streaks.streaks(state.couple_id, None),
            plan=None if latest is None else self._plans.plan_view(state, latest, ()),
            zones=zones,
            events=[
                ExportedEvent(
                    r,
                    history_entry(state, titles, r, zones).summary,
                    hidden_fields(r.event, vid, state, today),
                )
                for r in recorded
                if is_listed(r.event, vid, state)
            ],
        )

    def import_data(self, document: Mapping[str, Any]) -> CoupleView:
        plan = read_document(document)
        now = self._s.now()
        for index, e in enumerate(plan.events, start=1):
            if e.recorded_at > now:
                raise InvalidInput(
                    f"event {index} of the file was recorded later than now; nothing was imported"
                )
        self._check_import_target(plan)
        self._s.append_batches(  # one transaction: a cut-short import leaves nothing
            plan.couple_id,
            [
                Batch(
                    batch[0].stream_id,
                    [NewEvent(e.event, e.occurred_at, e.event_id, e.recorded_at) for e in batch],
                    expected_version=batch[0].version - 1,
                    metadata=batch[0].metadata,
                )
                for batch in plan.batches()
            ],
            keep_recorded=True,  # ``--as-of`` and the zones in force read them
        )
        for partner_id in plan.former_partners:
            self._s.store.cipher.forget(plan.couple_id, partner_id)
        return couple_view(self._s.load_members(plan.couple_id))

    def _check_import_target(self, plan: ImportPlan) -> None:
        if plan.couple_id in self._s.erased_couples():
            raise NotAllowed(
                "this database erased that couple at their request; import into another one"
            )
        if any(
            cid != plan.couple_id and name.casefold() == plan.name.casefold()
            for cid, name in self._s.couple_names()
        ):
            raise NotAllowed("this database already has a couple of that name")
        self._refuse_foreign_ids(plan)
        stored = [r.event_id for r in self._s.store.read_couple(plan.couple_id, decrypt=False)]
        wanted = [e.event_id for e in plan.events]
        if stored and (len(stored) >= len(wanted) or wanted[: len(stored)] != stored):
            raise NotAllowed(
                "this database already holds that couple; import into an empty database"
            )

    def _refuse_foreign_ids(self, plan: ImportPlan) -> None:
        """Refuse a file whose streams, rituals, links or link tokens already belong to
        another couple here: an import may only ever write its own couple's history."""
        store = self._s.store
        streams = {e.stream_id for e in plan.events}
        streams |= {f"ritual-{rid}" for e in plan.events for rid in _ritual_ids(e.event)}
        links = {e.event.link_id for e in plan.events if isinstance(e.event, FeedLinkIssued)}
        hashes = {e.event.token_hash for e in plan.events if isinstance(e.event, FeedLinkIssued)}
        foreign = (
            any(
                r.couple_id != plan.couple_id
                for stream in sorted(streams)
                for r in store.read_stream(stream, decrypt=False)[:1]
            )
            or any(
                r.couple_id != plan.couple_id and r.event.link_id in links
                for r in store.read_types((FeedLinkIssued.type_name,), decrypt=False)
                if isinstance(r.event, FeedLinkIssued)
            )
            or any(
                (row := self._sharing.link_index.find(h)) is not None
                and row.couple_id != plan.couple_id
                for h in sorted(hashes)
            )
        )
        if foreign:
            raise NotAllowed(
                "that export names rituals, plans or links another couple in this database "
                "already has; nothing was imported"
            )


def _ritual_ids(event: Event) -> Iterator[str]:
    """Every ritual id an event names, in a field of its own or in a list of them."""
    for field in dataclasses.fields(event):
        name, value = field.name, getattr(event, field.name)
        if name.endswith("ritual_id") and isinstance(value, str):
            yield value
        elif name.endswith("ritual_ids") and isinstance(value, tuple | list):
            yield from (v for v in value if isinstance(v, str))
