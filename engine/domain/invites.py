"""Partner invites: their URLs and the invites folded from a couple's stream.

Pure: no I/O, no clock (the random token is drawn by the facade). Tokens are hashed as
calendar-link tokens are (see :mod:`engine.domain.sharing` for why a plain SHA-256).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from engine.domain.sharing import clean_base_url
from engine.errors import NotAllowed
from engine.events import Event, PartnerInviteIssued, PartnerInviteRevoked
from engine.frozen import frozen

JOIN_PATH = "/join/"
"""Where an invite link points: ``<base>/join/<token>``, exchanged for a session cookie."""

PAGE_PATH = "/me"
"""The partner's page, once the browser holds a session."""

LABEL_MAX = 80


def invite_url(base_url: str, token: str) -> str:
    """The secret link a partner opens once on their phone."""
    return f"{clean_base_url(base_url)}{JOIN_PATH}{token}"


def occurrence_path(ritual_id: str, at: datetime) -> str:
    """The path of one occurrence on a partner's page (no secret, no private text)."""
    return f"{PAGE_PATH}/at/{ritual_id}/{at:%Y%m%dT%H%M%SZ}"


@frozen
class Invite:
    """An invite as the couple's stream tells it."""

    invite_id: str
    partner_id: str
    label: str | None
    base_url: str
    created_at: datetime
    revoked_at: datetime | None = None


def fold_invites(events: list[Event]) -> dict[str, Invite]:
    """Every invite issued in a couple's stream, by id, oldest first."""
    invites: dict[str, Invite] = {}
    for event in events:
        match event:
            case PartnerInviteIssued():
                invites[event.invite_id] = Invite(
                    event.invite_id, event.partner_id, event.label, event.base_url, event.at
                )
            case PartnerInviteRevoked() if event.invite_id in invites:
                invites[event.invite_id] = replace(invites[event.invite_id], revoked_at=event.at)
    return invites


def check_revocable(invite: Invite) -> Invite:
    """An invite that can still be revoked."""
    if invite.revoked_at is not None:
        raise NotAllowed("that invite is already revoked; it no longer opens the page")
    return invite


@frozen
class InviteRow:
    """One invite as the server's index holds it."""

    token_hash: str
    invite_id: str
    couple_id: str
    partner_id: str
    revoked: bool


class InviteIndex(Protocol):
    """Finds invites by token hash or by id."""

    def find(self, token_hash: str) -> InviteRow | None:
        """The invite whose token has this hash, revoked or not."""
        ...

    def get(self, invite_id: str) -> InviteRow | None:
        """The invite with this id, revoked or not."""
        ...
