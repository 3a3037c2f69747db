"""Calendar sharing links (never their tokens) and what a live link opens."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime

from engine.frozen import frozen


@frozen
class FeedLinkView:
    """A calendar sharing link, without its token (which is never stored)."""

    id: str
    label: str | None
    partner: str | None  # a handle; None for the couple's whole calendar
    created_at: datetime
    last_fetched_at: datetime | None
    revoked_at: datetime | None

    @property
    def short_id(self) -> str:
        return self.id[:8]


@frozen
class IssuedFeedLink:
    """A link just issued: the only moment its URLs (which hold the token) are known."""

    link: FeedLinkView
    url: str = field(repr=False)
    webcal_url: str = field(repr=False)


@frozen
class FeedTarget:
    """What a live link opens, for the feed server."""

    link_id: str
    couple_id: str
    partner_id: str | None
    last_fetched_at: datetime | None
    base_url: str | None = None  # where the link was shared: its feed links to the page there
