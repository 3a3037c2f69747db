"""Privacy: erasure on an append-only log, and taking a couple's data out and back in.

Erasure destroys keys and keeps a content-free tombstone. Every intimate text is sealed
under the couple's key or the writing partner's own key (:mod:`engine.events.sealing`).
Destroying a key makes every text sealed under it unreadable for good, while the events
themselves stay in place, so streams, versions and positions never change. After a
tombstone the SQL store refuses to make a key for what it names.

A tombstone and the destruction of the keys it names are one transaction: the store
deletes the keys inside the append of the tombstone (and, within that same write lock,
refuses to make a key for what a tombstone names). So an erasure cut short has either
not happened at all, and runs again, or happened whole. What may follow a crash are the
read models' rows, which the next catch-up drops when it folds the tombstone (the read
models are also told to forget explicitly), and old pages in SQLite's write-ahead log,
which the next clean close of any connection (or ``scrub``) clears.

A partner's tombstone is checked against the couple's version, so that two partners
erased at once cannot leave a couple without anyone. Erasing a partner who already left
finishes the job.

A per-viewer export holds what that viewer may see. A full export holds every event
with every text decrypted, for moving a couple to another database; an import takes
only a full export, and only into a database that does not hold the couple yet (or
holds the start of an import of the same file that was cut short: appending an event id
again with the same content is a no-op, so the import simply carries on).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engine.domain.couple import Partner
from engine.domain.visibility import EVERYONE, hidden_fields, is_listed
from engine.errors import InvalidInput, NotAllowed
from engine.events import Batch, CoupleErased, Event, FeedLinkIssued, NewEvent, PartnerErased
from engine.export.document import ExportContent, ExportedEvent, to_document
from engine.export.keepsake import render_markdown
from engine.export.reading import ImportPlan, read_document
from engine.services.history import history_entry
from engine.services.journal import capsule_views, journal_views, note_views
from engine.services.plans import Plans
from engine.services.rituals import Rituals
from engine.services.session import CoupleRef, Session, couple_stream, couple_view
from engine.services.sharing import Sharing
from engine.services.streaks import Streaks
from engine.views import CoupleView, ErasureView

Forget = Callable[[str, str | None], None]
"""Told to drop what it holds of a couple (or of one partner of it) after an erasure."""


class Privacy:
    """Forgetting a couple or a partner's words; exporting and importing a couple."""

    def __init__(
        self,
        session: Session,
        *,
        rituals: Rituals,
        streaks: Streaks,
        plans: Plans,
        sharing: Sharing,
        forget: tuple[Forget, ...],
    ) -> None:
        self._s = session
        self._sharing = sharing
        self._rituals = rituals
        self._streaks = streaks
        self._plans = plans
        self._forget = forget

    # -- erasure -------------------------------------------------------------------------

    def erase_couple(self, couple: CoupleRef) -> ErasureView:
        s = self._s
        cid = s.load_members(couple).couple_id
        destroyed = s.store.cipher.keyring.count(cid)
        tombstone = CoupleErased(at=s.now())  # the store destroys the keys with it
        s.append(cid, couple_stream(cid), [tombstone], expected_version=None, actor=None)
        destroyed += s.store.cipher.forget(cid)  # none are left; kept for any other store
        for forget in self._forget:
            forget(cid, None)
        return ErasureView(cid, None, destroyed, s.store.scrub())

    def erase_partner(self, couple: CoupleRef, handle: str) -> ErasureView:
        s = self._s

        def attempt() -> tuple[str, Partner, int]:
            state = s.load_members(couple)
            wanted = handle.strip().lower()
            current = [p for p in state.partners if wanted in (p.handle, p.partner_id)]
            gone = [p for p in state.former if wanted in (p.handle, p.partner_id)]
            if gone and not current:
                return state.couple_id, gone[-1], 0  # left before: make sure the key is gone
            partner = state.partner(wanted)
            if len(state.partners) < 2:
                raise NotAllowed(
                    f"{partner.handle} is the only partner here; to erase everything, "
                    "erase the whole couple instead"
                )
            keys = s.store.cipher.keyring.count(state.couple_id, partner.partner_id)
            s.append(  # the store destroys the partner's key with the tombstone
                state.couple_id,
                couple_stream(state.couple_id),
                [PartnerErased(partner_id=partner.partner_id, at=s.now())],
                expected_version=state.version,
                actor=partner.partner_id,
            )
            return state.couple_id, partner, keys

        cid, partner, destroyed = s.retrying(attempt)
        destroyed += s.store.cipher.forget(cid, partner.partner_id)
        for forget in self._forget:
            forget(cid, partner.partner_id)
        return ErasureView(cid, partner.handle, destroyed, s.store.scrub())

    # -- export and import ---------------------------------------------------------------

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
        latest = self._plans.latest(state.couple_id)
        zones = s.zone_book(state.couple_id).couple
        return ExportContent(
            couple=state,
            viewer=reader.handle if reader else None,
            full=full,
            exported_at=s.now(),
            rituals=[(self._rituals.view(state, r), r) for r in rituals.values()],
            ground_rules=state.ground_rules,
            journal=journal_views(state, vid, recorded),
            notes=note_views(state, vid, today, titles, recorded),
            capsules=capsule_views(state, vid, today, recorded),
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
