"""The Engine facade: one object to embed in another app or drive from the CLI.

Every command loads what it needs from the event log, decides with the pure domain
code, and appends the resulting events; queries return frozen views. The store is
created on first use, so constructing an Engine never touches a database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from engine.clock import Clock, utc_now
from engine.events import EventStore, RecordedEvent
from engine.facade.calendar import CalendarMixin
from engine.facade.connection import ConnectionMixin
from engine.facade.couples import CouplesMixin
from engine.facade.erasure import ErasureMixin
from engine.facade.history import HistoryMixin
from engine.facade.insights import InsightsMixin
from engine.facade.invites import InvitesMixin
from engine.facade.journal import JournalMixin
from engine.facade.page import PageMixin
from engine.facade.plans import PlansMixin
from engine.facade.portability import PortabilityMixin
from engine.facade.rituals import RitualsMixin
from engine.facade.sharing import SharingMixin
from engine.facade.status import StatusMixin
from engine.facade.streaks import StreaksMixin
from engine.facade.undo import UndoMixin
from engine.master_key import MasterKeySource

if TYPE_CHECKING:
    import sqlalchemy as sa

    from engine.db import Waits
    from engine.follow import Follower, LogRecord


class Engine(
    PortabilityMixin,
    CouplesMixin,
    RitualsMixin,
    UndoMixin,
    StatusMixin,
    StreaksMixin,
    ConnectionMixin,
    HistoryMixin,
    JournalMixin,
    ErasureMixin,
    CalendarMixin,
    PlansMixin,
    InsightsMixin,
    SharingMixin,
    InvitesMixin,
    PageMixin,
):
    """The public facade over the event store. Use it as a context manager."""

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        clock: Clock = utc_now,
        via: str = "api",
        migrate: bool = True,
        waits: Waits | None = None,
        create: bool = True,
    ) -> Engine:
        """An Engine over a SQL database (default: the user data directory's SQLite file).

        Nothing connects until the first command; then the schema is created or upgraded
        when ``migrate`` is true. ``waits`` bounds how long a command waits for a lock
        (default: ``RITUAL_LOCK_TIMEOUT`` / ``RITUAL_STATEMENT_TIMEOUT``, else 5 s and
        15 s); when it runs out the command raises StoreUnavailable. Without ``create``,
        a SQLite file that does not exist is an error (``StoreUnavailable``) instead of
        a new, empty database.
        """
        from engine.config import Settings

        db_url = Settings.from_env(db_url=url).db_url

        def factory() -> EventStore:
            return open_sql_store(db_url, clock=clock, migrate=migrate, waits=waits, create=create)

        return cls(factory, clock, via=via)

    @classmethod
    def from_sqlalchemy(
        cls,
        sa_engine: sa.Engine,
        *,
        clock: Clock = utc_now,
        via: str = "api",
        migrate: bool = True,
        waits: Waits | None = None,
    ) -> Engine:
        """An Engine in a host application's database, on the host's SQLAlchemy Engine.

        The engine keeps to its own ``ritual_...`` tables and its own
        ``ritual_alembic_version``; the host's tables and ``alembic_version`` are never
        touched. Nothing connects until the first command; then the engine's schema is
        created or upgraded when ``migrate`` is true. Closing this Engine leaves
        ``sa_engine`` and its pool to the host. On PostgreSQL each of the engine's
        transactions bounds its own lock and statement waits (``waits``, as in
        :meth:`open`) without changing the host's sessions.
        """

        def factory() -> EventStore:
            return _sql_store(
                sa_engine, clock=clock, migrate=migrate, owns_engine=False, waits=waits
            )

        return cls(factory, clock, via=via)

    def events(self, *, after: int = 0, limit: int = 1000, reveal: bool = False) -> list[LogRecord]:
        """Up to ``limit`` events of the whole log with a position after ``after``, oldest
        first, as public records for a process that follows the log (see
        ``engine.follow``). Sealed fields read ``"[sealed]"`` unless ``reveal`` is true
        and the keys are there (``"[erased]"`` once destroyed). Raises InvalidInput for
        a negative ``after`` or a ``limit`` outside 1 to 10,000."""
        from engine.follow import read_log

        return read_log(self.store, after=after, limit=limit, reveal=reveal)

    def follow(self, *, after: int = 0, limit: int = 1000, reveal: bool = False) -> Follower:
        """A follower of the log from the checkpoint ``after``: each ``poll()`` returns
        the records committed since the last one it returned."""
        from engine.follow import Follower

        return Follower(self.store, after=after, limit=limit, reveal=reveal)

    def subscribe(
        self, subscriber: Callable[[Sequence[RecordedEvent]], None]
    ) -> Callable[[], None]:
        """Call ``subscriber`` with every batch this process commits; returns an unsubscriber."""
        return self.store.subscribe(subscriber)

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _sa_engine(url: str, waits: Waits | None = None, create: bool = True) -> Any:
    import sqlalchemy as sa

    from engine.config import prepare_sqlite_file
    from engine.db import create_sa_engine
    from engine.errors import InvalidInput, StoreUnavailable

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


def open_sql_store(
    url: str,
    *,
    clock: Clock = utc_now,
    migrate: bool = True,
    waits: Waits | None = None,
    master: MasterKeySource | None = None,
    create: bool = True,
) -> EventStore:
    """Create the SQL store for ``url``, creating the SQLite folder and migrating first.

    ``master`` says where the master key that wraps the data keys is found (default:
    from the environment, see ``engine.master_key``)."""
    return _sql_store(
        _sa_engine(url, waits, create), clock=clock, migrate=migrate, waits=waits, master=master
    )


def _sql_store(
    sa_engine: Any,
    *,
    clock: Clock,
    migrate: bool,
    owns_engine: bool = True,
    waits: Waits | None = None,
    master: MasterKeySource | None = None,
) -> EventStore:
    from engine.events.sqlstore import SqlEventStore, translate_errors

    if migrate:  # Alembic is imported only here: a process that never migrates starts faster
        from engine import migrations

        with translate_errors():
            migrations.ensure_current(sa_engine)
    return SqlEventStore(sa_engine, clock, owns_engine=owns_engine, waits=waits, master=master)


def upgrade_database(url: str) -> str | None:
    """Create or upgrade the schema at ``url``; returns the revision it is at."""
    from engine import migrations
    from engine.events.sqlstore import translate_errors

    sa_engine = _sa_engine(url)
    try:
        with translate_errors():
            migrations.upgrade(sa_engine)
            return migrations.current_revision(sa_engine)
    finally:
        sa_engine.dispose()


def database_revision(url: str) -> str | None:
    """The schema revision at ``url`` (None when empty); never creates a SQLite file."""
    from engine import migrations
    from engine.events.sqlstore import translate_errors

    sa_engine = _sa_engine(url, create=False)
    try:
        with translate_errors():
            return migrations.current_revision(sa_engine)
    finally:
        sa_engine.dispose()
