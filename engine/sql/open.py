"""Opening a SQL database: the store for a URL (a plain SQLite file on the standard
library's ``sqlite3``, anything else on SQLAlchemy), its schema checked with one query
and migrated only when behind, and the schema commands behind `ritual db`.
``engine.api`` calls these; nothing else outside this package does. SQLAlchemy and
Alembic are imported only where a function below needs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.config import lite_target, prepare_sqlite_file
from engine.errors import InvalidInput, StoreUnavailable
from engine.sql.event_store import SqlEventStore
from engine.sql.lite import LiteAccess
from engine.sql.revision import at_head

if TYPE_CHECKING:
    import sqlalchemy as sa

    from engine.clock import Clock
    from engine.sql.master_key import MasterKeySource
    from engine.sql.statements import Access
    from engine.sql.waits import Waits


def open_store(
    url: str,
    *,
    clock: Clock,
    migrate: bool,
    waits: Waits | None = None,
    master: MasterKeySource | None = None,
    create: bool = True,
) -> SqlEventStore:
    """The store at ``url``, its schema brought to the newest revision first when
    ``migrate`` is true (making the SQLite file's folder unless ``create`` is false).
    InvalidInput for a URL that is not valid or a driver that is missing."""
    target = lite_target(url)
    if target is None:
        return sql_store(
            sa_engine_for(url, waits, create),
            clock=clock,
            migrate=migrate,
            waits=waits,
            master=master,
        )
    _prepare(url, create)
    access = LiteAccess(target, waits)
    if migrate and not is_current(access):
        sa_engine = sa_engine_for(url, waits, create)
        try:
            _upgrade_if_behind(sa_engine)
        finally:
            sa_engine.dispose()
    return SqlEventStore(access, clock, waits=waits, master=master)


def _prepare(url: str, create: bool) -> None:
    try:
        prepare_sqlite_file(url, create=create)
    except OSError:
        raise StoreUnavailable("cannot create the folder for the database file") from None


def sa_engine_for(url: str, waits: Waits | None = None, create: bool = True) -> sa.Engine:
    """The SQLAlchemy engine for ``url`` (making the SQLite file's folder unless ``create``
    is false); InvalidInput for a URL that is not valid or a driver that is missing."""
    import sqlalchemy as sa

    from engine.sql.tables import create_sa_engine

    try:
        _prepare(url, create)
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
    store = SqlEventStore(sa_engine, clock, owns_engine=owns_engine, waits=waits, master=master)
    if migrate and not is_current(store.db):
        _upgrade_if_behind(sa_engine)
    return store


def _upgrade_if_behind(sa_engine: sa.Engine) -> None:
    from engine.sql import migrations
    from engine.sql.access import translate_errors

    with translate_errors():
        migrations.ensure_current(sa_engine)


def is_current(database: Access) -> bool:
    """Whether the schema is at the newest revision; False when the check fails in any way
    (no version table yet, say), and the migration that follows says what is wrong."""
    try:
        with database.read() as conn:
            return at_head(conn)
    except StoreUnavailable:
        return False
    except database.driver_errors:
        return False


def upgrade_database(url: str) -> str | None:
    """Create or upgrade the schema at ``url``; returns the revision it is at."""
    from engine.sql import migrations
    from engine.sql.access import translate_errors

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
    from engine.sql.access import translate_errors

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
