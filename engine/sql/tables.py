"""SQLAlchemy tables and the creation of database engines.

The schema itself is created and upgraded by the Alembic migrations in ``alembic/``;
these table objects are what the migrations are checked against (``alembic check``).

The engine is a guest in whatever database it is given: every table it owns is named
``ritual_...`` (:data:`TABLE_PREFIX`), and its Alembic revision lives in its own
``ritual_alembic_version`` table (:data:`VERSION_TABLE`), so a host application's
tables and its own ``alembic_version`` are never touched.
"""

from __future__ import annotations

import weakref
from typing import Any

import sqlalchemy as sa

from engine.sql.revision import TABLE_PREFIX
from engine.sql.waits import Waits, milliseconds

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


def is_engine_name(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """Whether a table belongs to the engine; the other names are those of its parents.

    Fits Alembic's ``include_name`` hook: the engine's ``alembic check`` compares only its
    own tables, and a host's ``env.py`` can pass ``lambda *a: not is_engine_name(*a)`` so
    that the host's autogenerate leaves the engine's tables alone.
    """
    return type_ != "table" or (name or "").startswith(TABLE_PREFIX)


class JsonType(sa.types.TypeDecorator[Any]):
    """JSON, stored as JSONB on PostgreSQL. The PostgreSQL type is looked up only when a
    PostgreSQL connection compiles it, so a command on SQLite never loads that dialect
    (about a tenth of a command's start). Queries compare it as plain JSON, as before."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

events = sa.Table(
    "ritual_events",
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
    sa.Index(None, "couple_id", "type", "position"),  # a couple's events of a few types
    sa.Index(None, "couple_id", "occurred_at"),  # a couple's recent events (0013)
    sa.Index(None, "couple_id", "recorded_at"),
    sqlite_autoincrement=True,
)

data_keys = sa.Table(
    "ritual_data_keys",
    metadata,
    sa.Column("couple_id", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(40), primary_key=True),
    sa.Column("material", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # how ``material`` is kept: "" raw (older databases, wrapped on first open),
    # "a256gcm" wrapped by the master key (engine.sql.master_key), which is never stored here
    sa.Column("wrapping", sa.String(16), nullable=False, server_default=""),
    sa.Index(None, "wrapping"),  # whether a raw key is left, without reading them all (0014)
)

feed_links = sa.Table(
    "ritual_feed_links",
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
    "ritual_partner_invites",
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
    "ritual_projection_checkpoints",
    metadata,
    sa.Column("projection", sa.String(40), primary_key=True),
    sa.Column("position", Position, nullable=False),  # the last event folded in
    sa.Column("version", sa.Integer, nullable=False),  # the fold's version it was built with
)

read_models = sa.Table(
    "ritual_read_models",
    metadata,
    sa.Column("projection", sa.String(40), primary_key=True),
    sa.Column("couple_id", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("state", JsonType, nullable=False),
)
"""One row per (projection, couple, key): a couple's states are only ever its own."""

names = sa.Table(
    "ritual_names",
    metadata,
    sa.Column("scope", sa.String(60), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("couple_id", sa.String(40), nullable=False),
    sa.Column("owner", sa.String(40), nullable=False),
    sa.Index(None, "couple_id"),
)
"""Names that must stay unique (a couple's name in the database, a ritual's title among
its couple's active rituals), claimed inside the append that creates or renames them.
``key`` is a keyed hash of the normalised name, never the name itself."""

idempotency_keys = sa.Table(
    "ritual_idempotency_keys",
    metadata,
    sa.Column("couple_id", sa.String(40), primary_key=True),
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("event_ids", JsonType, nullable=False),
)
"""The idempotency keys commands were given (``engine.events.idempotency``), written in
the append transaction of the events they produced: a hash of the key, a keyed hash of
the command and its arguments, the moment the command ran at, and its events' ids.
Removed with the couple's erasure."""


_WAITS: weakref.WeakKeyDictionary[sa.Engine, Waits] = weakref.WeakKeyDictionary()
"""The engines made by :func:`create_sa_engine`, whose connections carry their waits
from the start; on any other (a host's) engine each transaction sets them itself."""


def connection_waits(sa_engine: sa.Engine) -> Waits | None:
    """The waits every connection of ``sa_engine`` was opened with, if it was made here."""
    return _WAITS.get(sa_engine)


POSTGRES_DRIVER = "postgresql+psycopg"
"""The driver behind plain ``postgresql://`` and ``postgres://`` URLs: psycopg 3, the
one the ``postgres`` extra installs (SQLAlchemy 2.0 would otherwise pick psycopg2)."""


def normalise_url(url: str) -> sa.URL:
    """Parse ``url``, giving plain PostgreSQL URLs the psycopg 3 driver."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    return parsed


def create_sa_engine(url: str, *, waits: Waits | None = None, **kwargs: Any) -> sa.Engine:
    """A SQLAlchemy engine for ``url``, tuned for the event store (lazy: no connection yet).

    Every connection waits at most ``waits`` (default: :meth:`Waits.from_env`) for a lock
    or, on PostgreSQL, a statement.
    """
    parsed = normalise_url(url)
    waits = waits or Waits.from_env()
    kwargs.setdefault("hide_parameters", True)  # SQL logs never show payloads or key bytes
    if parsed.get_backend_name() == "sqlite":
        from engine.sql.sqlite import configure_sqlite

        sqlite_args: dict[str, Any] = {"timeout": waits.lock, "check_same_thread": False}
        engine = sa.create_engine(parsed, connect_args=sqlite_args, **kwargs)
        configure_sqlite(engine, busy_timeout_ms=milliseconds(waits.lock))
    else:
        given = parsed.query.get("options", "")  # a search_path, say: kept, and added to
        options = " ".join(
            [
                *([given] if isinstance(given, str) else list(given)),
                f"-c lock_timeout={milliseconds(waits.lock)}",
                f"-c statement_timeout={milliseconds(waits.statement)}",
            ]
        ).strip()
        connect_args = {"options": options} if parsed.get_backend_name() == "postgresql" else {}
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    _WAITS[engine] = waits
    return engine
