"""Append hooks of the SQL store: side tables kept in step with the log, in the very
transaction that appends the events they mirror (``ritual_feed_links`` for sharing links,
``ritual_partner_invites`` for invites). The store installs them itself, so no way of
building it can leave a side table behind; the lookups over these tables live beside the
services that read them (``engine.sql.feed_links``, ``engine.sql.invites``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from engine.events import (
    CoupleErased,
    FeedLinkIssued,
    FeedLinkRevoked,
    PartnerErased,
    PartnerInviteIssued,
    PartnerInviteRevoked,
    RecordedEvent,
)
from engine.sql.tables import feed_links, partner_invites


def record_link_events(conn: sa.Connection, recorded: Sequence[RecordedEvent]) -> None:
    """Append hook: mirror issued and revoked links into ``feed_links``, and drop the
    links of an erased couple or of a partner whose words were erased."""
    for r in recorded:
        match r.event:
            case FeedLinkIssued():
                conn.execute(
                    feed_links.insert().values(
                        token_hash=r.event.token_hash,
                        link_id=r.event.link_id,
                        couple_id=r.couple_id,
                        partner_id=r.event.partner_id,
                        revoked=False,
                        created_at=r.event.at,
                        base_url=r.event.base_url,
                    )
                )
            case FeedLinkRevoked():
                conn.execute(  # by couple and link: a link id is unique within its couple only
                    feed_links.update()
                    .where(
                        feed_links.c.couple_id == r.couple_id,
                        feed_links.c.link_id == r.event.link_id,
                    )
                    .values(revoked=True)
                )
            case CoupleErased():  # an erased couple's links stop working with the tombstone
                conn.execute(feed_links.delete().where(feed_links.c.couple_id == r.couple_id))
            case PartnerErased():  # so do the links to a departed partner's own calendar
                conn.execute(
                    feed_links.delete().where(
                        feed_links.c.couple_id == r.couple_id,
                        feed_links.c.partner_id == r.event.partner_id,
                    )
                )


def record_invite_events(conn: sa.Connection, recorded: Sequence[RecordedEvent]) -> None:
    """Append hook: mirror issued and revoked invites into ``partner_invites``, and drop
    the invites of an erased couple or of a partner whose words were erased."""
    for r in recorded:
        match r.event:
            case PartnerInviteIssued():
                conn.execute(
                    partner_invites.insert().values(
                        invite_id=r.event.invite_id,
                        token_hash=r.event.token_hash,
                        couple_id=r.couple_id,
                        partner_id=r.event.partner_id,
                        revoked=False,
                        created_at=r.event.at,
                    )
                )
            case PartnerInviteRevoked():
                conn.execute(
                    partner_invites.update()
                    .where(partner_invites.c.invite_id == r.event.invite_id)
                    .values(revoked=True)
                )
            case CoupleErased():
                conn.execute(
                    partner_invites.delete().where(partner_invites.c.couple_id == r.couple_id)
                )
            case PartnerErased():
                conn.execute(
                    partner_invites.delete().where(
                        partner_invites.c.couple_id == r.couple_id,
                        partner_invites.c.partner_id == r.event.partner_id,
                    )
                )
