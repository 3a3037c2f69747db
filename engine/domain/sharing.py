"""Calendar sharing links: token hashing, link URLs, and the links folded from the couple's
stream. Pure: no I/O, no clock (the random token is drawn by the sharing service).

Why a plain SHA-256 and no salt or key-derivation function: a token is 32 bytes from
``secrets`` (256 bits of entropy), not a password a person chose. Salts exist to defeat
precomputed tables and KDFs exist to slow down guessing of low-entropy secrets; neither
helps against a 2**256 search, which is out of reach however fast the hash. A fast,
unsalted hash also lets the server find a link with one indexed lookup per request.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from engine.errors import InvalidInput, NotAllowed
from engine.events import Event, FeedLinkIssued, FeedLinkRevoked
from engine.frozen import frozen

TOKEN_BYTES = 32
"""Random bytes in a token (``secrets.token_urlsafe(32)``: 43 URL-safe characters)."""

FEED_PATH = "/feeds/"
FEED_SUFFIX = ".ics"
LABEL_MAX = 80


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token: what is stored and looked up, never the token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def clean_base_url(value: str) -> str:
    """An http(s) base URL without a trailing slash, query or fragment."""
    text = value.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port out of range
    except ValueError:
        raise InvalidInput("the base URL is not valid; try https://calendar.example.org") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("the base URL needs http:// or https:// and a host name")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput("the base URL takes no query, fragment or login details")
    return text


def feed_urls(base_url: str, token: str) -> tuple[str, str]:
    """The http(s) URL of a feed and the same address as ``webcal://`` for calendar apps."""
    base = clean_base_url(base_url)
    url = f"{base}{FEED_PATH}{token}{FEED_SUFFIX}"
    return url, "webcal://" + url.split("://", 1)[1]


@frozen
class FeedLink:
    """A link as the couple's stream tells it."""

    link_id: str
    partner_id: str | None
    label: str | None
    created_at: datetime
    revoked_at: datetime | None = None


def fold_links(events: list[Event]) -> dict[str, FeedLink]:
    """Every link issued in a couple's stream, by id, oldest first."""
    links: dict[str, FeedLink] = {}
    for event in events:
        match event:
            case FeedLinkIssued():
                links[event.link_id] = FeedLink(
                    event.link_id, event.partner_id, event.label, event.at
                )
            case FeedLinkRevoked() if event.link_id in links:
                links[event.link_id] = replace(links[event.link_id], revoked_at=event.at)
    return links


def check_revocable(link: FeedLink) -> FeedLink:
    """A link that can still be revoked."""
    if link.revoked_at is not None:
        raise NotAllowed("that link is already revoked; it no longer opens the calendar")
    return link


@frozen
class LinkRow:
    """One link as the server's index holds it."""

    token_hash: str
    link_id: str
    couple_id: str
    partner_id: str | None
    revoked: bool
    last_fetched_at: datetime | None = None
    base_url: str | None = None


class LinkIndex(Protocol):
    """Finds links by token hash and remembers when they were last fetched."""

    def find(self, token_hash: str) -> LinkRow | None:
        """The link whose token has this hash, revoked or not."""
        ...

    def fetched(self, couple_id: str, link_id: str, at: datetime) -> None:
        """Record that a calendar app fetched the link's feed at ``at``."""
        ...

    def last_fetched(self, couple_id: str) -> dict[str, datetime]:
        """When each of the couple's links was last fetched (links never fetched are absent)."""
        ...
