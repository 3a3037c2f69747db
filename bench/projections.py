"""How fast the projection runner rebuilds, and what catching up one event costs.

Run from a checkout:  PYTHONPATH=. python bench/projections.py [--sizes 100000 1000000]

1. Rebuild speed: a SQLite log of N events (couples with a year of daily, weekly and
   quota practice, bulk-inserted with SQLAlchemy Core executemany), read and decoded
   raw (the baseline: what any rebuild must at least do) and rebuilt into the
   ``ritual_marks`` read model, both in events per second, in the same run.
2. Catch-up cost: the median time to fold one new check-in into a caught-up model,
   with a 1k-event and with the largest history (the goal: within 2x of each other).

Every figure is printed beside its baseline; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.api import open_sql_store
from engine.events import (
    CheckedIn,
    CoupleCreated,
    Event,
    NewEvent,
    OccurrenceSkipped,
    PartnerAdded,
    RitualAdded,
)
from engine.events.rows import encode_batch
from engine.events.sealing import KeyringCipher, MemoryKeyring
from engine.projections import MARKS, PROJECTIONS, ProjectionRunner
from engine.sql.event_store import SqlEventStore
from engine.sql.read_models import SqlReadModels
from engine.sql.tables import data_keys, events

START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
DAYS = 364
CHUNK = 20_000
READ_BATCH = 5000


def couple_history(rng: random.Random) -> tuple[str, list[tuple[str, NewEvent]]]:
    """One couple's year: a daily and a weekly ritual together, a 3-a-week quota each."""
    couple_id = uuid.uuid4().hex
    partners = [uuid.uuid4().hex, uuid.uuid4().hex]
    history: list[tuple[str, NewEvent]] = []

    def add(stream: str, event: Event, at: datetime) -> None:
        history.append((stream, NewEvent(event, at)))

    couple = f"couple-{couple_id}"
    add(
        couple,
        CoupleCreated(couple_id=couple_id, name=f"Couple {couple_id[:6]}", time_zone="UTC"),
        START,
    )
    for i, p in enumerate(partners):
        add(couple, PartnerAdded(partner_id=p, handle=f"p{i}", display_name=f"P{i}"), START)
    rituals = {}
    for key, cron, per_week, together in (
        ("daily", "30 7 * * *", None, True),
        ("weekly", "0 19 * * 0", None, True),
        ("journal", None, 3, False),
    ):
        rid = uuid.uuid4().hex
        rituals[key] = rid
        add(
            f"ritual-{rid}",
            RitualAdded(
                ritual_id=rid,
                title=key.title(),
                kind="other",
                cron=cron,
                per_week=per_week,
                duration=None,
                participants=tuple(partners),
                together=together,
                reminder=None,
                effective_from=START,
            ),
            START,
        )
    for day in range(DAYS):
        morning = START + timedelta(days=day, hours=7, minutes=30)
        plan = [("daily", morning)]
        if morning.weekday() == 6:
            plan.append(("weekly", morning + timedelta(hours=11, minutes=30)))
        for key, occurrence in plan:
            stream = f"ritual-{rituals[key]}"
            if rng.random() < 0.05:
                add(
                    stream,
                    OccurrenceSkipped(ritual_id=rituals[key], occurrence=occurrence),
                    occurrence,
                )
                continue
            for p in partners:
                if rng.random() < 0.95:
                    done = occurrence + timedelta(minutes=rng.randint(0, 90))
                    add(
                        stream,
                        CheckedIn(
                            ritual_id=rituals[key],
                            partner_id=p,
                            occurrence=occurrence,
                            done_at=done,
                        ),
                        done,
                    )
        if morning.weekday() in (0, 2, 4):
            for p in partners:
                done = morning + timedelta(hours=14)
                add(
                    f"ritual-{rituals['journal']}",
                    CheckedIn(
                        ritual_id=rituals["journal"], partner_id=p, occurrence=None, done_at=done
                    ),
                    done,
                )
    return couple_id, history


class BenchKeyring(MemoryKeyring):
    """A keyring in memory that remembers the keys it made, to store them afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[tuple[str, str], bytes] = {}

    def get_or_create(self, couple_id: str, owner: str) -> bytes:
        key = self.made[(couple_id, owner)] = super().get_or_create(couple_id, owner)
        return key


def bulk_insert(store: SqlEventStore, target: int, seed: int) -> int:
    """Append whole couples' histories until about ``target`` events; returns the count."""
    rng = random.Random(seed)
    keyring = BenchKeyring()
    cipher = KeyringCipher(keyring)
    inserted = 0
    rows: list[dict[str, Any]] = []
    with store.db.write() as conn:
        while inserted < target:
            couple_id, history = couple_history(rng)
            versions: dict[str, int] = {}
            encoded = encode_batch(cipher, couple_id, [new for _, new in history])
            for (stream, _), (new, payload) in zip(history, encoded, strict=True):
                versions[stream] = versions.get(stream, 0) + 1
                rows.append(
                    {
                        "stream_id": stream,
                        "version": versions[stream],
                        "couple_id": couple_id,
                        "event_id": new.event_id,
                        "type": new.event.type_name,
                        "schema": new.event.schema,
                        "payload": payload,
                        "metadata": {"actor": None, "via": "import", "correlation_id": None},
                        "occurred_at": new.occurred_at,
                        "recorded_at": new.occurred_at,
                    }
                )
            inserted += len(history)
            if len(rows) >= CHUNK:
                conn.sa.execute(events.insert(), rows)
                rows.clear()
        if rows:
            conn.sa.execute(events.insert(), rows)
        keys = [
            {"couple_id": c, "owner": o, "material": k, "created_at": START}
            for (c, o), k in keyring.made.items()
        ]
        conn.sa.execute(data_keys.insert(), keys)
    return inserted


def raw_read(store: SqlEventStore) -> int:
    """Read and decode the whole log the way the runner does, folding nothing."""
    position = count = 0
    while batch := store.read_all(position, READ_BATCH, decrypt=False):
        position = batch[-1].position
        count += len(batch)
    return count


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def one_more_check_in(store: SqlEventStore) -> Iterator[None]:
    """Append one check-in to an existing ritual, over and over (not timed)."""
    first = store.read_all(0, 100)
    ritual = next(r.event for r in first if isinstance(r.event, RitualAdded) and r.event.cron)
    assert isinstance(ritual, RitualAdded)
    partner = ritual.participants[0]
    couple_id = next(r.couple_id for r in first if r.event is ritual)
    moment = START + timedelta(days=DAYS + 1, hours=7, minutes=30)
    while True:
        moment += timedelta(days=1)
        event = CheckedIn(
            ritual_id=ritual.ritual_id, partner_id=partner, occurrence=moment, done_at=moment
        )
        store.append(
            couple_id,
            f"ritual-{ritual.ritual_id}",
            [NewEvent(event, moment)],
            expected_version=None,
        )
        yield


def catch_up_cost(store: SqlEventStore, samples: int) -> float:
    """The median seconds to fold one new event into a caught-up model."""
    runner = ProjectionRunner(store, SqlReadModels(store.db), PROJECTIONS)
    runner.catch_up()
    appender = one_more_check_in(store)
    times = []
    for _ in range(samples):
        next(appender)
        folded, seconds = timed(runner.catch_up)
        assert folded == 1
        times.append(seconds)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--samples", type=int, default=30, help="catch-ups to time per history")
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        small = open_sql_store(f"sqlite:///{Path(folder) / 'small.db'}")
        assert isinstance(small, SqlEventStore)
        small_size = bulk_insert(small, 1000, seed=1)
        store = open_sql_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        assert isinstance(store, SqlEventStore)

        say(f"{'events':>10}  {'raw read+decode':>18}  {'rebuild':>18}  {'rebuild/raw':>11}")
        size = 0
        for target in sorted(args.sizes):
            size += bulk_insert(store, target - size, seed=target)
            read, raw_seconds = timed(lambda: raw_read(store))
            runner = ProjectionRunner(store, SqlReadModels(store.db), PROJECTIONS)
            folded, rebuild_seconds = timed(functools.partial(runner.rebuild, MARKS.name))
            assert read == folded == size
            raw_rate, rebuild_rate = size / raw_seconds, size / rebuild_seconds
            say(
                f"{size:>10,}  {raw_rate:>12,.0f} ev/s  {rebuild_rate:>12,.0f} ev/s"
                f"  {rebuild_seconds / raw_seconds:>10.2f}x"
            )

        small_cost = catch_up_cost(small, args.samples)
        large_cost = catch_up_cost(store, args.samples)
        say(f"catch-up of one new event (median of {args.samples}):")
        say(f"  {small_size:>10,}-event history: {small_cost * 1000:7.2f} ms")
        say(f"  {size:>10,}-event history: {large_cost * 1000:7.2f} ms")
        say(f"  ratio {large_cost / small_cost:.2f}x (goal: within 2x)")
        small.close()
        store.close()


if __name__ == "__main__":
    sys.exit(main())
