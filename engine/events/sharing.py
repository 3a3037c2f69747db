"""Events of the couple's stream about calendar sharing links.

A link is the only key to a couple's calendar, so the token itself is never stored:
only its SHA-256 hash, and even that is sealed in the log (like intimate text) so that
the history, exports and logs never show it. The server looks hashes up in the
``feed_links`` table, which the store keeps in step with these events in the same
transaction (see :mod:`engine.sql.feed_links`).
"""

from __future__ import annotations

from datetime import datetime

from engine.events.base import Event, Payload, event_type, secret, upcaster
from engine.frozen import frozen


@event_type("sharing.link_issued", schema=2)
@frozen(kw_only=True)
class FeedLinkIssued(Event):
    """A calendar subscription link was issued, for the couple or for one partner.

    Schema 2 added ``base_url``, so that a partner's feed can link each event to that
    partner's page on the same server.
    """

    link_id: str
    partner_id: str | None  # None: the couple's whole calendar
    base_url: str | None = None  # scheme and host the link was made for; None before schema 2
    label: str | None = secret(default=None)  # where it is used, e.g. "Sam's phone"
    token_hash: str = secret()  # hex SHA-256 of the token; the token is never stored
    at: datetime


@event_type("sharing.link_revoked")
@frozen(kw_only=True)
class FeedLinkRevoked(Event):
    """A calendar subscription link stopped working for good."""

    link_id: str
    at: datetime


@upcaster("sharing.link_issued", from_schema=1)
def _link_issued_without_base_url(payload: Payload) -> Payload:
    """Links issued before schema 2 did not keep their base URL: their feeds carry no page
    links (a link issued again does)."""
    return {**payload, "base_url": None}
