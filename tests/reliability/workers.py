"""Child processes of the reliability suite, run as ``python workers.py ROLE ARGS...``.

Each worker opens the store on the URL it is given (already migrated by the test),
prints ``ready``, and (except the crasher) waits for ``go`` on stdin so that all
writers start together. Writers print one JSON line of what they saw at the end; an
error they do not handle ends them with a traceback and a non-zero exit code, which the
test reports. Every loop is bounded in count and in time.

The concurrent writers append ``timeout.called`` events whose ``timeout_id`` is a marker
the test parses (``<writer>:<n>``). The slow writers and the crasher append check-ins and
skips (``practice``) that the read models fold; the crasher names each batch in its
metadata's ``correlation_id`` and catches the read models up after every batch, so a kill
lands in an append or in a projection's transaction alike.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.api import open_sql_store
from engine.errors import ConcurrencyError
from engine.events import CheckedIn, Event, Metadata, NewEvent, OccurrenceSkipped, TimeoutCalled
from engine.sql.event_store import SqlEventStore
from tests.reliability import folding

if TYPE_CHECKING:
    from engine.sql.statements import Sql

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DEADLINE_S = 90.0
"""No worker runs longer than this, whatever happens."""


def probe(marker: str, by: str = "p") -> NewEvent:
    """A small event carrying ``marker`` in its payload."""
    return NewEvent(TimeoutCalled(timeout_id=marker, by=by, at=AT), AT)


def practice(n: int, by: str) -> NewEvent:
    """A writer's ``n``-th check-in or skip. Writers share a few rituals and occurrences,
    so they mark the same occurrences and the read model merges what they logged in log
    order: only a fold that sees every event once, in order, gives a rebuild's states."""
    ritual_id = f"r{n % 3}"
    occurrence = AT + timedelta(hours=n % 5)
    done_at = AT + timedelta(minutes=n)
    event: Event
    match n % 4:
        case 0:
            event = OccurrenceSkipped(ritual_id=ritual_id, occurrence=occurrence, partner_id=by)
        case 1:  # a quota check-in: a key of its own
            event = CheckedIn(ritual_id=ritual_id, partner_id=by, occurrence=None, done_at=done_at)
        case _:
            event = CheckedIn(
                ritual_id=ritual_id, partner_id=by, occurrence=occurrence, done_at=done_at
            )
    return NewEvent(event, done_at)


def _open(url: str) -> SqlEventStore:
    store = open_sql_store(url, migrate=False)
    assert isinstance(store, SqlEventStore)
    return store


def _handshake(wait_for_go: bool = True) -> None:
    print("ready", flush=True)
    if wait_for_go and sys.stdin.readline().strip() != "go":
        raise SystemExit("no go signal")


def writer(url: str, couple_id: str, name: str, total: str, streams: str, seed: str) -> None:
    """Append ``total`` events in batches of 1 to 9 to random streams, retrying on conflict."""
    rng = random.Random(seed)
    store = _open(url)
    stream_ids = [f"load-{n}" for n in range(int(streams))]
    known = dict.fromkeys(stream_ids, 0)
    errors: Counter[str] = Counter()
    _handshake()
    deadline = time.monotonic() + DEADLINE_S
    sent, attempts = 0, 0
    while sent < int(total):
        stream = rng.choice(stream_ids)
        size = min(rng.randint(1, 9), int(total) - sent)
        batch = [probe(f"{name}:{sent + i}", name) for i in range(size)]
        while True:
            attempts += 1
            if time.monotonic() > deadline or attempts > 50_000:
                raise SystemExit(f"gave up after {attempts} attempts")
            try:
                store.append(couple_id, stream, batch, expected_version=known[stream])
            except ConcurrencyError as exc:
                errors[type(exc).__name__] += 1
                known[stream] = (
                    exc.actual
                    if exc.actual is not None
                    else len(store.read_stream(stream, decrypt=False))
                )
                continue
            known[stream] += size
            break
        sent += size
    store.close()
    print(json.dumps({"sent": sent, "attempts": attempts, "errors": dict(errors)}), flush=True)


def slow_writer(url: str, couple_id: str, name: str, total: str, max_delay_ms: str) -> None:
    """Append one event at a time, sleeping at random *inside* each transaction.

    The sleep comes right after the INSERT, when the new position is taken but not yet
    committed: the window in which a reader could see a later position first.
    """
    rng = random.Random(name)
    store = _open(url)
    with store.db.read() as conn:
        driver = type(conn)  # SQLAlchemy's or sqlite3's, whichever the URL opened
    plain = driver.scalar

    def linger(conn: Any, sql: Sql, params: Any = None) -> Any:
        found = plain(conn, sql, params)
        if sql.text.startswith("INSERT INTO ritual_events"):
            time.sleep(rng.uniform(0, int(max_delay_ms)) / 1000)
        return found

    driver.scalar = linger  # type: ignore[method-assign]
    _handshake()
    deadline = time.monotonic() + DEADLINE_S
    for n in range(int(total)):
        if time.monotonic() > deadline:
            raise SystemExit("ran out of time")
        store.append(couple_id, f"slow-{name}", [practice(n, name)], expected_version=n)
    store.close()
    print(json.dumps({"sent": int(total)}), flush=True)


def crasher(url: str, couple_id: str, name: str, size: str) -> None:
    """Append batches of ``size`` events, catching the read models up after each one,
    until killed (or out of time or batches)."""
    store = _open(url)
    runner = folding.runner_for(store)
    _handshake(wait_for_go=False)
    deadline = time.monotonic() + DEADLINE_S
    for batch in range(100_000):
        if time.monotonic() > deadline:
            break
        events = [practice(batch * int(size) + i, name) for i in range(int(size))]
        marker = Metadata(correlation_id=f"{name}-{batch}")
        store.append(couple_id, f"crash-{name}", events, expected_version=None, metadata=marker)
        runner.catch_up()
    store.close()


ROLES: dict[str, Callable[..., None]] = {
    "writer": writer,
    "slow-writer": slow_writer,
    "crasher": crasher,
}

if __name__ == "__main__":
    ROLES[sys.argv[1]](*sys.argv[2:])
