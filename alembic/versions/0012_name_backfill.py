"""Mark the names given before name claims existed (0009) for claiming.

Couples and rituals created before revision 0009 hold no row in ``ritual_names``, so the
claim that keeps a name unique could not stop a second one. Claims are keyed hashes made
with a secret from the keyring, which a migration cannot open (the master key lives
outside the database), so this revision only leaves a marker row when the log holds
anything; the store claims every current name on its first open and removes the marker,
in one transaction.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE, KEY = "ritual-backfill", "pending"  # engine.events.names.BACKFILL


def upgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM ritual_events LIMIT 1")).first() is not None:
        conn.execute(
            sa.text(
                "INSERT INTO ritual_names (scope, key, couple_id, owner) "
                "VALUES (:scope, :key, '', '')"
            ),
            {"scope": SCOPE, "key": KEY},
        )


def downgrade() -> None:
    op.get_bind().execute(
        sa.text("DELETE FROM ritual_names WHERE scope = :scope"), {"scope": SCOPE}
    )
