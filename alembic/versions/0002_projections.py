"""Read models and their checkpoints.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "projection_checkpoints",
        sa.Column("projection", sa.String(40), nullable=False),
        sa.Column("position", Position, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("projection", name=op.f("pk_projection_checkpoints")),
    )
    op.create_table(
        "read_models",
        sa.Column("projection", sa.String(40), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("couple_id", sa.String(40), nullable=False),
        sa.Column("state", JsonType, nullable=False),
        sa.PrimaryKeyConstraint("projection", "key", name=op.f("pk_read_models")),
    )
    op.create_index(
        op.f("ix_read_models_projection_couple_id"), "read_models", ["projection", "couple_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_read_models_projection_couple_id"), table_name="read_models")
    op.drop_table("read_models")
    op.drop_table("projection_checkpoints")
