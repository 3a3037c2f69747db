"""What `Engine.status` costs on a long history, beside its parts, in the same run.

A couple in a SQLite file practises for one and for four years (a morning and an
evening ritual together, a weekly check, a 3-a-week journal each; about 1,650 events a
year). For each history this prints, best of five: the whole status; the streaks and
the drift signals it composes (both fold the whole history by design); a raw
read-and-decode of the couple's events (the floor for anything that reads them all);
and the part the status adds, today's rituals and the 12-week heatmap, which looks only
at the last 12 weeks of schedules and so should cost about the same for any history.

    PYTHONPATH=. python bench/status.py [YEARS ...]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine import Engine, FixedClock
from engine.api import open_sql_store, read_models_for
from engine.events import CheckedIn, Event, NewEvent, OccurrenceSkipped
from engine.projections import practice
from engine.services.session import Session
from engine.services.streaks import Streaks

START = datetime(2022, 1, 3, tzinfo=UTC)  # a Monday
CHUNK = 1000


def practise(eng: Engine, couple_id: str, ids: dict[str, str], days: int, seed: int) -> int:
    """``days`` of practice, appended stream by stream in large batches; returns the count."""
    rng = random.Random(seed)
    partners = [p.id for p in eng.couple(couple_id).partners]
    streams: dict[str, list[NewEvent]] = {rid: [] for rid in ids.values()}

    def add(rid: str, event: Event, at: datetime) -> None:
        streams[rid].append(NewEvent(event, at))

    def check_in(rid: str, partner: str, occurrence: datetime | None, done: datetime) -> None:
        event = CheckedIn(ritual_id=rid, partner_id=partner, occurrence=occurrence, done_at=done)
        add(rid, event, done)

    for day in range(days):
        midnight = START + timedelta(days=day)
        slots = [("morning", midnight + timedelta(hours=7, minutes=30))]
        slots.append(("evening", midnight + timedelta(hours=21)))
        if midnight.weekday() == 6:
            slots.append(("weekly", midnight + timedelta(hours=19)))
        for key, occurrence in slots:
            rid, roll = ids[key], rng.random()
            if roll < 0.05:
                add(rid, OccurrenceSkipped(ritual_id=rid, occurrence=occurrence), occurrence)
            elif roll < 0.9:
                for p in partners:
                    check_in(rid, p, occurrence, occurrence + timedelta(minutes=rng.randint(0, 60)))
        if midnight.weekday() in (0, 2, 4):
            for p in partners:
                check_in(ids["journal"], p, None, midnight + timedelta(hours=13))
    for rid, batch in streams.items():
        for start in range(0, len(batch), CHUNK):
            eng.store.append(
                couple_id, f"ritual-{rid}", batch[start : start + CHUNK], expected_version=1 + start
            )
    return sum(len(batch) for batch in streams.values())


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def measure(years: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(START - timedelta(hours=1))
        store = open_sql_store(f"sqlite:///{Path(tmp) / 'bench.db'}", clock=clock)
        eng = Engine(store, clock)
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        ids = {
            "morning": eng.add_ritual(couple, "Morning", cron="30 7 * * *").id,
            "evening": eng.add_ritual(couple, "Evening", cron="0 21 * * *").id,
            "weekly": eng.add_ritual(couple, "Weekly", cron="0 19 * * 0").id,
            "journal": eng.add_ritual(couple, "Journal", per_week=3, together=False).id,
        }
        days = 364 * years
        count = practise(eng, couple.id, ids, days, seed=years)
        clock.now = START + timedelta(days=days, hours=12)
        eng.catch_up()

        session = Session(eng.store, clock)  # the services the status is composed of
        streaks = Streaks(session, read_models_for)
        rituals = list(session.ritual_states(couple.id).values())
        marks = [m for ms in streaks.marks(couple.id).values() for m in ms]
        zones = streaks.zones(couple.id)
        handles = {p.id: p.handle for p in couple.partners}

        def added_part() -> None:
            book = practice.Logbook.of(rituals, marks, zones, clock.now)
            practice.today(book, handles)
            practice.heatmap(book, began=zones[0][0])

        figures = {
            "status": best_of(5, lambda: eng.status(couple)),
            "streaks": best_of(5, lambda: eng.streaks(couple)),
            "drift": best_of(5, lambda: eng.drift_signals(couple)),
            "raw read": best_of(5, lambda: eng.store.read_couple(couple.id, decrypt=False)),
            "today + heatmap": best_of(5, added_part),
        }
        eng.close()
    shown = ", ".join(f"{name} {ms:.1f} ms" for name, ms in figures.items())
    print(f"{years} year(s), {count:,} events: {shown}")


def main() -> None:
    for years in [int(a) for a in sys.argv[1:]] or [1, 4]:
        measure(years)


if __name__ == "__main__":
    main()
