"""The lookup table of partner invites, and the page address of calendar links.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner_invites",
        sa.Column("invite_id", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("couple_id", sa.String(40), nullable=False),
        sa.Column("partner_id", sa.String(40), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("invite_id", name=op.f("pk_partner_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partner_invites_token_hash")),
    )
    op.create_index(op.f("ix_partner_invites_couple_id"), "partner_invites", ["couple_id"])
    # Links issued before this revision keep NULL: their events did not record a base URL.
    with op.batch_alter_table("feed_links") as batch:
        batch.add_column(sa.Column("base_url", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_links") as batch:
        batch.drop_column("base_url")
    op.drop_index(op.f("ix_partner_invites_couple_id"), table_name="partner_invites")
    op.drop_table("partner_invites")
