"""Names and idempotency keys, written inside an append's transaction so that they
commit or roll back with the events that take or use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine.errors import NotAllowed
from engine.events.idempotency import IdempotencyRecord
from engine.sql.event_rows import utc
from engine.sql.statements import Conn, Sql

if TYPE_CHECKING:
    from engine.events.names import NameClaim, NameRelease

_FORGET_COUPLE = Sql("DELETE FROM ritual_names WHERE couple_id = :couple")
_RELEASE = Sql("DELETE FROM ritual_names WHERE scope = :scope AND owner = :owner")
HOLDER = Sql("SELECT owner FROM ritual_names WHERE scope = :scope AND key = :key")
"""Who holds a name; read inside the append's transaction before a claim."""
CLAIM = Sql(
    "INSERT INTO ritual_names (scope, key, couple_id, owner) VALUES (:scope, :key, :couple, :owner)"
)
_KEY = Sql(
    "SELECT fingerprint, pinned_at, event_ids FROM ritual_idempotency_keys "
    "WHERE couple_id = :couple AND key_hash = :hash",
    columns=("fingerprint", "pinned_at", "event_ids"),
    json=("event_ids",),
    moments=("pinned_at",),
)
_KEEP = Sql(
    "INSERT INTO ritual_idempotency_keys (couple_id, key_hash, fingerprint, pinned_at, "
    "event_ids) VALUES (:couple, :hash, :fingerprint, :pinned_at, :event_ids)",
    json=("event_ids",),
    moments=("pinned_at",),
)
_EXTEND = Sql(
    "UPDATE ritual_idempotency_keys SET event_ids = :event_ids "
    "WHERE couple_id = :couple AND key_hash = :hash",
    json=("event_ids",),
)


def claim_names(
    conn: Conn,
    couple_id: str,
    keyed: Sequence[tuple[NameClaim, str]],
    releases: Sequence[NameRelease],
    erased: bool,
) -> None:
    """Release and claim names inside the append's transaction. Appends hold the append
    lock (SQLite's write lock, PostgreSQL's advisory lock), so reading the holder and then
    inserting cannot interleave with another claimant; the primary key backs it up."""
    if erased:
        conn.run(_FORGET_COUPLE, {"couple": couple_id})
    for release in releases:
        conn.run(_RELEASE, {"scope": release.scope, "owner": release.owner})
    for claim, key in keyed:
        holder = conn.scalar(HOLDER, {"scope": claim.scope, "key": key})
        if holder is None:
            conn.run(
                CLAIM,
                {"scope": claim.scope, "key": key, "couple": couple_id, "owner": claim.owner},
            )
        elif holder != claim.owner:
            raise NotAllowed(claim.refusal)


def key_record(conn: Conn, couple_id: str, hashed: str) -> IdempotencyRecord | None:
    found = conn.first(_KEY, {"couple": couple_id, "hash": hashed})
    if found is None:
        return None
    return IdempotencyRecord(
        found.fingerprint, utc(found.pinned_at), tuple(str(i) for i in found.event_ids)
    )


def keep_key(
    conn: Conn,
    couple_id: str,
    hashed: str,
    found: IdempotencyRecord | None,
    record: IdempotencyRecord,
) -> None:
    where = {"couple": couple_id, "hash": hashed, "event_ids": list(record.event_ids)}
    if found is None:
        conn.run(_KEEP, {**where, "fingerprint": record.fingerprint, "pinned_at": record.pinned_at})
    elif record != found:
        conn.run(_EXTEND, where)
