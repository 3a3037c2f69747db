"""Alembic environment: runs the migrations on the connection the engine hands in,
or on ``RITUAL_DB`` / ``sqlalchemy.url`` when run from the command line."""

from __future__ import annotations

import os

import sqlalchemy as sa

from alembic import context
from engine.db import create_sa_engine, metadata
from engine.events.sqlstore import APPEND_LOCK_ID

config = context.config
target_metadata = metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # two processes migrating at once take turns
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(APPEND_LOCK_ID)))
        context.run_migrations()


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
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them online")
run_migrations_online()
