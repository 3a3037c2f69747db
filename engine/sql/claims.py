"""Names and idempotency keys, written inside an append's transaction so that they
commit or roll back with the events that take or use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from engine.errors import NotAllowed
from engine.events.idempotency import IdempotencyRecord
from engine.events.names import NameClaim, NameRelease
from engine.sql.event_rows import utc
from engine.sql.tables import idempotency_keys, names


def claim_names(
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


def key_record(conn: sa.Connection, couple_id: str, hashed: str) -> IdempotencyRecord | None:
    found = conn.execute(
        sa.select(idempotency_keys).where(
            idempotency_keys.c.couple_id == couple_id, idempotency_keys.c.key_hash == hashed
        )
    ).first()
    if found is None:
        return None
    return IdempotencyRecord(
        found.fingerprint, utc(found.pinned_at), tuple(str(i) for i in found.event_ids)
    )


def keep_key(
    conn: sa.Connection,
    couple_id: str,
    hashed: str,
    found: IdempotencyRecord | None,
    record: IdempotencyRecord,
) -> None:
    if found is None:
        conn.execute(
            idempotency_keys.insert().values(
                couple_id=couple_id,
                key_hash=hashed,
                fingerprint=record.fingerprint,
                pinned_at=record.pinned_at,
                event_ids=list(record.event_ids),
            )
        )
    elif record != found:
        conn.execute(
            idempotency_keys.update()
            .where(idempotency_keys.c.couple_id == couple_id, idempotency_keys.c.key_hash == hashed)
            .values(event_ids=list(record.event_ids))
        )
