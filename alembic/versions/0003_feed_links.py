"""The lookup table of calendar sharing links.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_links",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("link_id", sa.String(40), nullable=False),
        sa.Column("couple_id", sa.String(40), nullable=False),
        sa.Column("partner_id", sa.String(40), nullable=True),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_feed_links")),
        sa.UniqueConstraint("link_id", name=op.f("uq_feed_links_link_id")),
    )
    op.create_index(op.f("ix_feed_links_couple_id"), "feed_links", ["couple_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_feed_links_couple_id"), table_name="feed_links")
    op.drop_table("feed_links")
