"""Privacy: erasure on an append-only log (taking a couple's data out and back in is
``engine.services.portability``).

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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.errors import NotAllowed
from engine.events import CoupleErased, PartnerErased
from engine.services.refs import CoupleRef, couple_stream
from engine.views.privacy import ErasureView

if TYPE_CHECKING:
    from engine.domain.couple import Partner
    from engine.services.session import Session

Forget = Callable[[str, str | None], None]
"""Told to drop what it holds of a couple (or of one partner of it) after an erasure."""


class Privacy:
    """Forgetting a couple, or one partner's words."""

    def __init__(self, session: Session, *, forget: tuple[Forget, ...]) -> None:
        self._s = session
        self._forget = forget

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
