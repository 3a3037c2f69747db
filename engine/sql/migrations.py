"""Creating and upgrading the schema with Alembic, configured in code.

The migration scripts live in ``alembic/`` in a source checkout and are installed as
``engine/_alembic`` in a wheel, so an installed engine can create its own schema.

The engine's revision is kept in its own ``ritual_alembic_version`` table, so a host
application's ``alembic_version`` stays the host's. A database made before that kept the
engine's revision in ``alembic_version``; :func:`adopt_legacy_version` moves it over (and
drops ``alembic_version`` only when nothing else was in it) before the upgrade runs.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from alembic import command
from engine.sql.revision import VERSION_TABLE
from engine.sql.sqlite import WRITE
from engine.sql.tables import is_engine_name

LEGACY_VERSION_TABLE = "alembic_version"
LEGACY_LOG_COLUMNS = {"stream_id", "version", "couple_id", "event_id", "payload"}
"""What tells the engine's old ``events`` table apart from a host's table of that name."""


def script_location() -> Path:
    """Where the migration scripts are: installed beside the package, or in the checkout."""
    package = Path(__file__).resolve().parents[1]  # engine/, with engine/sql/ below it
    for candidate in (package / "_alembic", package.parent / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the migration scripts are missing from this installation")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    return config


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every revision the code knows."""
    return {r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions()}


def migration_context(conn: sa.Connection) -> MigrationContext:
    """An Alembic context on the engine's own version table and tables (for comparing
    ``engine.sql.tables`` with a database, as ``alembic check`` does)."""
    opts = {"version_table": VERSION_TABLE, "include_name": is_engine_name, "compare_type": True}
    return MigrationContext.configure(conn, opts=opts)


def current_revision(sa_engine: sa.Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with sa_engine.connect() as conn:
        context = migration_context(conn)
        found = context.get_current_revision()
        if found is None:
            legacy = _legacy_revisions(conn, known_revisions())
            return legacy[0] if len(legacy) == 1 else None
        return found


def _legacy_revisions(conn: sa.Connection, known: set[str]) -> list[str]:
    """The engine's revisions in a shared ``alembic_version`` from before the engine had
    a version table of its own; empty when there is nothing of the engine's there."""
    inspector = sa.inspect(conn)
    if inspector.has_table(VERSION_TABLE) or not inspector.has_table(LEGACY_VERSION_TABLE):
        return []
    if not inspector.has_table("events"):
        return []
    if not {c["name"] for c in inspector.get_columns("events")} >= LEGACY_LOG_COLUMNS:
        return []  # a host's own table called events
    found = conn.scalars(sa.text(f"SELECT version_num FROM {LEGACY_VERSION_TABLE}")).all()
    return [r for r in found if r in known]


def adopt_legacy_version(conn: sa.Connection, known: set[str]) -> None:
    """Move the engine's revision from ``alembic_version`` into ``ritual_alembic_version``.

    Runs inside the migration's transaction. Rows that are not the engine's revisions are
    the host's and stay; the table is dropped only when the engine's row was all it held.
    """
    ours = _legacy_revisions(conn, known)
    if not ours:
        return
    version = sa.Table(
        VERSION_TABLE,
        sa.MetaData(),
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )
    version.create(conn)
    conn.execute(version.insert(), [{"version_num": r} for r in ours])
    legacy = sa.table(LEGACY_VERSION_TABLE, sa.column("version_num"))
    conn.execute(legacy.delete().where(legacy.c.version_num.in_(ours)))
    if not conn.scalar(sa.select(sa.func.count()).select_from(legacy)):
        conn.execute(sa.text(f"DROP TABLE {LEGACY_VERSION_TABLE}"))


def upgrade(sa_engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision``; two processes doing it at once take turns."""
    config = _config()
    with sa_engine.connect() as conn:
        config.attributes["connection"] = conn.execution_options(**{WRITE: True})
        command.upgrade(config, revision)
        conn.commit()


def ensure_current(sa_engine: sa.Engine) -> None:
    """Upgrade only when the database is behind the code."""
    if current_revision(sa_engine) != head_revision():
        upgrade(sa_engine)
