"""An index on ritual_data_keys.wrapping: every process that opens the keys asks whether
any raw key from an older version is left to wrap, and without the index that question
read every couple's keys (about 4 ms a command at 10,000 couples).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_ritual_data_keys_wrapping"), "ritual_data_keys", ["wrapping"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ritual_data_keys_wrapping"), table_name="ritual_data_keys")
