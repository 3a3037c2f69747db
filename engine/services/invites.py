"""Partner invites: issue, list and revoke them, and find the page one opens.

Issuing and revoking are events in the couple's stream. The web page finds invites through
an :class:`InviteIndex`: on a SQL store the ``partner_invites`` table (kept in step with the
events inside their append transaction, see :mod:`engine.sql.invites`); on any other store
an index folded from the events themselves, which is what the in-memory tests use.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from engine.domain import couple as couple_domain
from engine.domain import invites as idom
from engine.domain.invites import InviteIndex, InviteRow
from engine.domain.sharing import TOKEN_BYTES, clean_base_url, token_hash
from engine.domain.text import clean_line
from engine.errors import NotFound
from engine.events import EventStore, PartnerInviteIssued, PartnerInviteRevoked
from engine.services.lazy import Lazy
from engine.services.refs import CoupleRef, Decision, couple_stream, new_id
from engine.views.invites import InviteView, IssuedInvite, PageTarget

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.session import Session

_NO_HASH = "0" * 64
INVITE_TYPES = (PartnerInviteIssued.type_name, PartnerInviteRevoked.type_name)


class EventInviteIndex:
    """An :class:`InviteIndex` folded from the invite events of any store (slow; for tests)."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def _rows(self) -> dict[str, InviteRow]:
        rows: dict[str, InviteRow] = {}
        for r in self._store.read_types(INVITE_TYPES):
            match r.event:
                case PartnerInviteIssued():
                    event = r.event
                    rows[event.invite_id] = InviteRow(
                        event.token_hash, event.invite_id, r.couple_id, event.partner_id, False
                    )
                case PartnerInviteRevoked() if r.event.invite_id in rows:
                    rows[r.event.invite_id] = replace(rows[r.event.invite_id], revoked=True)
        return rows

    def find(self, token_hash: str) -> InviteRow | None:
        return next((row for row in self._rows().values() if row.token_hash == token_hash), None)

    def get(self, invite_id: str) -> InviteRow | None:
        return self._rows().get(invite_id)


class Invites:
    """Secret links to a partner's own page."""

    def __init__(self, session: Session, index_for: Callable[[EventStore], InviteIndex]) -> None:
        self._s = session
        self._index = Lazy(lambda: index_for(session.base_store))

    @property
    def invite_index(self) -> InviteIndex:
        """Where invites are found: the ``partner_invites`` table on SQL stores."""
        return self._index.get()

    def _invites(self, state: CoupleState) -> dict[str, idom.Invite]:
        events = [r.event for r in self._s.store.read_stream(couple_stream(state.couple_id))]
        return idom.fold_invites(events)

    def invite_partner(
        self, couple: CoupleRef, *, partner: str, base_url: str, label: str | None = None
    ) -> IssuedInvite:
        """Issue a secret link to ``partner``'s page. The token is in the returned URL and
        nowhere else: only its hash is stored."""
        base = clean_base_url(base_url)
        text = None if label is None else clean_line(label, "label", max_len=idom.LABEL_MAX)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invite_id = new_id()

        def decide(state: CoupleState) -> Decision:
            member = state.partner(partner)
            event = PartnerInviteIssued(
                invite_id=invite_id,
                partner_id=member.partner_id,
                base_url=base,
                label=text,
                token_hash=token_hash(token),
                at=self._s.now(),
            )
            return [event], None

        state, events = self._s.couple_command(couple, decide)
        event = events[0]
        assert isinstance(event, PartnerInviteIssued)
        invite = idom.Invite(event.invite_id, event.partner_id, event.label, base, event.at)
        return IssuedInvite(self._invite_view(state, invite), idom.invite_url(base, token))

    def invites(self, couple: CoupleRef, *, include_revoked: bool = False) -> list[InviteView]:
        """The couple's partner invites, oldest first (never their tokens)."""
        state = self._s.load_couple(couple)
        return [
            self._invite_view(state, invite)
            for invite in self._invites(state).values()
            if (include_revoked or invite.revoked_at is None)
            and any(p.partner_id == invite.partner_id for p in state.partners)
        ]

    def revoke_invite(self, couple: CoupleRef, invite: str) -> InviteView:
        """Stop an invite (by id or id prefix) from opening the page, and end its sessions."""

        def decide(state: CoupleState) -> Decision:
            found = self._invites(state)
            chosen = idom.check_revocable(
                found[couple_domain.find_by_prefix(dict(found), invite, "invite")]
            )
            return [PartnerInviteRevoked(invite_id=chosen.invite_id, at=self._s.now())], None

        state, events = self._s.couple_command(couple, decide)
        revoked = events[0]
        assert isinstance(revoked, PartnerInviteRevoked)
        found = self._invites(state)[revoked.invite_id]
        return self._invite_view(state, replace(found, revoked_at=revoked.at))

    def _invite_view(self, state: CoupleState, invite: idom.Invite) -> InviteView:
        return InviteView(
            id=invite.invite_id,
            partner=state.handle_of(invite.partner_id),
            label=invite.label,
            base_url=invite.base_url,
            created_at=invite.created_at,
            revoked_at=invite.revoked_at,
        )

    # -- for the web page --------------------------------------------------------------

    def invite_target(self, token: str) -> PageTarget | None:
        """The page a presented invite token opens, or None: unknown and revoked invites,
        an erased couple and a partner who has left all open nothing.

        The token is hashed and looked up once and the stored hash compared in constant
        time, so that unknown and revoked tokens cost the same.
        """
        presented = token_hash(token)
        row = self.invite_index.find(presented)
        same = hmac.compare_digest(row.token_hash if row else _NO_HASH, presented)
        return self._live(row) if same else None

    def session_target(self, invite_id: str) -> PageTarget | None:
        """The page a session of ``invite_id`` opens, or None when the invite is gone."""
        return self._live(self.invite_index.get(invite_id))

    def _live(self, row: InviteRow | None) -> PageTarget | None:
        if row is None or row.revoked:
            return None
        try:
            state = self._s.load_couple(row.couple_id)
        except NotFound:
            return None
        if all(p.partner_id != row.partner_id for p in state.partners):
            return None
        handle = state.handle_of(row.partner_id)
        return PageTarget(row.invite_id, row.couple_id, row.partner_id, handle, row.token_hash)
