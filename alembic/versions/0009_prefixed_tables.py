"""Every engine table named ``ritual_...``, and the claims that keep names unique.

The engine shares its database with a host application, so its tables must not take
names a host would use (``events``) and its revision lives in ``ritual_alembic_version``
(``engine.sql.migrations`` moves it there from ``alembic_version`` before this runs). Tables
are renamed in place, with their indexes, constraints and PostgreSQL sequences, so no row
is copied out and back on PostgreSQL; SQLite cannot rename a constraint, so a table whose
unique constraints carry the old name is rebuilt by Alembic's batch mode, rows included.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "ritual_"

RENAMED = [
    "events",
    "data_keys",
    "feed_links",
    "projection_checkpoints",
    "read_models",
    "partner_invites",
]
"""Every table created under an unprefixed name by an earlier revision. A table that an
earlier revision adds joins this list; one added after this revision is named
``ritual_...`` from the start."""

KINDS = ("pk", "uq", "ix", "ck", "fk")  # the prefixes of engine.sql.tables's naming convention


def upgrade() -> None:
    for old in RENAMED:
        rename_table(old, PREFIX + old)
    op.create_table(
        "ritual_names",
        sa.Column("scope", sa.String(60), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("couple_id", sa.String(40), nullable=False),
        sa.Column("owner", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_ritual_names")),
    )
    op.create_index(op.f("ix_ritual_names_couple_id"), "ritual_names", ["couple_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ritual_names_couple_id"), table_name="ritual_names")
    op.drop_table("ritual_names")
    for old in reversed(RENAMED):
        rename_table(PREFIX + old, old)


def renamed(name: str | None, old: str, new: str) -> str | None:
    """A convention name of table ``old`` (``uq_events_event_id``) for table ``new``."""
    if not name:
        return None
    for kind in KINDS:
        stem = f"{kind}_{old}"
        if name == stem or name.startswith(stem + "_"):
            return f"{kind}_{new}{name[len(stem) :]}"
    return None


def rename_table(old: str, new: str) -> None:
    """Rename a table and everything named after it; rows stay as they are."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    indexes = inspector.get_indexes(old)
    uniques = inspector.get_unique_constraints(old)
    constraints = [inspector.get_pk_constraint(old).get("name")]
    constraints += [c.get("name") for c in inspector.get_check_constraints(old)]
    constraints += [c.get("name") for c in inspector.get_foreign_keys(old)]
    constraints += [c.get("name") for c in uniques]
    columns = [c["name"] for c in inspector.get_columns(old)]
    op.rename_table(old, new)
    if bind.dialect.name == "postgresql":
        _rename_on_postgres(bind, old, new, constraints, indexes, columns)
    else:
        _rename_on_sqlite(bind, old, new, uniques, indexes)


def _rename_on_postgres(
    bind: sa.Connection,
    old: str,
    new: str,
    constraints: list[Any],
    indexes: list[Any],
    columns: list[str],
) -> None:
    quote = bind.dialect.identifier_preparer.quote
    for name in constraints:
        if target := renamed(name, old, new):
            op.execute(
                f"ALTER TABLE {quote(new)} RENAME CONSTRAINT {quote(name)} TO {quote(target)}"
            )
    for index in indexes:
        if index.get("duplicates_constraint"):
            continue  # renamed with its constraint
        if target := renamed(index["name"], old, new):
            op.execute(f"ALTER INDEX {quote(index['name'])} RENAME TO {quote(target)}")
    for column in columns:
        sequence = bind.scalar(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quote(new), "column": column},
        )
        bare = str(sequence or "").rsplit(".", 1)[-1].strip('"')
        if bare.startswith(old + "_"):
            op.execute(f"ALTER SEQUENCE {sequence} RENAME TO {quote(new + bare[len(old) :])}")


def _rename_on_sqlite(
    bind: sa.Connection, old: str, new: str, uniques: list[Any], indexes: list[Any]
) -> None:
    for index in indexes:
        if target := renamed(index["name"], old, new):
            op.drop_index(index["name"], table_name=new)
            op.create_index(target, new, index["column_names"], unique=bool(index["unique"]))
    stale = [(u, t) for u in uniques if (t := renamed(u.get("name"), old, new))]
    if not stale:
        return
    sql = bind.scalar(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": new},
    )
    kwargs = {"sqlite_autoincrement": True} if "AUTOINCREMENT" in str(sql).upper() else {}
    with op.batch_alter_table(new, recreate="always", table_kwargs=kwargs) as batch:
        for unique, target in stale:
            batch.drop_constraint(unique["name"], type_="unique")
            batch.create_unique_constraint(target, unique["column_names"])
