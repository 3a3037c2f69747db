"""Opening a SQL database: the SQLAlchemy engine for a URL, the store on it (the schema
checked with one query and migrated only when behind), and the schema commands behind
`ritual db`. ``engine.api`` calls these; nothing else outside this package does."""

from __future__ import annotations

import sqlalchemy as sa

from engine.clock import Clock
from engine.config import prepare_sqlite_file
from engine.errors import InvalidInput, StoreUnavailable
from engine.sql.access import SaConn, translate_errors
from engine.sql.event_store import SqlEventStore
from engine.sql.master_key import MasterKeySource
from engine.sql.revision import at_head
from engine.sql.tables import create_sa_engine
from engine.sql.waits import Waits


def sa_engine_for(url: str, waits: Waits | None = None, create: bool = True) -> sa.Engine:
    """The SQLAlchemy engine for ``url`` (making the SQLite file's folder unless ``create``
    is false); InvalidInput for a URL that is not valid or a driver that is missing."""
    try:
        prepare_sqlite_file(url, create=create)
        return create_sa_engine(url, waits=waits)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError):
        raise InvalidInput(
            "the database URL is not valid; try sqlite:///path/to/rituals.db "
            "or postgresql+psycopg://user@host/dbname"
        ) from None
    except ImportError:
        raise InvalidInput(
            "the driver for that database is not installed; for PostgreSQL install "
            "ritual-engine[postgres]"
        ) from None
    except OSError:
        raise StoreUnavailable("cannot create the folder for the database file") from None


def sql_store(
    sa_engine: sa.Engine,
    *,
    clock: Clock,
    migrate: bool,
    owns_engine: bool = True,
    waits: Waits | None = None,
    master: MasterKeySource | None = None,
) -> SqlEventStore:
    """The store on ``sa_engine``, its schema brought to the newest revision first when
    ``migrate`` is true (Alembic is imported only when the schema is behind)."""
    if migrate and not is_current(sa_engine):
        from engine.sql import migrations

        with translate_errors():
            migrations.ensure_current(sa_engine)
    return SqlEventStore(sa_engine, clock, owns_engine=owns_engine, waits=waits, master=master)


def is_current(sa_engine: sa.Engine) -> bool:
    """Whether the schema is at the newest revision; False when the check fails in any way
    (no version table yet, say), and the migration that follows says what is wrong."""
    try:
        with sa_engine.connect() as conn:
            return at_head(SaConn(conn))
    except (StoreUnavailable, sa.exc.DBAPIError):
        return False


def upgrade_database(url: str) -> str | None:
    """Create or upgrade the schema at ``url``; returns the revision it is at."""
    from engine.sql import migrations

    sa_engine = sa_engine_for(url)
    try:
        with translate_errors():
            migrations.upgrade(sa_engine)
            return migrations.current_revision(sa_engine)
    finally:
        sa_engine.dispose()


def database_revision(url: str) -> str | None:
    """The schema revision at ``url`` (None when empty); never creates a SQLite file."""
    from engine.sql import migrations

    sa_engine = sa_engine_for(url, create=False)
    try:
        with translate_errors():
            return migrations.current_revision(sa_engine)
    finally:
        sa_engine.dispose()


def head_revision() -> str | None:
    """The newest schema revision this code knows."""
    from engine.sql import migrations

    return migrations.head_revision()
