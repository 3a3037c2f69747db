"""How long `insights` and `drift_signals` take on a long history, beside the raw read.

Insights are computed on demand by folding every event of the couple, so their cost is
the read-and-decode of those events plus the folds. This prints both, measured in the
same run on the same SQLite file, for each history size given (default 10k and 100k).

    PYTHONPATH=. python bench/insights.py [EVENTS ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine import Engine, FixedClock
from engine.api import open_sql_store
from engine.events import (
    AppreciationGiven,
    CheckedIn,
    Event,
    NewEvent,
    RepairAnswered,
    RepairAttempted,
)

BATCH = 1000


def fill(eng: Engine, couple_id: str, ritual_id: str, partners: list[str], total: int) -> None:
    """``total`` events over the two years before the clock: mostly check-ins."""
    now = eng.now()
    step = timedelta(days=730) / total
    made = 0
    while made < total:
        batch = []
        for i in range(made, min(made + BATCH, total)):
            at = now - timedelta(days=730) + i * step
            who = partners[i % 2]
            if i % 10 == 7:
                event: Event = AppreciationGiven(
                    appreciation_id=f"a{i}",
                    author=who,
                    recipient=partners[(i + 1) % 2],
                    text="thank you",
                    shared=True,
                    at=at,
                )
            elif i % 10 == 8:
                event = RepairAttempted(repair_id=f"r{i}", by=who, kind="apology", at=at)
            elif i % 10 == 9:
                event = RepairAnswered(repair_id=f"r{i - 1}", by=who, answer="accepted", at=at)
            else:
                event = CheckedIn(
                    ritual_id=ritual_id,
                    partner_id=who,
                    occurrence=None,
                    done_at=at,
                    closeness=1 + i % 5,
                )
            batch.append(NewEvent(event, at))
        stream = f"bench-{made // BATCH}"
        eng.store.append(couple_id, stream, batch, expected_version=0)
        made += len(batch)


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(total: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        clock = FixedClock(datetime(2026, 3, 18, 9, tzinfo=UTC))
        eng = Engine(open_sql_store(url, clock=clock), clock)
        couple = eng.create_couple("Bench", ["sam", "alex"], "Europe/Berlin")
        ritual = eng.add_ritual(couple, "Journal", per_week=3)
        fill(eng, couple.id, ritual.id, [p.id for p in couple.partners], total)
        raw = best_of(3, lambda: eng.store.read_couple(couple.id, decrypt=False))
        insights = best_of(3, lambda: eng.insights(couple, weeks=12))
        drift = best_of(3, lambda: eng.drift_signals(couple))
        eng.close()
    print(
        f"{total:>8} events  read+decode {raw:7.3f}s  insights {insights:7.3f}s "
        f"({insights / raw:4.2f}x)  drift_signals {drift:7.3f}s ({drift / raw:4.2f}x)"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    for total in sizes:
        measure(total)


if __name__ == "__main__":
    main()
