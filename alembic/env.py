"""Alembic environment: runs the migrations on the connection the engine hands in,
or on ``RITUAL_DB`` / ``sqlalchemy.url`` when run from the command line.

A database with none of the engine's tables that is brought to head gets them straight
from ``engine.sql.tables`` and is stamped at head (Alembic's recipe for a database built from
scratch): the early revisions created unprefixed tables such as ``events``, which a
host's own table of that name would clash with. The drift check in the test suite
proves that both ways give the same schema.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from alembic import context
from engine.sql.access import APPEND_LOCK_ID
from engine.sql.migrations import adopt_legacy_version
from engine.sql.revision import VERSION_TABLE
from engine.sql.tables import create_sa_engine, is_engine_name, metadata

config = context.config
MIGRATION_LOCK_WAIT = "120s"
target_metadata = metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        version_table=VERSION_TABLE,  # the host's alembic_version is the host's
        include_name=is_engine_name,  # and so are the host's tables
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # a migration may run long, and waits a while for one that runs in another
            # process (two processes migrating at once take turns), but not for ever
            connection.execute(
                sa.text(
                    "SELECT set_config('statement_timeout', '0', true), "
                    "set_config('lock_timeout', :wait, true)"
                ),
                {"wait": MIGRATION_LOCK_WAIT},
            )
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(APPEND_LOCK_ID)))
        adopt_legacy_version(connection, {r.revision for r in context.script.walk_revisions()})
        if _to_head_from_scratch(connection):
            metadata.create_all(connection)
            context.get_context().stamp(context.script, "heads")
        else:
            context.run_migrations()


def _to_head_from_scratch(connection: sa.Connection) -> bool:
    target = context.get_context().opts.get("destination_rev")  # None for `alembic check`
    heads = set(context.script.get_heads())
    if target not in ("head", "heads") and target not in heads:
        return False
    if context.get_context().get_current_heads():
        return False
    inspector = sa.inspect(connection)
    return not any(inspector.has_table(name) for name in metadata.tables)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("RITUAL_DB") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set RITUAL_DB or sqlalchemy.url to the database to migrate")
    engine = create_sa_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()  # a schema built from scratch is not inside a per-migration transaction
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them online")
run_migrations_online()
