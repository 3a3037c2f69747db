"""Indexes on (couple_id, occurred_at) and (couple_id, recorded_at): a status reads the
events of one couple that occurred or were recorded in recent weeks, without scanning
the rest of that couple's history.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_ritual_events_couple_id_occurred_at"),
        "ritual_events",
        ["couple_id", "occurred_at"],
    )
    op.create_index(
        op.f("ix_ritual_events_couple_id_recorded_at"),
        "ritual_events",
        ["couple_id", "recorded_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ritual_events_couple_id_recorded_at"), table_name="ritual_events")
    op.drop_index(op.f("ix_ritual_events_couple_id_occurred_at"), table_name="ritual_events")
