"""Calendar sharing links: issue, list and revoke them, and find one by its token.

Issuing and revoking are events in the couple's stream. The server finds links through a
:class:`LinkIndex`: on a SQL store the ``feed_links`` table (kept in step with the events
inside their append transaction, see :mod:`engine.sql.feed_links`); on any other store an
index folded from the events themselves, which is what the in-memory tests use.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from engine.domain import couple as couple_domain
from engine.domain import sharing
from engine.domain.sharing import LinkIndex, LinkRow
from engine.domain.text import clean_line
from engine.errors import NotFound
from engine.events import EventStore, FeedLinkIssued, FeedLinkRevoked
from engine.services.lazy import Lazy
from engine.services.refs import MEMBERSHIP, CoupleRef, Decision, couple_stream, new_id
from engine.views.sharing import FeedLinkView, FeedTarget, IssuedFeedLink

if TYPE_CHECKING:
    from engine.domain.couple import CoupleState
    from engine.services.session import Session

_NO_HASH = "0" * 64

LINK_TYPES = (FeedLinkIssued.type_name, FeedLinkRevoked.type_name)


class EventLinkIndex:
    """A :class:`LinkIndex` folded from the sharing events of any store (slow; for tests)."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._fetched: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def _rows(self) -> dict[tuple[str, str], LinkRow]:
        """Links by (couple id, link id): a link id is unique within its couple only."""
        rows: dict[tuple[str, str], LinkRow] = {}
        for r in self._store.read_types(LINK_TYPES):
            match r.event:
                case FeedLinkIssued(link_id=link_id):
                    rows[(r.couple_id, link_id)] = LinkRow(
                        r.event.token_hash,
                        link_id,
                        r.couple_id,
                        r.event.partner_id,
                        False,
                        base_url=r.event.base_url,
                    )
                case FeedLinkRevoked(link_id=link_id) if (r.couple_id, link_id) in rows:
                    rows[(r.couple_id, link_id)] = replace(
                        rows[(r.couple_id, link_id)], revoked=True
                    )
        return rows

    def find(self, token_hash: str) -> LinkRow | None:
        found = next((row for row in self._rows().values() if row.token_hash == token_hash), None)
        if found is None:
            return None
        with self._lock:
            return replace(
                found, last_fetched_at=self._fetched.get((found.couple_id, found.link_id))
            )

    def fetched(self, couple_id: str, link_id: str, at: datetime) -> None:
        with self._lock:
            self._fetched[(couple_id, link_id)] = at

    def last_fetched(self, couple_id: str) -> dict[str, datetime]:
        with self._lock:
            fetched = self._fetched.items()
            return {link: at for (couple, link), at in fetched if couple == couple_id}


class Sharing:
    """Calendar sharing links, and finding one by its token for the feed server."""

    def __init__(self, session: Session, index_for: Callable[[EventStore], LinkIndex]) -> None:
        self._s = session
        self._index = Lazy(lambda: index_for(session.base_store))

    @property
    def link_index(self) -> LinkIndex:
        """Where links are found by token hash: the ``feed_links`` table on SQL stores."""
        return self._index.get()

    def _links(self, state: CoupleState) -> dict[str, sharing.FeedLink]:
        stream = couple_stream(state.couple_id)
        found = self._s.store.read_couple(state.couple_id, types=LINK_TYPES)
        return sharing.fold_links([r.event for r in found if r.stream_id == stream])

    def share_feed(
        self,
        couple: CoupleRef,
        *,
        base_url: str,
        partner: str | None,
        label: str | None,
    ) -> IssuedFeedLink:
        """Issue a calendar subscription link (for one partner's rituals, or the couple's).

        The token is in the returned URLs and nowhere else: only its hash is stored.
        """
        base = sharing.clean_base_url(base_url)
        text = None if label is None else clean_line(label, "label", max_len=sharing.LABEL_MAX)
        token = secrets.token_urlsafe(sharing.TOKEN_BYTES)
        link_id = new_id()

        def decide(state: CoupleState) -> Decision:
            partner_id = None if partner is None else state.partner(partner).partner_id
            event = FeedLinkIssued(
                link_id=link_id,
                partner_id=partner_id,
                base_url=base,
                label=text,
                token_hash=sharing.token_hash(token),
                at=self._s.now(),
            )
            return [event], None

        state, events = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        event = events[0]
        assert isinstance(event, FeedLinkIssued)
        url, webcal = sharing.feed_urls(base_url, token)
        link = sharing.FeedLink(event.link_id, event.partner_id, event.label, event.at)
        return IssuedFeedLink(self._link_view(state, link, None), url, webcal)

    def feed_links(self, couple: CoupleRef, include_revoked: bool) -> list[FeedLinkView]:
        """The couple's sharing links, oldest first (never their tokens)."""
        state = self._s.load_members(couple)
        fetched = self.link_index.last_fetched(state.couple_id)
        return [
            self._link_view(state, link, fetched.get(link.link_id))
            for link in self._links(state).values()
            if include_revoked or link.revoked_at is None
        ]

    def revoke_feed_link(self, couple: CoupleRef, link: str) -> FeedLinkView:
        """Stop a link (by id or id prefix) from opening the calendar, from now on."""

        def decide(state: CoupleState) -> Decision:
            links = self._links(state)
            found = sharing.check_revocable(
                links[couple_domain.find_by_prefix(dict(links), link, "link")]
            )
            return [FeedLinkRevoked(link_id=found.link_id, at=self._s.now())], None

        state, events = self._s.couple_command(couple, decide, types=MEMBERSHIP)
        revoked = events[0]
        assert isinstance(revoked, FeedLinkRevoked)
        found = self._links(state)[revoked.link_id]
        return self._link_view(state, replace(found, revoked_at=revoked.at), None)

    def _link_view(
        self, state: CoupleState, link: sharing.FeedLink, last_fetched: datetime | None
    ) -> FeedLinkView:
        return FeedLinkView(
            id=link.link_id,
            label=link.label,
            partner=None if link.partner_id is None else state.handle_of(link.partner_id),
            created_at=link.created_at,
            last_fetched_at=last_fetched,
            revoked_at=link.revoked_at,
        )

    # -- for the feed server -------------------------------------------------------------

    def feed_target(self, token: str) -> FeedTarget | None:
        """The live link a presented token opens, or None: unknown and revoked links, a
        couple that was erased and a partner who has left all open nothing.

        The token is always hashed and looked up once, and the stored hash compared in
        constant time, so that unknown and revoked tokens cost the same.
        """
        presented = sharing.token_hash(token)
        row = self.link_index.find(presented)
        same = hmac.compare_digest(row.token_hash if row else _NO_HASH, presented)
        if row is None or not same or row.revoked:
            return None
        try:
            state = self._s.load_members(row.couple_id)
        except NotFound:
            return None
        partner = row.partner_id
        if partner is not None and all(p.partner_id != partner for p in state.partners):
            return None
        return FeedTarget(
            row.link_id, row.couple_id, row.partner_id, row.last_fetched_at, row.base_url
        )

    def record_feed_fetch(self, couple_id: str, link_id: str, at: datetime) -> None:
        """Note when a calendar app last fetched a couple's link (not an event: it changes
        too often)."""
        self.link_index.fetched(couple_id, link_id, at)

    def log_position(self) -> int:
        """The position of the newest event in the whole log: the server's change detector."""
        return self._s.store.last_position()

    def event_recorded_at(self, position: int) -> datetime | None:
        """When the event at ``position`` was recorded (None when there is none)."""
        found = self._s.store.read_all(after=position - 1, limit=1) if position > 0 else []
        return found[0].recorded_at if found and found[0].position == position else None
