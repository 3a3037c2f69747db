"""SQLAlchemy tables and the creation of database engines.

The schema itself is created and upgraded by the Alembic migrations in ``alembic/``;
these table objects are what the migrations are checked against (``alembic check``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

events = sa.Table(
    "events",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=True),
    sa.Column("stream_id", sa.String(80), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("couple_id", sa.String(40), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("type", sa.String(80), nullable=False),
    sa.Column("schema", sa.Integer, nullable=False),
    sa.Column("payload", JsonType, nullable=False),
    sa.Column("metadata", JsonType, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("stream_id", "version"),
    sa.UniqueConstraint("event_id"),
    sa.Index(None, "couple_id", "position"),
    sqlite_autoincrement=True,
)

data_keys = sa.Table(
    "data_keys",
    metadata,
    sa.Column("couple_id", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(40), primary_key=True),
    sa.Column("material", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # how ``material`` is kept: "" raw (older databases, wrapped on first open),
    # "a256gcm" wrapped by the master key (engine.master_key), which is never stored here
    sa.Column("wrapping", sa.String(16), nullable=False, server_default=""),
)

feed_links = sa.Table(
    "feed_links",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("link_id", sa.String(40), nullable=False),
    sa.Column("couple_id", sa.String(40), nullable=False),
    sa.Column("partner_id", sa.String(40), nullable=True),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("base_url", sa.String(300), nullable=True),  # added in 0006
    sa.UniqueConstraint("couple_id", "link_id"),
)
"""The server's lookup of sharing links: token hash -> link. Kept in step with the
sharing events inside their append transaction; ``last_fetched_at`` is not an event.
A link id is unique within its couple only: every update names the couple too."""


partner_invites = sa.Table(
    "partner_invites",
    metadata,
    sa.Column("invite_id", sa.String(40), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("couple_id", sa.String(40), nullable=False),
    sa.Column("partner_id", sa.String(40), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("token_hash"),
    sa.Index(None, "couple_id"),
)
"""The web page's lookup of partner invites: token hash -> invite, and invite id -> invite
for its sessions. Kept in step with the invite events inside their append transaction."""


projection_checkpoints = sa.Table(
    "projection_checkpoints",
    metadata,
    sa.Column("projection", sa.String(40), primary_key=True),
    sa.Column("position", Position, nullable=False),  # the last event folded in
    sa.Column("version", sa.Integer, nullable=False),  # the fold's version it was built with
)

read_models = sa.Table(
    "read_models",
    metadata,
    sa.Column("projection", sa.String(40), primary_key=True),
    sa.Column("couple_id", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("state", JsonType, nullable=False),
)
"""One row per (projection, couple, key): a couple's states are only ever its own."""


POSTGRES_DRIVER = "postgresql+psycopg"
"""The driver behind plain ``postgresql://`` and ``postgres://`` URLs: psycopg 3, the
one the ``postgres`` extra installs (SQLAlchemy 2.0 would otherwise pick psycopg2)."""


def normalise_url(url: str) -> sa.URL:
    """Parse ``url``, giving plain PostgreSQL URLs the psycopg 3 driver."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    return parsed


def create_sa_engine(url: str, **kwargs: Any) -> sa.Engine:
    """A SQLAlchemy engine for ``url``, tuned for the event store (lazy: no connection yet)."""
    parsed = normalise_url(url)
    kwargs.setdefault("hide_parameters", True)  # SQL logs never show payloads or key bytes
    if parsed.get_backend_name() == "sqlite":
        from engine.sqlite import configure_sqlite

        connect_args = {"timeout": 30.0, "check_same_thread": False}
        engine = sa.create_engine(parsed, connect_args=connect_args, **kwargs)
        configure_sqlite(engine)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)
