"""Append throughput of the event store beside raw driver inserts of the same rows.

    python bench/store.py [--postgres URL] [--single N] [--batched N] [--rounds N]

For each backend the store appends N appreciations (each with a sealed text) one per
transaction, then N in batches of 100. The very rows it stored are then inserted again
with the bare driver (sqlite3, psycopg) into an identical table in a fresh database or
schema, in the same transaction shapes: the baseline shows what the store's checks
(replay detection, expected version, serialised appends, sealing) cost on this machine,
in this run. The best of a few rounds counts, as other work on the machine only ever
slows a round down. PostgreSQL runs when a URL is given with --postgres or in
RITUAL_BENCH_POSTGRES_URL or RITUAL_TEST_POSTGRES_URL; it works in two throwaway
schemas and drops them afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.api import open_sql_store
from engine.events import AppreciationGiven, NewEvent
from engine.events.rows import Row
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import create_sa_engine, metadata

BATCH = 100
AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
COLUMNS = (
    "stream_id, version, couple_id, event_id, type, schema, payload, metadata, "
    "occurred_at, recorded_at"
)


def new_events(count: int) -> list[NewEvent]:
    return [
        NewEvent(
            AppreciationGiven(
                appreciation_id=f"a{n}",
                author="p-sam",
                recipient="p-alex",
                text="Thank you for making the evening slow and kind.",
                shared=True,
                at=AT,
            ),
            AT,
        )
        for n in range(count)
    ]


def timed(work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


RawInsert = Callable[[list[Row], int], Callable[[], None]]
"""Given rows and a transaction size, prepare a connection and return the timed work."""


def append_store(store: SqlEventStore, stream: str, events: Sequence[NewEvent], size: int) -> None:
    for version in range(0, len(events), size):
        chunk = events[version : version + size]
        store.append("c-bench", stream, chunk, expected_version=version)


def raw_values(row: Row) -> tuple[Any, ...]:
    return (
        row.stream_id,
        row.version,
        row.couple_id,
        row.event_id,
        row.type_name,
        row.schema,
        json.dumps(row.payload),
        json.dumps(row.metadata),
        row.occurred_at,
        row.recorded_at,
    )


def measure(
    store: SqlEventStore, raw_insert: RawInsert, count: int, size: int, rounds: int
) -> tuple[float, float]:
    """Best events/second of the store and of the raw driver over ``rounds`` rounds.

    Each round appends ``count`` fresh events through the store, then inserts the rows
    it stored with the raw driver, so both see the same machine at the same moment.
    """
    best_store = best_raw = 0.0
    for round_ in range(rounds):
        before = store.last_position()
        events = new_events(count)
        stream = f"bench-{size}-{round_}"
        seconds = timed(lambda: append_store(store, stream, events, size))  # noqa: B023
        best_store = max(best_store, count / seconds)
        rows = store.read_rows(after=before, limit=count)
        best_raw = max(best_raw, count / timed(raw_insert(rows, size)))
    return best_store, best_raw


# -- SQLite ----------------------------------------------------------------------------


def sqlite_raw(path: Path) -> RawInsert:
    """sqlite3 with the store's journal and sync settings (WAL, synchronous=FULL)."""
    sql = f"INSERT INTO ritual_events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    def prepare(rows: list[Row], size: int) -> Callable[[], None]:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        values = [raw_values(r) for r in rows]

        def work() -> None:
            for start in range(0, len(values), size):
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(sql, values[start : start + size])
                conn.execute("COMMIT")
            conn.close()

        return work

    return prepare


@contextlib.contextmanager
def sqlite_pair() -> Iterator[tuple[str, RawInsert]]:
    with tempfile.TemporaryDirectory() as folder:
        raw_path = Path(folder) / "raw.db"
        raw_engine = create_sa_engine(f"sqlite:///{raw_path}")
        metadata.create_all(raw_engine)
        raw_engine.dispose()
        yield f"sqlite:///{Path(folder) / 'store.db'}", sqlite_raw(raw_path)


# -- PostgreSQL ------------------------------------------------------------------------


@contextlib.contextmanager
def pg_schema(base: str) -> Iterator[tuple[str, str]]:
    """A throwaway schema: yields its name and a URL whose search_path selects it."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield name, url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


def postgres_raw(base: str, schema: str) -> RawInsert:
    """psycopg, executemany of ``size`` rows per transaction."""
    import psycopg

    conninfo = sa.make_url(base).set(drivername="postgresql").render_as_string(False)
    sql = (
        f"INSERT INTO ritual_events ({COLUMNS}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s)"
    )

    def prepare(rows: list[Row], size: int) -> Callable[[], None]:
        conn = psycopg.connect(conninfo, options=f"-csearch_path={schema}")
        values = [raw_values(r) for r in rows]

        def work() -> None:
            with conn:
                for start in range(0, len(values), size):
                    with conn.transaction(), conn.cursor() as cur:
                        cur.executemany(sql, values[start : start + size])

        return work

    return prepare


@contextlib.contextmanager
def postgres_pair(base: str) -> Iterator[tuple[str, RawInsert]]:
    with pg_schema(base) as (_, store_url), pg_schema(base) as (raw_schema, raw_url):
        raw_engine = create_sa_engine(raw_url)
        metadata.create_all(raw_engine)
        raw_engine.dispose()
        yield store_url, postgres_raw(base, raw_schema)


def bench(
    backend: str, pair: contextlib.AbstractContextManager[tuple[str, RawInsert]], args: Any
) -> list[tuple[str, str, float, float]]:
    results = []
    with pair as (store_url, raw_insert):
        store = open_sql_store(store_url)
        assert isinstance(store, SqlEventStore)
        for label, count, size in (
            ("1 per transaction", args.single, 1),
            ("100 per batch", args.batched, BATCH),
        ):
            rates = measure(store, raw_insert, count, size, args.rounds)
            results.append((backend, label, *rates))
        store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL URL to measure too")
    parser.add_argument("--single", type=int, default=300, help="events, one per transaction")
    parser.add_argument("--batched", type=int, default=5000, help="events in batches of 100")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best one counts")
    args = parser.parse_args()
    pg_url = (
        args.postgres
        or os.environ.get("RITUAL_BENCH_POSTGRES_URL")
        or os.environ.get("RITUAL_TEST_POSTGRES_URL")
    )
    results = bench("sqlite", sqlite_pair(), args)
    if pg_url:
        results += bench("postgres", postgres_pair(pg_url), args)
    print(f"{'backend':<9} {'mode':<18} {'store ev/s':>11} {'raw ev/s':>10} {'store/raw':>9}")
    for backend, mode, store_rate, raw_rate in results:
        print(
            f"{backend:<9} {mode:<18} {store_rate:>11,.0f} {raw_rate:>10,.0f} "
            f"{store_rate / raw_rate:>9.0%}"
        )
    if not pg_url:
        print("(PostgreSQL not measured: pass --postgres URL or set RITUAL_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    main()
