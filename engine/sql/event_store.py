"""The event store on a SQL database (SQLite or PostgreSQL), on either driver.

Appends are serialised: SQLite takes its write lock when the transaction begins, and
PostgreSQL takes a transaction-scoped advisory lock. Positions therefore become visible
in the order they were assigned, so a projection that reads "after my checkpoint" can
never skip an event that commits late.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from engine.clock import Clock, utc_now
from engine.errors import ConcurrencyError
from engine.events.idempotency import (
    IdempotencyMark,
    IdempotencyRecord,
    RequestHashes,
    key_hash,
    settle,
)
from engine.events.names import BACKFILL, NameClaim, NameKeys, NameRelease, releases_everything
from engine.events.records import NO_METADATA, Batch, Metadata, NewEvent, RecordedEvent
from engine.events.rows import (
    Row,
    check_batch_ids,
    check_replay,
    decode_row,
    encode_batch,
    erased_owners,
    kept_times,
)
from engine.events.sealing import KeyringCipher
from engine.events.subscribers import Subscriber, Subscribers
from engine.sql.claims import CLAIM, HOLDER, claim_names, keep_key, key_record
from engine.sql.event_reads import SqlEventReads
from engine.sql.event_rows import recorded_event, row_of, utc, values_of
from engine.sql.keyring import SqlKeyring, destroy_keys
from engine.sql.lite import LiteAccess
from engine.sql.master_key import MasterKeySource
from engine.sql.statements import EVENT_COLUMNS, Access, Conflict, Conn, Sql, select_events

if TYPE_CHECKING:
    import sqlalchemy as sa

    from engine.events.base import Payload
    from engine.sql.waits import Waits

__all__ = ["SqlEventStore"]

_BY_IDS = select_events("event_id IN (:ids)", lists=("ids",))
_STREAM_VERSION = Sql(
    "SELECT coalesce(max(version), 0) FROM ritual_events WHERE stream_id = :stream"
)
_LAST_RECORDED = Sql(
    "SELECT max(recorded_at) FROM ritual_events WHERE stream_id = :stream",
    columns=("recorded_at",),
    moments=("recorded_at",),
)
_INSERT = Sql(
    f"INSERT INTO ritual_events ({', '.join(EVENT_COLUMNS[1:])}) "
    f"VALUES ({', '.join(':' + c for c in EVENT_COLUMNS[1:])}) RETURNING position",
    columns=("position",),
    json=("payload", "metadata"),
    moments=("occurred_at", "recorded_at"),
)
_FORGET_KEYS = Sql("DELETE FROM ritual_idempotency_keys WHERE couple_id = :couple")
_LAST_POSITION = Sql("SELECT max(position) FROM ritual_events")
_DROP_NAME = Sql("DELETE FROM ritual_names WHERE scope = :scope AND key = :key")


def _access(database: sa.Engine | Access, waits: Waits | None) -> Access:
    """The access to ``database``; SQLAlchemy is imported only for a SQLAlchemy Engine."""
    if isinstance(database, LiteAccess):
        return database
    from engine.sql.access import SqlEngineAccess

    if isinstance(database, SqlEngineAccess):
        return database
    return SqlEngineAccess(database, waits)  # type: ignore[arg-type]  # an sa.Engine


AppendHook = Callable[[Conn, Sequence[RecordedEvent]], None]
"""Called inside an append's transaction with the events as recorded; a table kept in
step with the log (such as ``feed_links``) commits or rolls back with the events."""


class SqlEventStore(SqlEventReads):
    """An event store in a SQL database (implements ``engine.events.store.EventStore``).

    The store keeps its side tables in step with the log itself: however it is built
    (``Engine.open``, ``Engine.from_sqlalchemy`` or this constructor), the sharing links
    in ``ritual_feed_links`` and the invites in ``ritual_partner_invites`` are written in
    each append's transaction. ``hooks`` adds more.
    ``database`` is a SQLAlchemy Engine, or the ``sqlite3`` access of the embedded
    default (``engine.sql.lite``). With ``owns_engine`` false (a host's engine), closing
    the store leaves the pool alone.
    """

    def __init__(
        self,
        database: sa.Engine | Access,
        clock: Clock = utc_now,
        *,
        hooks: Sequence[AppendHook] = (),
        owns_engine: bool = True,
        waits: Waits | None = None,
        master: MasterKeySource | None = None,
    ) -> None:
        from engine.sql.side_tables import record_invite_events, record_link_events

        self.db = _access(database, waits)
        self.keyring = SqlKeyring(self.db, clock, master or MasterKeySource.from_env())
        self.cipher = KeyringCipher(self.keyring)
        self._clock = clock
        self._subscribers = Subscribers()
        own = (record_link_events, record_invite_events)
        self._hooks = (*own, *(h for h in hooks if h not in own))
        self._owns_engine = owns_engine
        self._name_keys = NameKeys(self.cipher)
        self._requests = RequestHashes(self.cipher)

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
        idempotency: IdempotencyMark | None = None,
    ) -> list[int]:
        batch = Batch(stream_id, events_, expected_version, metadata, claims, releases)
        return self.append_batches(couple_id, [batch], idempotency=idempotency)[0]

    def idempotency_record(self, couple_id: str, key: str) -> IdempotencyRecord | None:
        with self.db.read() as conn:
            return key_record(conn, couple_id, key_hash(key))

    def append_batches(
        self,
        couple_id: str,
        batches: Sequence[Batch],
        *,
        idempotency: IdempotencyMark | None = None,
        keep_recorded: bool = False,
    ) -> list[list[int]]:
        if not any(b.events for b in batches):
            return [[] for _ in batches]
        check_batch_ids(batches)
        encoded = [encode_batch(self.cipher, couple_id, b.events) for b in batches]
        keyed = [self._name_keys.keyed(b.claims) for b in batches]
        mark = idempotency
        fingerprint = self._requests.fingerprint(mark) if mark else ""
        results: list[list[int]] = []
        written: list[Row] = []
        stream_id, expected_version = batches[0].stream_id, batches[0].expected_version
        try:
            with self.db.write() as conn:
                hashed = key_hash(mark.key) if mark else ""
                found = key_record(conn, couple_id, hashed) if mark else None
                if mark:  # before the replay check: a racing run of the key is told apart
                    settle(found, mark, fingerprint, [])
                versions: dict[str, int] = {}
                for batch, coded, names_ in zip(batches, encoded, keyed, strict=True):
                    stream_id, expected_version = batch.stream_id, batch.expected_version
                    rows, fresh = self._append_one(
                        conn, couple_id, batch, coded, names_, versions, keep_recorded
                    )
                    results.append([r.position for r in rows])
                    written.extend(rows if fresh else ())
                if mark and written:
                    record = settle(found, mark, fingerprint, [r.event_id for r in written])
                    keep_key(conn, couple_id, hashed, found, record)
                if any(owner is None for _, owner in erased_owners(written)):
                    conn.run(_FORGET_KEYS, {"couple": couple_id})
        except Conflict as exc:
            raise ConcurrencyError(stream_id, expected_version or 0) from exc
        for couple, owner in erased_owners(written):
            self.cipher.drop(couple, owner)
        if written:
            self._subscribers.notify([decode_row(r, self.cipher) for r in written])
        return results

    def _append_one(
        self,
        conn: Conn,
        couple_id: str,
        batch: Batch,
        encoded: Sequence[tuple[NewEvent, Payload]],
        keyed: Sequence[tuple[NameClaim, str]],
        versions: dict[str, int],
        keep_recorded: bool = False,
    ) -> tuple[list[Row], bool]:
        """Check and insert one batch inside the caller's write transaction; returns its
        rows, and False when the batch was stored before (a replay writes nothing)."""
        if not encoded:
            return [], False
        ids = [new.event_id for new, _ in encoded]
        stored = {r.event_id: row_of(r) for r in conn.rows(_BY_IDS, {"ids": ids})}
        replayed = check_replay(stored, couple_id, batch, encoded)
        if replayed is not None:
            return [stored[i] for i in ids], False
        current = versions.get(batch.stream_id)
        if current is None:
            current = int(conn.scalar(_STREAM_VERSION, {"stream": batch.stream_id}) or 0)
        if batch.expected_version is not None and batch.expected_version != current:
            raise ConcurrencyError(batch.stream_id, batch.expected_version, current)
        erased = releases_everything(batch.events)
        claim_names(conn, couple_id, keyed, batch.releases, erased)
        now = utc(self._clock())
        stamps = [now] * len(encoded)
        if keep_recorded:
            last = conn.scalar(_LAST_RECORDED, {"stream": batch.stream_id})
            stamps = kept_times(batch.events, now, None if last is None else utc(last))
        pending = [
            Row(
                position=0,
                stream_id=batch.stream_id,
                version=current + offset,
                couple_id=couple_id,
                event_id=new.event_id,
                type_name=new.event.type_name,
                schema=new.event.schema,
                payload=payload,
                metadata=batch.metadata.to_json(),
                occurred_at=utc(new.occurred_at),
                recorded_at=stamp,
            )
            for offset, ((new, payload), stamp) in enumerate(
                zip(encoded, stamps, strict=True), start=1
            )
        ]
        positions = [int(conn.scalar(_INSERT, values_of(r))) for r in pending]
        versions[batch.stream_id] = current + len(pending)
        rows = [replace(r, position=p) for r, p in zip(pending, positions, strict=True)]
        recorded = [
            recorded_event(row, row.position, new.event, batch.metadata)
            for row, (new, _) in zip(rows, encoded, strict=True)
        ]
        for hook in self._hooks:  # the feed-link hook always among them
            hook(conn, recorded)
        for couple, owner in erased_owners(rows):  # the keys go with their tombstone
            destroy_keys(conn, couple, owner)
        return rows, True

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self._subscribers.add(subscriber)

    def check_writable(self, wait: float = 1.0) -> None:
        """Raise StoreUnavailable unless the log can be read and the append lock taken
        within ``wait`` seconds (for a health check: a stuck writer shows as busy)."""
        with self.db.write(wait=wait) as conn:
            conn.scalar(_LAST_POSITION)

    def names_pending(self) -> bool:
        """Whether names given before claims existed still wait to be claimed (0012)."""
        scope, key = BACKFILL
        with self.db.read() as conn:
            return conn.scalar(HOLDER, {"scope": scope, "key": key}) is not None

    def claim_missing(self, claims: Sequence[tuple[str, NameClaim]]) -> int:
        """Claim each (couple id, claim) whose name nobody holds, and drop the marker, in
        one transaction; a name already held (a duplicate from before claims) stays with
        its holder. Returns how many were claimed."""
        scope, key = BACKFILL
        keyed = self._name_keys.keyed([c for _, c in claims])
        taken = 0
        with self.db.write() as conn:
            marker = {"scope": scope, "key": key}
            if conn.scalar(HOLDER, marker) is None:
                return 0  # another process claimed them first
            for (couple_id, _), (claim, hashed) in zip(claims, keyed, strict=True):
                if conn.scalar(HOLDER, {"scope": claim.scope, "key": hashed}) is None:
                    conn.run(
                        CLAIM,
                        {
                            "scope": claim.scope,
                            "key": hashed,
                            "couple": couple_id,
                            "owner": claim.owner,
                        },
                    )
                    taken += 1
            conn.run(_DROP_NAME, marker)
        return taken

    def scrub(self) -> bool:
        """SQLite: copy the write-ahead log into the database file and truncate it, so
        that the old pages holding destroyed keys leave the -wal file (``secure_delete``
        has zeroed them in the database file). PostgreSQL keeps dead rows until VACUUM
        and in its own WAL: False."""
        if self.db.is_postgres:
            return False
        return self.db.checkpoint_wal()

    def close(self) -> None:
        if self._owns_engine:
            self.db.dispose()
