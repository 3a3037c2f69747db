"""Events of the couple's stream about partner invites: the secret links to a partner's page.

As with calendar links, the token itself is never stored: only its SHA-256 hash, sealed in
the log like intimate text. The server finds invites in the ``partner_invites`` table,
kept in step with these events inside their append transaction (see
:mod:`engine.sql.invites`).
"""

from __future__ import annotations

from datetime import datetime

from engine.events.base import Event, event_type, secret
from engine.frozen import frozen


@event_type("invite.issued")
@frozen(kw_only=True)
class PartnerInviteIssued(Event):
    """A secret link to one partner's page was issued."""

    invite_id: str
    partner_id: str
    base_url: str  # scheme and host the link was made for, e.g. https://rituals.example.org
    label: str | None = secret(default=None)  # where it is used, e.g. "Alex's phone"
    token_hash: str = secret()  # hex SHA-256 of the token; the token is never stored
    at: datetime


@event_type("invite.revoked")
@frozen(kw_only=True)
class PartnerInviteRevoked(Event):
    """A partner invite stopped working, and every session opened with it ended."""

    invite_id: str
    at: datetime
