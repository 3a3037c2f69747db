"""Every read-model row and sharing link keyed by couple; data keys marked as wrapped.

``read_models`` gets the couple in its primary key (projection, couple_id, key), and a
sharing link id is unique within its couple rather than across the database, so an
imported log that reuses another couple's ids can never reach that couple's rows. The
rows move as they are: the new keys hold every old row, since the old ones were unique
already. ``data_keys.wrapping`` says how ``material`` is stored: ``""`` for the raw key
of older databases (the engine wraps them with the master key the first time it opens
the database), ``"a256gcm"`` for a key wrapped with AES-256-GCM by that master key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index(op.f("ix_read_models_projection_couple_id"), table_name="read_models")
    with op.batch_alter_table("read_models", recreate="always") as batch:
        batch.drop_constraint(op.f("pk_read_models"), type_="primary")
        batch.create_primary_key(op.f("pk_read_models"), ["projection", "couple_id", "key"])

    op.drop_index(op.f("ix_feed_links_couple_id"), table_name="feed_links")
    with op.batch_alter_table("feed_links", recreate="always") as batch:
        batch.drop_constraint(op.f("uq_feed_links_link_id"), type_="unique")
        batch.create_unique_constraint(
            op.f("uq_feed_links_couple_id_link_id"), ["couple_id", "link_id"]
        )

    with op.batch_alter_table("data_keys") as batch:
        batch.add_column(sa.Column("wrapping", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("data_keys") as batch:
        batch.drop_column("wrapping")

    with op.batch_alter_table("feed_links", recreate="always") as batch:
        batch.drop_constraint(op.f("uq_feed_links_couple_id_link_id"), type_="unique")
        batch.create_unique_constraint(op.f("uq_feed_links_link_id"), ["link_id"])
    op.create_index(op.f("ix_feed_links_couple_id"), "feed_links", ["couple_id"])

    # the primary key's name as the database has it (a table rebuilt on SQLite may keep
    # its constraint unnamed)
    current = sa.inspect(op.get_bind()).get_pk_constraint("read_models").get("name")
    with op.batch_alter_table("read_models", recreate="always") as batch:
        if current:
            batch.drop_constraint(current, type_="primary")
        batch.create_primary_key(op.f("pk_read_models"), ["projection", "key"])
    op.create_index(
        op.f("ix_read_models_projection_couple_id"), "read_models", ["projection", "couple_id"]
    )
