"""How quickly `ritual` answers from a cold start, beside a bare interpreter, in one run.

Each figure is the median of several runs of a fresh process (nothing cached in memory
between them; the operating system's file cache and Python's bytecode caches are warm, as
on any second use: one unmeasured run of each command comes first, with bytecode writing
on even where the environment turns it off). The runs are interleaved, one of each row
per round, so that a moment when the machine is slower slows the floor and the commands
alike; a check-in can be logged once, so it is one run, in the middle round:

- `python -c pass`: the floor every command pays;
- `python -c "import sqlalchemy"`: for reference, what loading the database toolkit
  alone costs on this machine (a command on the SQLite file never loads it; one on
  PostgreSQL does);
- `ritual --help`: the target is within 3x of the floor;
- `ritual list`, `checkin`, `status` and `feed` on a couple with a year of history
  (two daily rituals checked in by both partners, a weekly check): within 8x.

    PYTHONPATH=. python bench/cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine import Engine, FixedClock

ROOT = Path(__file__).resolve().parents[1]
DAYS = 365
TARGETS = {"--help": 3.0}
DEFAULT_TARGET = 8.0


def build_history(url: str) -> None:
    """A year of practice up to yesterday, through the public API, as it would be logged.

    It ends yesterday because the commands measured run in their own processes on the
    real clock (a benchmark, unlike a test, measures the machine as it is today).
    """
    today = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=DAYS)
    clock = FixedClock(start)
    with Engine.open(url, clock=clock) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        morning = eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
        evening = eng.add_ritual(couple, "Evening one thing", cron="0 21 * * *")
        weekly = eng.add_ritual(couple, "Relationship check", cron="0 19 * * 0")
        for day in range(DAYS):
            base = start + timedelta(days=day)
            for ritual, hour in ((morning, 8), (evening, 21)):
                clock.now = base.replace(hour=hour, minute=30)
                for who in ("sam", "alex"):
                    eng.check_in(couple, ritual.id, by=who)
            if base.weekday() == 6:
                clock.now = base.replace(hour=20)
                eng.check_in(couple, weekly.id, by="sam", for_both=False)


def timed_run(args: list[str]) -> float:
    """The wall time of one fresh process running ``args``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's second run finds the bytecode cached
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[2:])} failed: {done.stderr.decode()[-500:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'year.db'}"
        print(f"building a year of history in {url} ...", file=sys.stderr)
        build_history(url)
        ritual = [sys.executable, "-c", "from cli import main; main()", "--db", url]
        rows: dict[str, list[str]] = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c import sqlalchemy": [sys.executable, "-c", "import sqlalchemy"],
            "ritual --help": [*ritual, "--help"],
            "ritual list": [*ritual, "list"],
            "ritual status": [*ritual, "status"],
            "ritual feed": [*ritual, "feed", "--out", str(Path(folder) / "feed.ics")],
        }
        for args in rows.values():  # one unmeasured run each, for the caches
            timed_run(args)
        # a check-in can happen once: warmed up with the other partner's, measured once
        timed_run([*ritual, "checkin", "Evening one thing", "--by", "alex"])
        times: dict[str, list[float]] = {name: [] for name in rows}
        checkin = 0.0
        for round_ in range(runs):  # interleaved, so a slow moment slows every row alike
            for name, args in rows.items():
                times[name].append(timed_run(args))
            if round_ == runs // 2:
                checkin = timed_run([*ritual, "checkin", "Evening one thing", "--by", "sam"])
        medians = {name: statistics.median(t) for name, t in times.items()}
        medians["ritual checkin"] = checkin
        floor = medians["python -c pass"]
        print(f"{'command':<28} {'median':>9} {'x floor':>8} {'target':>7}")
        for name in ("python -c pass", "python -c import sqlalchemy", "ritual --help"):
            show(name, medians[name], floor)
        for name in ("ritual list", "ritual checkin", "ritual status", "ritual feed"):
            show(name, medians[name], floor)


def show(name: str, took: float, floor: float) -> None:
    line = f"{name:<28} {took * 1000:>7.0f}ms {took / floor:>8.1f}"
    command = name.removeprefix("ritual ")
    if name.startswith("ritual "):
        target = TARGETS.get(command, DEFAULT_TARGET)
        mark = "ok" if took / floor <= target else "over"
        line += f" {target:>5.0f}x {mark}"
    print(line)


if __name__ == "__main__":
    main()
