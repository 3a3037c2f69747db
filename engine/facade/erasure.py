"""Erasure on an append-only log: destroy the keys, keep a content-free tombstone.

Every intimate text is sealed under the couple's key or the writing partner's own key
(:mod:`engine.crypto`). Destroying a key makes every text sealed under it unreadable
for good, while the events themselves stay in place, so streams, versions and positions
never change. After a tombstone the SQL store refuses to make a key for what it names.

A tombstone and the destruction of the keys it names are one transaction: the store
deletes the keys inside the append of the tombstone (and, within that same write lock,
refuses to make a key for what a tombstone names). So an erasure cut short has either
not happened at all, and runs again with the couple's real name, or happened whole. What
may follow a crash are the read models' rows, which the next catch-up drops when it
folds the tombstone, and old pages in SQLite's write-ahead log, which the next clean
close of any connection (or :meth:`scrub`) clears.

A partner's tombstone is checked against the couple's version, so that two partners
erased at once cannot leave a couple without anyone. Erasing a partner who already left
finishes the job.
"""

from __future__ import annotations

from engine.domain.couple import Partner
from engine.errors import NotAllowed
from engine.events import CoupleErased, PartnerErased
from engine.facade.core import CoupleRef, EngineCore, couple_stream
from engine.views import ErasureView


class ErasureMixin(EngineCore):
    """Forgetting a couple, or the words of one partner who leaves."""

    def erase_couple(self, couple: CoupleRef) -> ErasureView:
        """Erase a couple for good: every key of theirs, their read models, and a
        tombstone. Afterwards the couple no longer resolves and no text of theirs can
        be read; other couples in the store are untouched."""
        cid = self.load_couple(couple).couple_id
        destroyed = self.store.cipher.keyring.count(cid)
        tombstone = CoupleErased(at=self.now())  # the store destroys the keys with it
        self.append(cid, couple_stream(cid), [tombstone], expected_version=None, actor=None)
        destroyed += self.store.cipher.forget(cid)  # none are left; kept for any other store
        self._erase_read_models(cid)
        return ErasureView(cid, None, destroyed, self.store.scrub())

    def erase_partner(self, couple: CoupleRef, handle: str) -> ErasureView:
        """Erase what one partner wrote (a partner leaving): their notes, appreciations,
        capsule letters and display name, all sealed under their own key. The couple,
        its rituals and the other partners' words stay; the partner is no longer part
        of the couple."""

        def attempt() -> tuple[str, Partner, int]:
            state = self.load_couple(couple)
            wanted = handle.strip().lower()
            current = [p for p in state.partners if wanted in (p.handle, p.partner_id)]
            gone = [p for p in state.former if wanted in (p.handle, p.partner_id)]
            if gone and not current:
                return state.couple_id, gone[-1], 0  # left before: make sure the key is gone
            partner = state.partner(wanted)
            if len(state.partners) < 2:
                raise NotAllowed(
                    f"{partner.handle} is the only partner here; to erase everything, "
                    "use `ritual forget` without --partner"
                )
            keys = self.store.cipher.keyring.count(state.couple_id, partner.partner_id)
            self.append(  # the store destroys the partner's key with the tombstone
                state.couple_id,
                couple_stream(state.couple_id),
                [PartnerErased(partner_id=partner.partner_id, at=self.now())],
                expected_version=state.version,
                actor=partner.partner_id,
            )
            return state.couple_id, partner, keys

        cid, partner, destroyed = self.retrying(attempt)
        destroyed += self.store.cipher.forget(cid, partner.partner_id)
        self._erase_read_models(cid, partner.partner_id)
        return ErasureView(cid, partner.handle, destroyed, self.store.scrub())
