"""The event store on a SQL database (SQLite or PostgreSQL) through SQLAlchemy Core.

Appends are serialised: SQLite takes its write lock when the transaction begins, and
PostgreSQL takes a transaction-scoped advisory lock. Positions therefore become visible
in the order they were assigned, so a projection that reads "after my checkpoint" can
never skip an event that commits late.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from engine.clock import Clock, utc_now
from engine.crypto import KeyringCipher
from engine.db import Waits, connection_waits, data_keys, events, milliseconds, names
from engine.errors import ConcurrencyError, NotAllowed, StoreUnavailable
from engine.events.base import Event
from engine.events.names import NameClaim, NameRelease
from engine.events.store import (
    NO_METADATA,
    Metadata,
    NameKeys,
    NewEvent,
    RecordedEvent,
    Row,
    Subscriber,
    Subscribers,
    check_replay,
    decode_row,
    encode_batch,
    releases_everything,
)
from engine.sqlite import WRITE

APPEND_LOCK_ID = 726_104_211
"""The PostgreSQL advisory lock that serialises appends."""


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


BUSY = "the database is busy; please try again in a moment"
UNREACHABLE = "cannot reach the database; please try again in a moment"
DISK_FULL = "the disk that holds the database is full; please free some space and try again"
READ_ONLY = (
    "the database cannot be written here (a read-only file, folder, file system or "
    "database user); please check its permissions"
)
REFUSED = "the database refused the user name or password; please check them in the database URL"
CANNOT_OPEN = "cannot open the database file; please check its path and its folder's permissions"
NOT_A_DATABASE = "cannot read that database; please check it is the ritual database you meant"

_BY_SQLSTATE = {
    "55P03": BUSY,  # lock_not_available: lock_timeout ran out
    "57014": BUSY,  # query_canceled: statement_timeout ran out
    "40P01": BUSY,  # deadlock_detected
    "53100": DISK_FULL,  # disk_full
    "25006": READ_ONLY,  # read_only_sql_transaction (a standby, or a read-only default)
    "42501": READ_ONLY,  # insufficient_privilege: a user who may only read
    "28P01": REFUSED,  # invalid_password
    "28000": REFUSED,  # invalid_authorization_specification
}
_BY_TEXT = (  # what SQLite and libpq say when there is no SQLSTATE
    ("password authentication failed", REFUSED),
    ("authentication failed", REFUSED),
    ("disk is full", DISK_FULL),
    ("no space left", DISK_FULL),
    ("readonly database", READ_ONLY),
    ("read-only", READ_ONLY),
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("unable to open database file", CANNOT_OPEN),
)


def _reason(exc: sa_exc.DBAPIError) -> str | None:
    """The one-line message for a driver error that is about the database's state."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _BY_SQLSTATE:
        return _BY_SQLSTATE[code]
    text = str(exc.orig).lower()
    return next((reason for needle, reason in _BY_TEXT if needle in text), None)


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver-level failures into the engine's StoreUnavailable, with a message that
    says what is wrong: busy (a lock or statement timeout ran out), a full disk, a store
    that cannot be written, refused credentials, a file that cannot be opened or is not
    a database, or a server that cannot be reached. Never the URL, never a parameter.

    Other integrity, programming and data errors pass through: integrity errors are the
    optimistic-concurrency check, the others are bugs in a statement.
    """
    try:
        yield
    except sa_exc.DBAPIError as exc:
        reason = _reason(exc)
        if reason is not None:
            raise StoreUnavailable(reason) from exc
        if isinstance(exc, sa_exc.IntegrityError | sa_exc.ProgrammingError | sa_exc.DataError):
            raise
        if type(exc) is sa_exc.DatabaseError:  # "file is not a database" and the like
            raise StoreUnavailable(NOT_A_DATABASE) from exc
        raise StoreUnavailable(UNREACHABLE) from exc
    except sa_exc.TimeoutError as exc:  # no connection free in the pool
        raise StoreUnavailable(BUSY) from exc


_SET_WAITS = sa.text(
    "SELECT set_config('lock_timeout', :lock, true), "
    "set_config('statement_timeout', :statement, true)"
)


class SqlEngineAccess:
    """Shared transaction helpers for the store and the other SQL-backed components.

    Every transaction waits a bounded time for locks (``Waits``): connections of engines
    made by ``engine.db.create_sa_engine`` carry their waits from the start; on a host's
    engine each transaction sets them with ``SET LOCAL`` semantics, so the host's own
    sessions keep theirs.
    """

    def __init__(self, sa_engine: sa.Engine, waits: Waits | None = None) -> None:
        self.sa_engine = sa_engine
        self.is_postgres = sa_engine.dialect.name == "postgresql"
        built_with = connection_waits(sa_engine)
        self.waits = waits or built_with or Waits()
        self._set_per_transaction = self.is_postgres and (
            built_with is None or (waits is not None and waits != built_with)
        )

    def _bound(self, conn: sa.Connection, lock: float | None) -> None:
        if self.is_postgres and (self._set_per_transaction or lock is not None):
            conn.execute(
                _SET_WAITS,
                {
                    "lock": f"{milliseconds(self.waits.lock if lock is None else lock)}ms",
                    "statement": f"{milliseconds(self.waits.statement)}ms",
                },
            )

    @contextlib.contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[sa.Connection]:
        """A write transaction that holds the append lock from its first statement;
        ``wait`` (seconds) overrides how long it waits for that lock."""
        with (
            translate_errors(),
            self.sa_engine.connect() as plain,
            _sqlite_busy(plain, wait, self.waits),
        ):
            conn = plain.execution_options(**{WRITE: True})
            with conn.begin():
                self._bound(conn, wait)
                if self.is_postgres:
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(APPEND_LOCK_ID)))
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read transaction."""
        with translate_errors(), self.sa_engine.connect() as conn, conn.begin():
            self._bound(conn, None)
            yield conn


@contextlib.contextmanager
def _sqlite_busy(conn: sa.Connection, wait: float | None, waits: Waits) -> Iterator[None]:
    """On SQLite, a busy timeout of ``wait`` seconds for this connection while it lasts."""
    if wait is None or conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA busy_timeout = {milliseconds(wait)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {milliseconds(waits.lock)}")


class SqlKeyring:
    """Data keys in their own table (implements ``engine.crypto.Keyring``)."""

    def __init__(self, access: SqlEngineAccess, clock: Clock = utc_now) -> None:
        self._db = access
        self._clock = clock

    def get(self, couple_id: str, owner: str) -> bytes | None:
        with self._db.read() as conn:
            return conn.scalar(
                sa.select(data_keys.c.material).where(
                    data_keys.c.couple_id == couple_id, data_keys.c.owner == owner
                )
            )

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        from engine.crypto import new_key

        key = self.get(couple_id, owner)
        if key is not None:
            return key
        with self._db.write() as conn:
            key = conn.scalar(
                sa.select(data_keys.c.material).where(
                    data_keys.c.couple_id == couple_id, data_keys.c.owner == owner
                )
            )
            if key is None:
                _refuse_if_erased(conn, couple_id, owner)
                key = new_key()
                conn.execute(
                    data_keys.insert().values(
                        couple_id=couple_id, owner=owner, material=key, created_at=self._clock()
                    )
                )
            return key

    def destroy(self, couple_id: str, owner: str | None = None) -> int:
        with self._db.write() as conn:
            query = data_keys.delete().where(data_keys.c.couple_id == couple_id)
            if owner is not None:
                query = query.where(data_keys.c.owner == owner)
            return conn.execute(query).rowcount


def _refuse_if_erased(conn: sa.Connection, couple_id: str, owner: str) -> None:
    """Never create a key again for a couple or partner that was erased.

    Runs in the write transaction that would create the key, so a writer racing an
    erasure either made its key before the tombstone (and the eraser destroys it once
    more after appending it) or is refused here.
    """
    tombstones = sa.select(events.c.type).where(
        events.c.couple_id == couple_id,
        events.c.type.in_(("couple.erased", "couple.partner_erased")),
        sa.or_(
            events.c.type == "couple.erased",
            events.c.payload["partner_id"].as_string() == owner,
        ),
    )
    if conn.execute(tombstones.limit(1)).first() is not None:
        raise NotAllowed("what was erased stays erased; nothing more can be written for it")


def _claim_names(
    conn: sa.Connection,
    couple_id: str,
    keyed: Sequence[tuple[NameClaim, str]],
    releases: Sequence[NameRelease],
    erased: bool,
) -> None:
    """Release and claim names inside the append's transaction. Appends hold the append
    lock (SQLite's write lock, PostgreSQL's advisory lock), so reading the holder and then
    inserting cannot interleave with another claimant; the primary key backs it up."""
    if erased:
        conn.execute(names.delete().where(names.c.couple_id == couple_id))
    for release in releases:
        conn.execute(
            names.delete().where(names.c.scope == release.scope, names.c.owner == release.owner)
        )
    for claim, key in keyed:
        holder = conn.scalar(
            sa.select(names.c.owner).where(names.c.scope == claim.scope, names.c.key == key)
        )
        if holder is None:
            conn.execute(
                names.insert().values(
                    scope=claim.scope, key=key, couple_id=couple_id, owner=claim.owner
                )
            )
        elif holder != claim.owner:
            raise NotAllowed(claim.refusal)


def _row(r: sa.Row[Any]) -> Row:
    return Row(
        position=r.position,
        stream_id=r.stream_id,
        version=r.version,
        couple_id=r.couple_id,
        event_id=r.event_id,
        type_name=r.type,
        schema=r.schema,
        payload=r.payload,
        metadata=r.metadata,
        occurred_at=_utc(r.occurred_at),
        recorded_at=_utc(r.recorded_at),
    )


def _values(row: Row) -> dict[str, Any]:
    return {
        "stream_id": row.stream_id,
        "version": row.version,
        "couple_id": row.couple_id,
        "event_id": row.event_id,
        "type": row.type_name,
        "schema": row.schema,
        "payload": row.payload,
        "metadata": row.metadata,
        "occurred_at": row.occurred_at,
        "recorded_at": row.recorded_at,
    }


AppendHook = Callable[[sa.Connection, Sequence[RecordedEvent]], None]
"""Called inside an append's transaction with the events as recorded; a table kept in
step with the log (such as ``feed_links``) commits or rolls back with the events."""


def _recorded(row: Row, position: int, event: Event, metadata: Metadata) -> RecordedEvent:
    return RecordedEvent(
        position=position,
        stream_id=row.stream_id,
        version=row.version,
        couple_id=row.couple_id,
        event_id=row.event_id,
        event=event,
        metadata=metadata,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
    )


class SqlEventStore:
    """An event store in a SQL database (implements ``engine.events.store.EventStore``).

    The store keeps its side tables in step with the log itself: however it is built
    (``Engine.open``, ``Engine.from_sqlalchemy`` or this constructor), the sharing links
    in ``ritual_feed_links`` are written in each append's transaction. ``hooks`` adds more.
    With ``owns_engine`` false (a host's engine), closing the store leaves the pool alone.
    """

    def __init__(
        self,
        sa_engine: sa.Engine,
        clock: Clock = utc_now,
        *,
        hooks: Sequence[AppendHook] = (),
        owns_engine: bool = True,
        waits: Waits | None = None,
    ) -> None:
        from engine.feed_link_table import record_link_events  # it builds on this module

        self.db = SqlEngineAccess(sa_engine, waits)
        self.cipher = KeyringCipher(SqlKeyring(self.db, clock))
        self._clock = clock
        self._subscribers = Subscribers()
        self._hooks = (record_link_events, *(h for h in hooks if h is not record_link_events))
        self._owns_engine = owns_engine
        self._name_keys = NameKeys(self.cipher)

    def append(
        self,
        couple_id: str,
        stream_id: str,
        events_: Sequence[NewEvent],
        *,
        expected_version: int | None,
        metadata: Metadata = NO_METADATA,
        claims: Sequence[NameClaim] = (),
        releases: Sequence[NameRelease] = (),
    ) -> list[int]:
        if not events_:
            return []
        encoded = encode_batch(self.cipher, couple_id, events_)
        keyed = self._name_keys.keyed(claims)
        ids = [e.event_id for e in events_]
        try:
            with self.db.write() as conn:
                found = conn.execute(sa.select(events).where(events.c.event_id.in_(ids))).all()
                replayed = check_replay({r.event_id: _row(r) for r in found}, stream_id, encoded)
                if replayed is not None:
                    return replayed
                current = conn.scalar(
                    sa.select(sa.func.coalesce(sa.func.max(events.c.version), 0)).where(
                        events.c.stream_id == stream_id
                    )
                )
                if expected_version is not None and expected_version != current:
                    raise ConcurrencyError(stream_id, expected_version, current)
                _claim_names(conn, couple_id, keyed, releases, releases_everything(events_))
                now = _utc(self._clock())
                pending = [
                    Row(
                        position=0,
                        stream_id=stream_id,
                        version=int(current or 0) + offset,
                        couple_id=couple_id,
                        event_id=new.event_id,
                        type_name=new.event.type_name,
                        schema=new.event.schema,
                        payload=payload,
                        metadata=metadata.to_json(),
                        occurred_at=_utc(new.occurred_at),
                        recorded_at=now,
                    )
                    for offset, (new, payload) in enumerate(encoded, start=1)
                ]
                positions = list(
                    conn.scalars(
                        events.insert().returning(events.c.position, sort_by_parameter_order=True),
                        [_values(r) for r in pending],
                    )
                )
                recorded = [
                    _recorded(row, position, new.event, metadata)
                    for row, position, (new, _) in zip(pending, positions, encoded, strict=True)
                ]
                for hook in self._hooks:
                    hook(conn, recorded)
        except sa_exc.IntegrityError as exc:
            raise ConcurrencyError(stream_id, expected_version or 0) from exc
        rows = [replace(r, position=p) for r, p in zip(pending, positions, strict=True)]
        self._subscribers.notify([decode_row(r, self.cipher) for r in rows])
        return positions

    def _select(self, query: sa.Select[Any], decrypt: bool) -> list[RecordedEvent]:
        cipher = self.cipher if decrypt else None
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [decode_row(_row(r), cipher) for r in rows]

    def read_stream(self, stream_id: str, *, decrypt: bool = True) -> list[RecordedEvent]:
        query = sa.select(events).where(events.c.stream_id == stream_id).order_by(events.c.version)
        return self._select(query, decrypt)

    def read_couple(
        self,
        couple_id: str,
        *,
        types: Collection[str] | None = None,
        after: int = 0,
        decrypt: bool = True,
    ) -> list[RecordedEvent]:
        query = sa.select(events).where(events.c.couple_id == couple_id, events.c.position > after)
        if types is not None:
            query = query.where(events.c.type.in_(list(types)))
        return self._select(query.order_by(events.c.position), decrypt)

    def read_types(self, types: Collection[str], *, decrypt: bool = True) -> list[RecordedEvent]:
        query = sa.select(events).where(events.c.type.in_(list(types))).order_by(events.c.position)
        return self._select(query, decrypt)

    def read_all(
        self, after: int = 0, limit: int = 1000, *, decrypt: bool = False
    ) -> list[RecordedEvent]:
        query = (
            sa.select(events)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        return self._select(query, decrypt)

    def read_rows(self, after: int = 0, limit: int = 1000) -> list[Row]:
        """Raw rows without decoding, for tools that copy or inspect the log."""
        query = (
            sa.select(events)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_row(r) for r in conn.execute(query)]

    def last_position(self) -> int:
        with self.db.read() as conn:
            return int(
                conn.scalar(sa.select(sa.func.coalesce(sa.func.max(events.c.position), 0))) or 0
            )

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(events)) or 0)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self._subscribers.add(subscriber)

    def check_writable(self, wait: float = 1.0) -> None:
        """Raise StoreUnavailable unless the log can be read and the append lock taken
        within ``wait`` seconds (for a health check: a stuck writer shows as busy)."""
        with self.db.write(wait=wait) as conn:
            conn.scalar(sa.select(sa.func.max(events.c.position)))

    def scrub(self) -> bool:
        """SQLite: copy the write-ahead log into the database file and truncate it, so
        that the old pages holding destroyed keys leave the -wal file (``secure_delete``
        has zeroed them in the database file). PostgreSQL keeps dead rows until VACUUM
        and in its own WAL: False."""
        if self.db.is_postgres:
            return False
        with translate_errors(), self.db.sa_engine.connect() as conn:
            busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return not busy

    def close(self) -> None:
        if self._owns_engine:
            self.db.sa_engine.dispose()
