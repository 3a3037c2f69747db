"""How erasure and export/import cost, each beside a baseline measured in the same run.

    python bench/privacy.py [--events 1500] [--couples 100]

1. Finding a couple by name while the database also holds erased couples (whose names
   can no longer be decrypted), against the same lookup before they were erased.
2. A full export of a couple with many events, against reading and decrypting its log.
3. Importing that export into an empty SQLite file, against writing the same batches
   in the first place.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine import CheckedIn, Engine, FixedClock
from engine.events import Metadata, NewEvent

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    began = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - began) / repeat


def fill(eng: Engine, events: int) -> float:
    """A couple with five rituals and ``events`` check-ins carrying notes; returns the
    seconds the check-in batches took to write."""
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
    partner = couple.partners[0].id
    rituals = [eng.add_ritual(couple, f"Ritual {n}", cron="0 8 * * *").id for n in range(5)]
    began = time.perf_counter()
    for day in range(0, events // 5, 10):
        for rid in rituals:
            batch = [
                CheckedIn(
                    ritual_id=rid,
                    partner_id=partner,
                    occurrence=START + timedelta(days=d),
                    done_at=START + timedelta(days=d),
                    note=f"day {d}: a small thing that mattered",
                )
                for d in range(day, min(day + 10, events // 5))
            ]
            eng.store.append(
                couple.id,
                f"ritual-{rid}",
                [NewEvent(e, e.done_at) for e in batch],
                expected_version=None,
                metadata=Metadata(actor=partner),
            )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--couples", type=int, default=100)
    args = parser.parse_args()
    clock = FixedClock(START + timedelta(days=400))
    with tempfile.TemporaryDirectory() as folder:
        with Engine.open(f"sqlite:///{Path(folder) / 'a.db'}", clock=clock) as eng:
            written = fill(eng, args.events)
            others = [
                eng.create_couple(f"Couple {n}", ["kim", "lou"], "UTC").id
                for n in range(args.couples)
            ]
            live = timed(lambda: eng.couple("Sam & Alex"), repeat=20)
            for couple_id in others[: args.couples // 2]:
                eng.erase_couple(couple_id)
            with_erased = timed(lambda: eng.couple("Sam & Alex"), repeat=20)
            couple_id = eng.couple("Sam & Alex").id
            read = timed(lambda: eng.store.read_couple(couple_id))
            began = time.perf_counter()
            doc = json.loads(json.dumps(eng.export_data("Sam & Alex", full=True)))
            exported = time.perf_counter() - began
        with Engine.open(f"sqlite:///{Path(folder) / 'b.db'}", clock=clock) as copy:
            copy.couples()  # create the schema outside the measurement
            imported = timed(lambda: copy.import_data(doc))
    n, half = len(doc["events"]), args.couples // 2
    print(f"resolve a couple by name, {args.couples + 1} couples: {live * 1e3:7.2f} ms")
    print(f"  ... after erasing {half} of them:      {with_erased * 1e3:7.2f} ms")
    print(f"read and decrypt {n} events (baseline): {read * 1e3:7.1f} ms")
    print(f"full export of them, through JSON:       {exported * 1e3:7.1f} ms")
    print(f"write their check-ins (baseline):        {written * 1e3:7.1f} ms")
    print(f"import them into an empty database:      {imported * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
