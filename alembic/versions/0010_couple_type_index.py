"""An index on (couple_id, type, position): a command reads one couple's events of a few
types (who the couple is, its rituals' definitions, its tombstones) without scanning the
rest of that couple's history.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_ritual_events_couple_id_type_position"),
        "ritual_events",
        ["couple_id", "type", "position"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ritual_events_couple_id_type_position"), table_name="ritual_events")
