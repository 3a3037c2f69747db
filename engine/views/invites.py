"""Frozen views of partner invites and of the page sessions they open."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime

from engine.frozen import frozen


@frozen
class InviteView:
    """A partner invite as `ritual invite list` shows it (never its token)."""

    id: str
    partner: str  # a handle
    label: str | None
    base_url: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def short_id(self) -> str:
        return self.id[:8]


@frozen
class IssuedInvite:
    """An invite just issued: the only moment its URL (which holds the token) is known."""

    invite: InviteView
    url: str = field(repr=False)


@frozen
class PageTarget:
    """Whose page a live invite opens, for the web page.

    ``key`` is the stored hash of the invite's token: it signs the invite's sessions, so
    that revoking or erasing the invite ends every session at once.
    """

    invite_id: str
    couple_id: str
    partner_id: str
    handle: str  # the partner's handle, as the Engine's commands take it
    key: str = field(repr=False)
