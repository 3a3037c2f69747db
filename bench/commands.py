"""Command latency against history and database size, beside pyeventsourcing's command path.

    python bench/commands.py [--quick] [--runs N] [--only COMMAND]

For a couple with 10, 1,000, 10,000 and 100,000 events of history (half check-ins with a
note on a quota ritual, half appreciations, eight a day up to yesterday, so a longer
history reaches further back, as a couple's does), and for databases of 1, 1,000 and 10,000
couples, it prints the median latency of a check-in, an appreciation, a status and a
cold calendar feed (a fresh Engine over the same database), sampled in turns so that a
busy moment of the machine falls on every size alike. Histories are written in
batches straight into the store (with SQLite's ``synchronous=OFF`` while building), never
command by command, so the whole run takes a few minutes; the timed commands run on a
normally opened store, one event per durable commit. In the same run it measures
pyeventsourcing's command path (load the aggregate, call a method, ``app.save``) on a
SQLite file and prints the engine's appreciation throughput beside it.

Targets: the 10,000-event history within 1.3x of the 10-event latency; 10,000 couples
within 1.3x of 1; command throughput at least 0.5x the peer's. ``--quick`` leaves out
the 100,000-event history and the 10,000-couple database; ``--only status`` times that one
command against the histories alone (no couples, no throughput), for a quick look.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import AppreciationGiven, CheckedIn, Engine, FixedClock
from engine.api import open_sql_store
from engine.events import Batch, CoupleCreated, Metadata, NewEvent, PartnerAdded, RitualAdded
from engine.sql.event_store import SqlEventStore
from engine.sql.tables import create_sa_engine

NOW = datetime(2027, 4, 6, 8, tzinfo=UTC)
PER_DAY = 8
"""Events a couple logs a day in these histories: a keen couple (two partners checking in
twice a day and thanking each other twice a day). A bigger history is an older one, as
in life: 10,000 events are three and a half years of practice, 100,000 thirty-four."""
STEP = timedelta(days=1) / PER_DAY
BATCH = 40
"""Events per append while building: five days of practice, each batch recorded at its last
moment, so that every event is recorded within days of when it happened, as in use."""
HISTORIES = (10, 1_000, 10_000, 100_000)
COUPLES = (1, 1_000, 10_000)
TARGET = 1.3


def median_ms(runs: int, work: Callable[[], object], clock: FixedClock) -> float:
    times = []
    for _ in range(runs):
        clock.advance(timedelta(minutes=1))
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def fast_store(url: str, clock: FixedClock) -> SqlEventStore:
    """A migrated store that does not wait for the disk: for building histories only."""
    store = open_sql_store(url, clock=clock)
    store.close()
    sa_engine = create_sa_engine(url)

    @sa.event.listens_for(sa_engine, "connect")
    def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    return SqlEventStore(sa_engine, clock)


def new_couple(store: SqlEventStore, clock: FixedClock, at: datetime) -> tuple[str, str, list[str]]:
    """Append a couple of two partners with a quota ritual, recorded ``at``; returns ids."""
    clock.now = at
    couple_id, ritual_id = uuid.uuid4().hex, uuid.uuid4().hex
    partners = [uuid.uuid4().hex, uuid.uuid4().hex]
    events = [
        CoupleCreated(couple_id=couple_id, name=f"Couple {couple_id[:8]}", time_zone="UTC"),
        PartnerAdded(partner_id=partners[0], handle="sam", display_name="Sam"),
        PartnerAdded(partner_id=partners[1], handle="alex", display_name="Alex"),
    ]
    ritual = RitualAdded(
        ritual_id=ritual_id,
        title="Walk",
        kind="shared-activity",
        cron=None,
        per_week=3,
        duration=None,
        participants=tuple(partners),
        together=False,
        reminder=None,
        prompts=(),
        template=None,
        effective_from=at,
    )
    store.append_batches(
        couple_id,
        [
            Batch(f"couple-{couple_id}", [NewEvent(e, at) for e in events], 0, Metadata()),
            Batch(f"ritual-{ritual_id}", [NewEvent(ritual, at)], 0, Metadata()),
        ],
    )
    return couple_id, ritual_id, partners


def history_start(n: int) -> datetime:
    """When a couple with ``n`` events began: their last event lies a day before NOW."""
    return NOW - timedelta(days=1) - STEP * n


def fill(
    store: SqlEventStore,
    clock: FixedClock,
    couple_id: str,
    ritual_id: str,
    partners: list[str],
    n: int,
) -> None:
    """``n`` events of history up to a day before NOW, :data:`PER_DAY` a day, half
    check-ins with a note, half appreciations, written in batches (``clock`` says when
    each batch is recorded)."""
    start = history_start(n)
    for first in range(0, n, BATCH):
        checkins, thanks = [], []
        for i in range(first, min(first + BATCH, n)):
            at = start + STEP * i
            who = partners[i % 2]
            if i % 2:
                text = "Thank you for the slow evening."
                event = AppreciationGiven(
                    appreciation_id=uuid.uuid4().hex,
                    author=who,
                    recipient=partners[(i + 1) % 2],
                    text=text,
                    shared=True,
                    at=at,
                )
                thanks.append(NewEvent(event, at))
            else:
                done = CheckedIn(
                    ritual_id=ritual_id, partner_id=who, occurrence=None, done_at=at, note="ok"
                )
                checkins.append(NewEvent(done, at))
        clock.now = start + STEP * (min(first + BATCH, n) - 1)
        store.append(couple_id, f"ritual-{ritual_id}", checkins, expected_version=None)
        store.append(couple_id, f"couple-{couple_id}", thanks, expected_version=None)


COMMANDS = ("check-in", "appreciate", "status", "cold feed")


def commands(eng: Engine, couple_id: str) -> dict[str, Callable[[], object]]:
    return {
        "check-in": lambda: eng.check_in(couple_id, "Walk", by="sam", note="again"),
        "appreciate": lambda: eng.appreciate(couple_id, by="alex", to="sam", text="thank you"),
        "status": lambda: eng.status(couple_id),
    }


def measure_side_by_side(
    targets: list[tuple[str, str]], runs: int, only: str | None = None
) -> list[dict[str, float]]:
    """Median latencies for each (database, couple), sampled in turns: every round times
    each command once on every database, so a busy moment of the machine falls on all of
    them alike rather than on one size."""
    clock = FixedClock(NOW)
    samples: list[dict[str, list[float]]] = [{} for _ in targets]
    engines = [Engine.open(url, clock=clock) for url, _ in targets]
    try:
        for eng, (_, couple_id) in zip(engines, targets, strict=True):
            eng.catch_up()  # the read models are kept up to date as the log grows
            eng.status(couple_id)  # warm: connections, keys, code paths, kept tallies
        for _ in range(runs):
            for index, (eng, (url, couple_id)) in enumerate(zip(engines, targets, strict=True)):
                for name, work in commands(eng, couple_id).items():
                    if only in (None, name):
                        samples[index].setdefault(name, []).append(timed(work, clock))
                if only not in (None, "cold feed"):
                    continue

                def cold_feed(url: str = url, couple_id: str = couple_id) -> None:
                    with Engine.open(url, clock=clock) as fresh:
                        fresh.calendar_feed(couple_id)

                samples[index].setdefault("cold feed", []).append(timed(cold_feed, clock))
    finally:
        for eng in engines:
            eng.close()
    return [{name: statistics.median(t) * 1000 for name, t in s.items()} for s in samples]


def timed(work: Callable[[], object], clock: FixedClock) -> float:
    clock.advance(timedelta(minutes=1))
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def show(label: str, figures: dict[str, float], base: dict[str, float] | None) -> None:
    cells = []
    for name, ms in figures.items():
        ratio = f" ({ms / base[name]:4.2f}x)" if base else ""
        cells.append(f"{name} {ms:7.2f} ms{ratio}")
    print(f"{label:>24}  " + "  ".join(cells), flush=True)


def peer_throughput(folder: Path, commands: int) -> float:
    """pyeventsourcing's command path on SQLite: get the aggregate, change it, save it."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Couple(Aggregate):
        @event("Created")
        def __init__(self, name: str) -> None:
            self.name = name
            self.thanks = 0

        @event("Appreciated")
        def appreciate(self, text: str) -> None:
            self.thanks += 1

    app = Application(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(folder / "peer.db"),
        }
    )
    couple = Couple("Sam & Alex")
    app.save(couple)
    for _ in range(10):
        couple.appreciate("warm-up")
    app.save(couple)
    began = time.perf_counter()
    for _ in range(commands):
        loaded = app.repository.get(couple.id)
        loaded.appreciate("Thank you for the slow evening.")
        app.save(loaded)
    return commands / (time.perf_counter() - began)


def engine_throughput(url: str, couple_id: str, commands: int) -> float:
    clock = FixedClock(NOW)
    with Engine.open(url, clock=clock) as eng:
        eng.appreciate(couple_id, by="sam", to="alex", text="warm-up")
        began = time.perf_counter()
        for _ in range(commands):
            eng.appreciate(couple_id, by="sam", to="alex", text="Thank you.")
        return commands / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Leave out the largest sizes.")
    parser.add_argument("--runs", type=int, default=15, help="Timed runs per figure.")
    parser.add_argument(
        "--only", choices=COMMANDS, help="Time this command against the histories alone."
    )
    args = parser.parse_args()
    histories = HISTORIES[:-1] if args.quick else HISTORIES
    couples = COUPLES[:-1] if args.quick else COUPLES
    clock = FixedClock(NOW)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("History of one couple (median latency, sampled in turns; ratio to 10 events)")
        histories_at: list[tuple[str, str]] = []
        for size in histories:
            url = f"sqlite:///{folder / f'history-{size}.db'}"
            store = fast_store(url, clock)
            couple_id, ritual_id, partners = new_couple(store, clock, history_start(size))
            fill(store, clock, couple_id, ritual_id, partners, size)
            store.close()
            histories_at.append((url, couple_id))
        by_size = measure_side_by_side(histories_at, args.runs, args.only)
        for size, figures in zip(histories, by_size, strict=True):
            show(f"{size:,} events", figures, None if size == histories[0] else by_size[0])
        print(f"{'':>24}  target: within {TARGET:.1f}x of the 10-event history")
        first_url, first_couple = histories_at[0]
        if args.only:
            return

        print("Couples in the database (median latency, sampled in turns; ratio to 1 couple)")
        one_url = f"sqlite:///{folder / 'one-couple.db'}"
        store = fast_store(one_url, clock)
        alone = new_couple(store, clock, history_start(10))
        fill(store, clock, *alone, 10)
        store.close()
        targets = [(one_url, alone[0])]
        for count in couples[1:]:
            url = f"sqlite:///{folder / f'couples-{count}.db'}"
            store = fast_store(url, clock)
            made = [new_couple(store, clock, history_start(10)) for _ in range(count)]
            for couple in made:
                fill(store, clock, *couple, 10)
            store.close()
            targets.append((url, made[0][0]))
        measured = measure_side_by_side(targets, args.runs)
        for count, figures in zip(couples, measured, strict=True):
            show(f"{count:,} couples", figures, None if count == 1 else measured[0])
        print(f"{'':>24}  target: within {TARGET:.1f}x of 1 couple")

        count = 200
        ours = engine_throughput(first_url, first_couple, count)
        peer = peer_throughput(folder, count)
        print(
            f"Throughput, one event per durable commit: Engine.appreciate {ours:6.0f}/s, "
            f"pyeventsourcing {peer:6.0f}/s ({ours / peer:4.2f}x; target >= 0.5x)"
        )


if __name__ == "__main__":
    main()
