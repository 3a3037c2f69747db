"""Append hooks of the SQL store: side tables kept in step with the log, in the very
transaction that appends the events they mirror (``ritual_feed_links`` for sharing links,
``ritual_partner_invites`` for invites). The store installs them itself, so no way of
building it can leave a side table behind; the lookups over these tables live beside the
services that read them (``engine.sql.feed_links``, ``engine.sql.invites``).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.events import (
    CoupleErased,
    FeedLinkIssued,
    FeedLinkRevoked,
    PartnerErased,
    PartnerInviteIssued,
    PartnerInviteRevoked,
    RecordedEvent,
)
from engine.sql.statements import Conn, Sql

_LINK = Sql(
    "INSERT INTO ritual_feed_links (token_hash, link_id, couple_id, partner_id, revoked, "
    "created_at, base_url) VALUES (:token_hash, :link_id, :couple, :partner, :revoked, "
    ":created_at, :base_url)",
    moments=("created_at",),
    flags=("revoked",),
)
_REVOKE_LINK = Sql(  # by couple and link: a link id is unique within its couple only
    "UPDATE ritual_feed_links SET revoked = :revoked WHERE couple_id = :couple "
    "AND link_id = :link_id",
    flags=("revoked",),
)
_COUPLE_LINKS = Sql("DELETE FROM ritual_feed_links WHERE couple_id = :couple")
_PARTNER_LINKS = Sql(
    "DELETE FROM ritual_feed_links WHERE couple_id = :couple AND partner_id = :partner"
)
_INVITE = Sql(
    "INSERT INTO ritual_partner_invites (invite_id, token_hash, couple_id, partner_id, "
    "revoked, created_at) VALUES (:invite_id, :token_hash, :couple, :partner, :revoked, "
    ":created_at)",
    moments=("created_at",),
    flags=("revoked",),
)
_REVOKE_INVITE = Sql(
    "UPDATE ritual_partner_invites SET revoked = :revoked WHERE invite_id = :invite_id",
    flags=("revoked",),
)
_COUPLE_INVITES = Sql("DELETE FROM ritual_partner_invites WHERE couple_id = :couple")
_PARTNER_INVITES = Sql(
    "DELETE FROM ritual_partner_invites WHERE couple_id = :couple AND partner_id = :partner"
)


def record_link_events(conn: Conn, recorded: Sequence[RecordedEvent]) -> None:
    """Append hook: mirror issued and revoked links into ``feed_links``, and drop the
    links of an erased couple or of a partner whose words were erased."""
    for r in recorded:
        match r.event:
            case FeedLinkIssued():
                conn.run(
                    _LINK,
                    {
                        "token_hash": r.event.token_hash,
                        "link_id": r.event.link_id,
                        "couple": r.couple_id,
                        "partner": r.event.partner_id,
                        "revoked": False,
                        "created_at": r.event.at,
                        "base_url": r.event.base_url,
                    },
                )
            case FeedLinkRevoked():
                conn.run(
                    _REVOKE_LINK,
                    {"couple": r.couple_id, "link_id": r.event.link_id, "revoked": True},
                )
            case CoupleErased():  # an erased couple's links stop working with the tombstone
                conn.run(_COUPLE_LINKS, {"couple": r.couple_id})
            case PartnerErased():  # so do the links to a departed partner's own calendar
                conn.run(_PARTNER_LINKS, {"couple": r.couple_id, "partner": r.event.partner_id})


def record_invite_events(conn: Conn, recorded: Sequence[RecordedEvent]) -> None:
    """Append hook: mirror issued and revoked invites into ``partner_invites``, and drop
    the invites of an erased couple or of a partner whose words were erased."""
    for r in recorded:
        match r.event:
            case PartnerInviteIssued():
                conn.run(
                    _INVITE,
                    {
                        "invite_id": r.event.invite_id,
                        "token_hash": r.event.token_hash,
                        "couple": r.couple_id,
                        "partner": r.event.partner_id,
                        "revoked": False,
                        "created_at": r.event.at,
                    },
                )
            case PartnerInviteRevoked():
                conn.run(_REVOKE_INVITE, {"invite_id": r.event.invite_id, "revoked": True})
            case CoupleErased():
                conn.run(_COUPLE_INVITES, {"couple": r.couple_id})
            case PartnerErased():
                conn.run(_PARTNER_INVITES, {"couple": r.couple_id, "partner": r.event.partner_id})
